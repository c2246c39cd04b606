package io.synspring;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.synspring.events.NodeEvent;
import io.synspring.events.SynEventListener;
import io.synspring.groups.Groups;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.node.InboundDispatcher;
import io.synspring.internal.node.Introductions;
import io.synspring.internal.node.NodeMessenger;
import io.synspring.internal.node.NodeStates;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.process.ProcessTable;
import io.synspring.internal.process.ReplyTo;
import io.synspring.internal.scope.EventBus;
import io.synspring.internal.scope.Guard;
import io.synspring.internal.scope.PendingCalls;
import io.synspring.internal.scope.ScopeEngine;
import io.synspring.internal.scope.ScopeGroups;
import io.synspring.internal.scope.ScopeRegistry;
import io.synspring.internal.scope.SerialExecutor;
import io.synspring.internal.transport.TransportSettings;
import io.synspring.internal.wire.WireCodec;
import io.synspring.process.ExitReason;
import io.synspring.process.MessageHandler;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.Registry;
import io.synspring.transport.TransportCounts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Syn node: the entry point to processes, the registry and the groups of each scope this node takes part
 * in. Every node is the authority for its own processes and holds a full replica of its scopes, so reads
 * are local; Hazelcast provides membership and transport.
 *
 * <pre>{@code
 * NodeRegistry syn = NodeRegistry.create(config, SynSettings.builder().nodeName("gw-1").scopes("devices").build());
 * SynProcess device = syn.spawn((message, ctx) -> ctx.reply("pong"));
 * syn.registry("devices").register("device-42", device.ref(), Map.of("fw", "1.2"));
 * }</pre>
 */
