package io.synspring.autoconfigure.metrics;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import io.synspring.groups.Groups;
import io.synspring.groups.Membership;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.internal.transport.Transport;
import io.synspring.internal.transport.TransportCounts;
import io.synspring.process.ExitReason;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;

/**
 * Micrometer meters of the Syn node, all under {@code syn.*}:
 * <ul>
 * <li>gauges {@code syn.names} and {@code syn.groups} (tag {@code scope}), {@code syn.nodes},
 * {@code syn.processes};</li>
 * <li>counters {@code syn.registrations}, {@code syn.unregistrations}, {@code syn.joins}, {@code syn.leaves}
 * (tags {@code scope}, {@code reason}) and {@code syn.conflicts} (tag {@code scope}): the changes this node
 * applied, its own and other nodes';</li>
 * <li>timers {@code syn.replication.lag} (tag {@code scope}): from a change on its owner node to its arrival
 * here; {@code syn.sync.duration}: from a node becoming visible to this node holding its entries;</li>
 * <li>the links between nodes: gauge {@code syn.nodes.unreachable} (members this node's links cannot reach),
 * counters {@code syn.transport.messages} and {@code syn.transport.bytes} (tag {@code direction}: sent,
 * received), {@code syn.transport.resent}, {@code syn.transport.reconnects}, {@code syn.transport.refused}
 * (links whose other end did not prove who it is), and {@code syn.transport.dropped}
 * (tag {@code reason}: NODE_DOWN, MAILBOX_FULL, NOT_ALIVE): messages received that never reached their
 * process; {@code syn.transport.undelivered} (same tag): messages sent that the other node reported it could not
 * hand to their process.</li>
 * </ul>
 */
public class SynMetrics implements MeterBinder, SynEventListener, DisposableBean {

    private static final Duration SYNC_CHECK = Duration.ofMillis(20);
    private static final Duration SYNC_GIVE_UP = Duration.ofMinutes(10);

