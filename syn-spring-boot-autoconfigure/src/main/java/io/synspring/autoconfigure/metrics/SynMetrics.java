package io.synspring.autoconfigure.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.NodeEvent;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.transport.DropReason;
import io.synspring.transport.PeerCounts;
import io.synspring.transport.TransportCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * hand to their process;</li>
 * <li>the same per other node (tag {@code peer}: its node name), while it is a member:
 * {@code syn.transport.peer.messages} and {@code syn.transport.peer.bytes} (tags {@code peer},
 * {@code direction}), {@code syn.transport.peer.resent}, {@code syn.transport.peer.reconnects}, and gauge
 * {@code syn.transport.peer.unreachable} (1 while the links cannot reach it, else 0).</li>
 * </ul>
 * Every meter without a {@code peer} tag is registered when the node starts (the event counters with
 * {@code reason=NORMAL} for each scope), so dashboards and alerts find them before the first event.
 */
public class SynMetrics implements MeterBinder, SynEventListener, DisposableBean {

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "syn.registrations", "Names registered (or received from their node)",
            "syn.unregistrations", "Names removed",
            "syn.joins", "Processes that joined a group",
            "syn.leaves", "Processes that left a group");

    private final NodeRegistry syn;
    private final long started = System.nanoTime();
    /** The nodes up and not synced yet, since when (nanoTime). */
    private final Map<NodeId, Long> syncing = new ConcurrentHashMap<>();
    private volatile @Nullable MeterRegistry registry;
    /** The meters of each other node, by node name. */
    private final Map<String, List<Meter>> peerMeters = new HashMap<>();

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
                    .description("Names registered in the scope, cluster-wide (this node's replica)")
                    .register(registry);
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
        for (DropReason reason : DropReason.values()) {
            transportCounter(registry, "syn.transport.dropped", "reason", reason.name(),
                    counts -> counts.dropped().get(reason), "Messages received that never reached their process");
            transportCounter(registry, "syn.transport.undelivered", "reason", reason.name(),
                    counts -> counts.undelivered().get(reason),
                    "Messages sent that their node reported it could not hand to their process");
        }
        for (String scope : syn.scopes()) {
            eventCounter(registry, "syn.registrations", scope, "NORMAL");
            eventCounter(registry, "syn.unregistrations", scope, "NORMAL");
            eventCounter(registry, "syn.joins", scope, "NORMAL");
            eventCounter(registry, "syn.leaves", scope, "NORMAL");
            conflicts(registry, scope);
            replicationLag(registry, scope);
        }
        syncDuration(registry);
        if (!first) {
            return;
        }
        syn.addListener(this);
        peersChanged();
        Set<NodeId> unsynced = syn.unsyncedNodes();
        for (NodeId node : syn.nodes()) {
            if (node.equals(syn.node())) {
                continue;
            }
            if (unsynced.contains(node)) {
                syncing.putIfAbsent(node, started);
            } else {
                syncDuration(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void onNodeEvent(NodeEvent event) {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        if (event instanceof NodeEvent.Up) {
            syncing.put(event.node(), System.nanoTime());
            peersChanged();
        } else if (event instanceof NodeEvent.Synced) {
            Long since = syncing.remove(event.node());
            if (since != null) {
                syncDuration(meters).record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
            }
        } else if (event instanceof NodeEvent.Down) {
            syncing.remove(event.node());
            peersChanged();
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
            count(meters, "syn.registrations", scope, reason);
            lag(meters, scope, event, syn.registry(scope).lookup(registered.name())
                    .filter(r -> r.process().equals(event.process())).map(r -> r.time()));
        } else if (event instanceof SynEvent.RegistryUpdated updated) {
            lag(meters, scope, event, syn.registry(scope).lookup(updated.name())
                    .filter(r -> r.process().equals(event.process())).map(r -> r.time()));
        } else if (event instanceof SynEvent.Unregistered) {
            count(meters, "syn.unregistrations", scope, reason);
            if (event.reason() instanceof Reason.ConflictResolution) {
                conflicts(meters, scope).increment();
            }
        } else if (event instanceof SynEvent.Joined joined) {
            count(meters, "syn.joins", scope, reason);
            lag(meters, scope, event, syn.groups(scope).member(joined.group(), event.process()).map(Membership::time));
        } else if (event instanceof SynEvent.GroupUpdated updated) {
            lag(meters, scope, event, syn.groups(scope).member(updated.group(), event.process()).map(Membership::time));
        } else if (event instanceof SynEvent.Left) {
            count(meters, "syn.leaves", scope, reason);
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

    private static void count(MeterRegistry meters, String name, String scope, String reason) {
        Counter.builder(name).tag("scope", scope).tag("reason", reason).description(DESCRIPTIONS.get(name))
                .register(meters).increment();
    }

    private static void eventCounter(MeterRegistry meters, String name, String scope, String reason) {
        Counter.builder(name).tag("scope", scope).tag("reason", reason).description(DESCRIPTIONS.get(name))
                .register(meters);
    }

    private static Counter conflicts(MeterRegistry meters, String scope) {
        return Counter.builder("syn.conflicts").tag("scope", scope).description("Names removed by conflict resolution")
                .register(meters);
    }

    private static Timer replicationLag(MeterRegistry meters, String scope) {
        return Timer.builder("syn.replication.lag").tag("scope", scope)
                .description("From a change on its owner node to its arrival on this node (clocks assumed aligned)")
                .register(meters);
    }

    private static Timer syncDuration(MeterRegistry meters) {
        return Timer.builder("syn.sync.duration")
                .description("From a node becoming visible to this node holding its entries").register(meters);
    }

    /** Registers the meters of the nodes that became members and removes those of the nodes that left. */
    private synchronized void peersChanged() {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        Set<String> current = new HashSet<>();
        for (NodeId node : syn.nodes()) {
            if (!node.equals(syn.node())) {
                current.add(node.name());
            }
        }
        for (String peer : current) {
            if (!peerMeters.containsKey(peer)) {
                peerMeters.put(peer, registerPeer(meters, peer));
            }
        }
        for (Iterator<Map.Entry<String, List<Meter>>> it = peerMeters.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, List<Meter>> entry = it.next();
            if (!current.contains(entry.getKey())) {
                entry.getValue().forEach(meters::remove);
                it.remove();
            }
        }
    }

    private List<Meter> registerPeer(MeterRegistry meters, String peer) {
        List<Meter> registered = new ArrayList<>();
        registered.add(peerCounter(meters, "syn.transport.peer.messages", peer, "sent", PeerCounts::messagesSent,
                "Messages the links with the node carried"));
        registered.add(peerCounter(meters, "syn.transport.peer.messages", peer, "received",
                PeerCounts::messagesReceived, "Messages the links with the node carried"));
        registered.add(peerCounter(meters, "syn.transport.peer.bytes", peer, "sent", PeerCounts::bytesSent,
                "Message bytes the links with the node carried"));
        registered.add(peerCounter(meters, "syn.transport.peer.bytes", peer, "received", PeerCounts::bytesReceived,
                "Message bytes the links with the node carried"));
        registered.add(peerCounter(meters, "syn.transport.peer.resent", peer, null, PeerCounts::resent,
                "Messages sent to the node again after a connection broke"));
        registered.add(peerCounter(meters, "syn.transport.peer.reconnects", peer, null, PeerCounts::reconnects,
                "Connections to the node that broke and were opened again"));
        registered.add(Gauge.builder("syn.transport.peer.unreachable", syn,
                node -> peerCounts(node, peer).stream().anyMatch(PeerCounts::unreachable) ? 1 : 0).tag("peer", peer)
                .description("1 while this node's links cannot reach the node, else 0").register(meters));
        return registered;
    }

    private Meter peerCounter(MeterRegistry meters, String name, String peer, @Nullable String direction,
            ToLongFunction<PeerCounts> count, String description) {
        FunctionCounter.Builder<NodeRegistry> counter = FunctionCounter.builder(name, syn,
                node -> peerCounts(node, peer).stream().mapToLong(count).sum()).tag("peer", peer)
                .description(description);
        if (direction != null) {
            counter.tag("direction", direction);
        }
        return counter.register(meters);
    }

    /** The counts of the links with the incarnations of the node named {@code peer} (one, but for a restart). */
    private static List<PeerCounts> peerCounts(NodeRegistry node, String peer) {
        List<PeerCounts> counts = new ArrayList<>(1);
        node.transportCounts().peers().forEach((id, peerCounts) -> {
            if (id.name().equals(peer)) {
                counts.add(peerCounts);
            }
        });
        return counts;
    }

    private void lag(MeterRegistry meters, String scope, SynEvent event, Optional<Long> time) {
        if (!(event.reason() instanceof Reason.Normal) || event.process().node().equals(syn.node())
                || time.isEmpty()) {
            return;
        }
        long lag = Math.max(0, System.currentTimeMillis() - time.get());
        replicationLag(meters, scope).record(lag, TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        syn.removeListener(this);
    }
}