public final class NodeRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final SynSettings settings;
    private final HazelcastInstance hazelcast;
    private final boolean ownsHazelcast;
    private final HazelcastCluster cluster;
    private final NodeId self;
    private final WireCodec codec;
    private final Guard guard;
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final EventBus events;
    private final PendingCalls calls = new PendingCalls();
    private final ProcessTable processes;
    private final Map<String, ScopeEngine> engines = new ConcurrentHashMap<>();
    private final Map<String, Registry> registries = new ConcurrentHashMap<>();
    private final Map<String, Groups> groups = new ConcurrentHashMap<>();
    private final NodeMessenger messenger;
    private final InboundDispatcher dispatcher;
    private final Introductions introductions;
    private final NodeStates states;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NodeRegistry(HazelcastInstance hazelcast, boolean ownsHazelcast, SynSettings settings) {
        this.settings = settings;
        this.hazelcast = hazelcast;
        this.ownsHazelcast = ownsHazelcast;
        this.cluster = new HazelcastCluster(hazelcast, new TransportSettings(settings.maxBufferedBytes(),
                settings.backpressureWait(), settings.unreachableAfter(),
                (int) Math.min(Integer.MAX_VALUE - 1024,
                        Math.max(16L << 20, 2L * settings.maxMessageBytes() + (1 << 20))),
                settings.transportSsl(), settings.nodeNameInCertificate(), settings.clusterSecret()),
                new ClusterListener());
        this.self = cluster.self();
        this.codec = new WireCodec(hazelcast, settings.allowedClassPrefixes());
        this.guard = new Guard(codec, settings);
        this.pool = new ForkJoinPool(settings.workerThreads(), pool -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("syn-worker-" + thread.getPoolIndex());
            return thread;
        }, null, true);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "syn-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.events = new EventBus(new SerialExecutor("events", pool));
        Observations observations = new Observations(settings.observationRegistry(),
                settings.senderObservationConvention(), settings.receiverObservationConvention());
        this.processes = new ProcessTable(self, pool, settings.maxMailboxSize(), new ExitHook(), this::reply,
                observations);
        this.messenger = new NodeMessenger(self, processes, cluster, codec, guard, calls, observations);
        Set<String> memberScopes = MemberAttributes.scopesOf(hazelcast.getCluster().getLocalMember());
        if (!memberScopes.equals(settings.scopes())) {
            throw new IllegalStateException("the Hazelcast member was configured for scopes " + memberScopes
                    + " but the settings say " + settings.scopes() + ": configure both from the same settings");
        }
        this.states = new NodeStates(settings.scopes(), events);
        ScopeEngine.Context context = new ScopeEngine.Context(self, processes, codec, cluster, events, calls, pool,
                scheduler, settings.conflictResolver(), settings.strictMode(), settings.maxMetadataBytes(),
                settings.requestTimeout(), settings.syncRetry(), states, observations);
        for (String scope : settings.scopes()) {
            ScopeEngine engine = new ScopeEngine(scope, context);
            engines.put(scope, engine);
            registries.put(scope, new ScopeRegistry(engine, guard, messenger));
            groups.put(scope, new ScopeGroups(engine, guard, messenger, calls, settings.multiCallTimeout()));
        }
        this.dispatcher = new InboundDispatcher(self, codec, cluster, engines, processes, calls, states, observations);
        this.introductions = new Introductions(self, cluster, engines, scheduler);
    }

    /**
     * Prepares {@code config} for a Syn node with {@code settings}: the node id, scopes and link address as
     * member attributes (the links' listening socket is bound now), and the deserialization allowlist. Call
     * before creating the instance.
     */
    public static Config configure(Config config, SynSettings settings) {
        return HazelcastCluster.configure(config, settings.nodeName(), settings.scopes(),
                settings.allowedClassPrefixes(), settings.transportPort());
    }

    /**
     * Starts a Hazelcast member from {@code config} and a Syn node on it; closing the node shuts it down.
     * {@code listeners} are added before the node meets the others, so they see every event from the start.
     */
    public static NodeRegistry create(Config config, SynSettings settings, SynEventListener... listeners) {
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(configure(config, settings));
        try {
            return start(hazelcast, true, settings, listeners);
        } catch (RuntimeException e) {
            hazelcast.shutdown();
            throw e;
        }
    }

    /**
     * Starts a Syn node on a running member whose config went through {@link #configure}; closing the node
     * leaves the member running. {@code listeners} are added before the node meets the others.
     */
    public static NodeRegistry start(HazelcastInstance hazelcast, SynSettings settings, SynEventListener... listeners) {
        return start(hazelcast, false, settings, listeners);
    }

    private static NodeRegistry start(HazelcastInstance hazelcast, boolean owned, SynSettings settings,
            SynEventListener... listeners) {
        NodeRegistry node = new NodeRegistry(hazelcast, owned, settings);
        for (SynEventListener listener : listeners) {
            node.addListener(listener); // before the first snapshot exchange: no NODE_UP event is missed
        }
        node.cluster.start();
        node.engines.values().forEach(ScopeEngine::startBeacons);
        // a member is a Syn node once its link proved who it is: with secure links, some are introduced later
        node.introductions.start(hazelcast.getCluster().getMembers(), settings.isSecure());
        InetSocketAddress links = node.cluster.transport().localAddress();
        if (!settings.isSecure() && !links.getAddress().isLoopbackAddress()) {
            log.warn("Syn node {} listens for links on {} without authentication: any process that reaches it and "
                    + "Hazelcast's port can join as a node, read the registry and send to processes. Set a cluster "
                    + "secret (syn.cluster.secret) or mutual TLS (syn.transport.ssl.bundle)", node.self, links);
        }
        log.info("Syn node {} started in scopes {}{}", node.self, settings.scopes(),
                settings.isSecure() ? ", links authenticated" : "");
        return node;
    }

    /** This node's id. */
    public NodeId node() {
        return self;
    }

    /** The Syn nodes this node currently sees, itself included. */
    public Set<NodeId> nodes() {
        Set<NodeId> nodes = new TreeSet<>(cluster.peers().keySet());
        nodes.add(self);
        return nodes;
    }

    /**
     * The visible nodes, sharing a scope with this one, whose entries this node does not fully hold yet (their
     * snapshot has not arrived, or their changes are held back behind a gap). Empty once in sync.
     */
    public Set<NodeId> unsyncedNodes() {
        Set<NodeId> unsynced = new TreeSet<>();
        engines.values().forEach(engine -> unsynced.addAll(engine.unsyncedPeers()));
        return unsynced;
    }

    /**
     * The nodes Hazelcast lists as members that this node's links cannot reach: a partial split (this node
     * and that one cannot talk while both talk to the others), or a frozen node. Their entries stay as they
     * were last received; messages to them wait in the link, up to its maximum.
     */
    public Set<NodeId> unreachableNodes() {
        return cluster.unreachableNodes();
    }

    /** Counts of the messages that crossed this node's links, and of those that could not be delivered. */
    public TransportCounts transportCounts() {
        return cluster.transport().counts();
    }

    /** The scopes this node takes part in. */
    public Set<String> scopes() {
        return settings.scopes();
    }

    public SynSettings settings() {
        return settings;
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** Starts a local process running {@code handler}. */
    public SynProcess spawn(MessageHandler handler) {
        checkOpen();
        return processes.spawn(handler);
    }

    /** The local process {@code ref}, while it is alive. */
    public Optional<SynProcess> process(ProcessRef ref) {
        SynProcess process = processes.get(Objects.requireNonNull(ref, "ref"));
        return process != null && process.isAlive() ? Optional.of(process) : Optional.empty();
    }

    /** How many processes run on this node. */
    public int processCount() {
        return processes.size();
    }

    /** The registry of the {@code default} scope. */
    public Registry registry() {
        return registry(SynSettings.DEFAULT_SCOPE);
    }

    /** @throws UnknownScopeException if this node is not in {@code scope} */
    public Registry registry(String scope) {
        return inScope(registries, scope);
    }

    /** The groups of the {@code default} scope. */
    public Groups groups() {
        return groups(SynSettings.DEFAULT_SCOPE);
    }

    /** @throws UnknownScopeException if this node is not in {@code scope} */
    public Groups groups(String scope) {
        return inScope(groups, scope);
    }

    /** Sends {@code message} to {@code process}, wherever it runs. */
    public SendResult send(ProcessRef process, Object message) {
        return messenger.send(Objects.requireNonNull(process, "process"), message, Observations.NO_SCOPE);
    }

    /**
     * Calls {@code process}, wherever it runs: sends {@code request} and completes with the handler's
     * {@link io.synspring.process.MessageContext#reply reply}. The future fails with
     * {@link io.synspring.process.CallRefusedException} when the request could not be delivered,
     * {@link io.synspring.process.ProcessExitedException} when the process exits first (seen for a remote
     * process when it held a name or a group membership), {@link NodeUnavailableException} when its node leaves,
     * and {@link java.util.concurrent.TimeoutException} when no reply came within {@code timeout}.
     *
     * @throws IllegalArgumentException if the request cannot cross the wire to the process's node
     */
    public <R> CompletableFuture<R> call(ProcessRef process, Object request, Duration timeout) {
        return messenger.call(Objects.requireNonNull(process, "process"), request, timeout, Observations.NO_SCOPE);
    }

    /**
     * Listens to every registry and group event of this node's scopes, and to the other nodes' {@link NodeEvent}s
     * (up, synced, unsynced, down) if the listener overrides {@link SynEventListener#onNodeEvent}.
     */
    public void addListener(SynEventListener listener) {
        events.addListener(listener);
    }

    public void removeListener(SynEventListener listener) {
        events.removeListener(listener);
    }

    /**
     * Leaves the cluster gracefully: local processes exit with {@link ExitReason#SHUTDOWN}, the other nodes
     * are told to drop this node's entries at once, and the Hazelcast member is shut down if this node
     * started it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Each scope says goodbye first, through its outbox (after the changes already queued: per-pair
        // FIFO), so the others drop all of this node's entries at once with NODE_DOWN; the processes' own
        // exits then stay local (a scope that has left sends nothing more).
        engines.values().forEach(ScopeEngine::leave);
        engines.values().forEach(engine -> engine.awaitFlushed(Duration.ofSeconds(5)));
        // and received: otherwise Hazelcast may report this node gone first, and the others take it for a failure
        cluster.transport().awaitAcknowledged(Duration.ofSeconds(1));
        try {
            processes.exitAll(ExitReason.SHUTDOWN).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Syn node {}: processes did not all finish exiting", self, e);
        }
        cluster.stop();
        if (ownsHazelcast) {
            hazelcast.shutdown();
        }
        scheduler.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Syn node {} stopped", self);
    }

    private <T> T inScope(Map<String, T> byScope, String scope) {
        Objects.requireNonNull(scope, "scope");
        T value = byScope.get(scope);
        if (value == null) {
            throw new UnknownScopeException(scope, settings.scopes());
        }
        return value;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Syn node " + self + " is closed");
        }
    }

    private void forSharedScopes(Set<String> scopes, Consumer<ScopeEngine> action) {
        for (String scope : scopes) {
            ScopeEngine engine = engines.get(scope);
            if (engine != null) {
                action.accept(engine);
            }
        }
    }

    private void reply(ReplyTo to, ProcessRef from, Object reply) {
        messenger.reply(to, from, reply);
    }

    /** Removes the names and memberships of processes that exited, in every scope, and fails calls to them. */
    private final class ExitHook implements ProcessTable.ExitHook {
        @Override
        public void processesExited(List<ProcessTable.Exit> exits) {
            long last = 0;
            for (ProcessTable.Exit exit : exits) {
                last = Math.max(last, exit.number());
            }
            for (ScopeEngine engine : engines.values()) {
                engine.processesExited(last);
            }
            exits.forEach(exit -> calls.processExited(exit.process(), exit.reason()));
        }

        /** Not inside a scope's engine (a conflict stopping its loser, an update's function): scopes lock in turn. */
        @Override
        public boolean mayRunHere() {
            for (ScopeEngine engine : engines.values()) {
                if (engine.isLockedHere()) {
                    return false;
                }
            }
            return true;
        }
    }

    private final class ClusterListener implements HazelcastCluster.Listener {
        @Override
        public void nodeUp(NodeId node, Set<String> scopes) {
            states.up(node, scopes);
            forSharedScopes(scopes, engine -> engine.nodeUp(node));
            introductions.nodeUp(node, scopes);
        }

        @Override
        public void merging() {
            introductions.merging();
        }

        @Override
        public void nodeDown(NodeId node) {
            states.down(node);
            calls.nodeDown(node);
            engines.values().forEach(engine -> engine.nodeDown(node));
        }

        @Override
        public void merged() {
            introductions.merged();
        }

        @Override
        public void received(byte[] message) {
            dispatcher.dispatch(message);
        }
    }

}