    private final NodeRegistry syn;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService syncChecks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "syn-metrics");
        thread.setDaemon(true);
        return thread;
    });
    private volatile @Nullable MeterRegistry registry;
    private @Nullable UUID membershipRegistration;

    public SynMetrics(NodeRegistry syn) {
        this.syn = syn;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        boolean first = this.registry == null;
        if (first) {
            this.registry = registry;
        }
        for (String scope : syn.scopes()) {
            Gauge.builder("syn.names", syn, node -> node.registry(scope).count()).tag("scope", scope)
                    .description("Names registered in the scope, cluster-wide (this node's replica)").register(registry);
            Gauge.builder("syn.groups", syn, node -> node.groups(scope).groupCount()).tag("scope", scope)
                    .description("Groups with at least one member in the scope, cluster-wide").register(registry);
        }
        Gauge.builder("syn.nodes", syn, node -> node.nodes().size())
                .description("Syn nodes this node sees, itself included").register(registry);
        Gauge.builder("syn.processes", syn, NodeRegistry::processCount)
                .description("Processes running on this node").register(registry);
        Gauge.builder("syn.nodes.unreachable", syn, node -> node.unreachableNodes().size())
                .description("Members this node's links cannot reach (a partial split, a frozen node)")
                .register(registry);
        transportCounter(registry, "syn.transport.messages", "direction", "sent", TransportCounts::messagesSent,
                "Messages this node's links carried");
        transportCounter(registry, "syn.transport.messages", "direction", "received",
                TransportCounts::messagesReceived, "Messages this node's links carried");
        transportCounter(registry, "syn.transport.bytes", "direction", "sent", TransportCounts::bytesSent,
                "Message bytes this node's links carried");
        transportCounter(registry, "syn.transport.bytes", "direction", "received", TransportCounts::bytesReceived,
                "Message bytes this node's links carried");
        transportCounter(registry, "syn.transport.resent", null, null, TransportCounts::resent,
                "Messages sent again after a connection broke");
        transportCounter(registry, "syn.transport.reconnects", null, null, TransportCounts::reconnects,
                "Connections to other nodes that broke and were opened again");
        transportCounter(registry, "syn.transport.refused", null, null, TransportCounts::refused,
                "Links refused because the other end did not prove who it is (certificate, cluster secret)");
        for (Transport.DropReason reason : Transport.DropReason.values()) {
            transportCounter(registry, "syn.transport.dropped", "reason", reason.name(),
                    counts -> counts.dropped().get(reason), "Messages received that never reached their process");
            transportCounter(registry, "syn.transport.undelivered", "reason", reason.name(),
                    counts -> counts.undelivered().get(reason),
                    "Messages sent that their node reported it could not hand to their process");
        }
        if (!first) {
            return;
        }
        syn.addListener(this);
        membershipRegistration = syn.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                String node = event.getMember().getAttribute(MemberAttributes.NODE);
                if (node != null) {
                    awaitSync(NodeId.parse(node), System.nanoTime());
                }
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
            }
        });
        for (NodeId node : syn.nodes()) {
            if (!node.equals(syn.node())) {
                awaitSync(node, started);
            }
        }
    }

    private void transportCounter(MeterRegistry registry, String name, @Nullable String tag, @Nullable String value,
            ToLongFunction<TransportCounts> count, String description) {
        FunctionCounter.Builder<NodeRegistry> counter = FunctionCounter.builder(name, syn,
                node -> count.applyAsLong(node.transportCounts())).description(description);
        if (tag != null && value != null) {
            counter.tag(tag, value);
        }
        counter.register(registry);
    }

    @Override
    public void onEvent(SynEvent event) {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        String scope = event.scope();
        String reason = reasonTag(event.reason());
        if (event instanceof SynEvent.Registered registered) {
            count(meters, "syn.registrations", scope, reason, "Names registered (or received from their node)");
            lag(meters, scope, event, syn.registry(scope).lookup(registered.name())
                    .filter(r -> r.process().equals(event.process())).map(r -> r.time()));
        } else if (event instanceof SynEvent.RegistryUpdated updated) {
            lag(meters, scope, event, syn.registry(scope).lookup(updated.name())
                    .filter(r -> r.process().equals(event.process())).map(r -> r.time()));
        } else if (event instanceof SynEvent.Unregistered) {
            count(meters, "syn.unregistrations", scope, reason, "Names removed");
            if (event.reason() instanceof Reason.ConflictResolution) {
                Counter.builder("syn.conflicts").tag("scope", scope)
                        .description("Names removed by conflict resolution").register(meters).increment();
            }
        } else if (event instanceof SynEvent.Joined joined) {
            count(meters, "syn.joins", scope, reason, "Processes that joined a group");
            lag(meters, scope, event, syn.groups(scope).member(joined.group(), event.process()).map(Membership::time));
        } else if (event instanceof SynEvent.GroupUpdated updated) {
            lag(meters, scope, event, syn.groups(scope).member(updated.group(), event.process()).map(Membership::time));
        } else if (event instanceof SynEvent.Left) {
            count(meters, "syn.leaves", scope, reason, "Processes that left a group");
        }
    }

    /** The {@code reason} tag of a meter: a fixed set of values, never the text of an exception. */
    public static String reasonTag(Reason reason) {
        if (reason instanceof Reason.NodeUp) {
            return "NODE_UP";
        } else if (reason instanceof Reason.NodeDown) {
            return "NODE_DOWN";
        } else if (reason instanceof Reason.ConflictResolution) {
            return "CONFLICT_RESOLUTION";
        } else if (reason instanceof Reason.Resync) {
            return "RESYNC";
        } else if (reason instanceof Reason.ProcessExited exited) {
            ExitReason exit = exited.exit();
            if (exit instanceof ExitReason.Crashed) {
                return "EXIT_CRASHED";
            } else if (exit instanceof ExitReason.ConflictResolved) {
                return "EXIT_CONFLICT_RESOLUTION";
            }
            return "EXIT_" + exit;
        }
        return "NORMAL";
    }

    private static void count(MeterRegistry meters, String name, String scope, String reason, String description) {
        Counter.builder(name).tag("scope", scope).tag("reason", reason).description(description).register(meters)
                .increment();
    }

    private void lag(MeterRegistry meters, String scope, SynEvent event, Optional<Long> time) {
        if (!(event.reason() instanceof Reason.Normal) || event.process().node().equals(syn.node())
                || time.isEmpty()) {
            return;
        }
        long lag = Math.max(0, System.currentTimeMillis() - time.get());
        Timer.builder("syn.replication.lag").tag("scope", scope)
                .description("From a change on its owner node to its arrival on this node (clocks assumed aligned)")
                .register(meters).record(lag, TimeUnit.MILLISECONDS);
    }

    /** Records {@code syn.sync.duration} once this node holds the entries of {@code node}. */
    private void awaitSync(NodeId node, long since) {
        try {
            syncChecks.schedule(() -> checkSync(node, since), SYNC_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the context is closing
        }
    }

    private void checkSync(NodeId node, long since) {
        MeterRegistry meters = registry;
        long elapsed = System.nanoTime() - since;
        if (meters == null || elapsed > SYNC_GIVE_UP.toNanos()) {
            return;
        }
        boolean visible = syn.nodes().contains(node);
        if (visible && !syn.unsyncedNodes().contains(node)) {
            Timer.builder("syn.sync.duration").description("From a node becoming visible to this node holding its entries")
                    .register(meters).record(elapsed, TimeUnit.NANOSECONDS);
        } else if (visible || System.nanoTime() - since < SYNC_GIVE_UP.toNanos() / 100) {
            awaitSync(node, since);
        }
    }

    @Override
    public void destroy() {
        syn.removeListener(this);
        UUID registration = membershipRegistration;
        if (registration != null) {
            try {
                syn.hazelcast().getCluster().removeMembershipListener(registration);
            } catch (RuntimeException shuttingDown) {
                // the member is already gone
            }
        }
        syncChecks.shutdownNow();
    }
}
