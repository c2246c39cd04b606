package io.synspring.cluster;

import io.synspring.NodeUnavailableException;
import io.synspring.RejectedValue;
import io.synspring.RemoteOperationException;
import io.synspring.cluster.WireMessage.Deltas;
import io.synspring.cluster.WireMessage.Failure;
import io.synspring.cluster.WireMessage.Operation;
import io.synspring.cluster.WireMessage.Request;
import io.synspring.cluster.WireMessage.Response;
import io.synspring.cluster.WireMessage.Sync;
import io.synspring.events.EventBus;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.ProcessTable;
import io.synspring.process.SynProcess;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.MetadataUpdate;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.registry.UnregisterResult;
import io.synspring.registry.UpdateResult;
import io.synspring.replication.Change;
import io.synspring.replication.ChangeBatch;
import io.synspring.replication.ScopeReplica;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scope on one node: the single writer of the scope's replica. Local operations run on the caller's
 * thread under the scope lock (no hand-off on the fast path); remote messages are applied in arrival
 * order by a serial executor under the same lock. Every change of this node's processes is stamped with
 * the next sequence number and queued, with direct messages, in one outbox that a serial flusher sends in
 * order, batching the changes. Operations on a remote process are routed to its node and answered there.
 */
public final class ScopeEngine {

    private static final Logger log = LoggerFactory.getLogger(ScopeEngine.class);
    private static final int MAX_BATCH = 2048;
    /** How many times an update of a remote process's metadata is computed before giving up on a busy entry. */
    public static final int UPDATE_ATTEMPTS = 16;

    /** What a scope engine needs from its node. */
    public record Context(NodeId self, ProcessTable processes, WireCodec codec, HazelcastCluster cluster,
            EventBus events, Calls calls, Executor pool, ScheduledExecutorService scheduler,
            ConflictResolver resolver, boolean strictMode, int maxMetadataBytes, Duration requestTimeout,
            Duration syncRetry) {}

    /** A message for some nodes ({@code to}), or for every peer ({@code null}: the deltas). */
    private record Outgoing(@Nullable List<NodeId> to, WireMessage message) {}

    private record Loss(Registration claim, boolean stop) {}

    private final String scope;
    private final Context context;
    private final NodeId self;
    private final ScopeReplica replica;
    private final ReentrantLock lock = new ReentrantLock();
    private final SerialExecutor inbound;
    private final SerialExecutor flusher;
    private final Set<NodeId> peers = ConcurrentHashMap.newKeySet();
    private final Set<NodeId> syncChecks = ConcurrentHashMap.newKeySet();
    private final ScopeReplica.Sink sink;

    // guarded by lock
    private long seq;
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private @Nullable List<Change> openBatch;
    private long openBatchFirstSeq;
    private boolean flushScheduled;
    /** How many of the node's process exits {@link #locked} has removed the entries of. Under the lock. */
    private long exitsSwept;
    private final ArrayDeque<Loss> losses = new ArrayDeque<>();
    /** This node said goodbye: changes are still applied locally but no longer sent. */
    private boolean left;

    public ScopeEngine(String scope, Context context) {
        this.scope = scope;
        this.context = context;
        this.self = context.self();
        this.replica = new ScopeReplica(scope, self, context.resolver());
        this.inbound = new SerialExecutor("scope " + scope + " inbound", context.pool());
        this.flusher = new SerialExecutor("scope " + scope + " outbound", context.pool());
        this.sink = new ScopeReplica.Sink() {
            @Override
            public void event(SynEvent event) {
                context.events().publish(event);
                if (event.reason() instanceof Reason.ProcessExited exited
                        && (event instanceof SynEvent.Left || event instanceof SynEvent.Unregistered)) {
                    context.calls().processExited(event.process(), exited.exit());
                }
            }

            @Override
            public void localConflictLost(Registration loser, boolean stop) {
                losses.add(new Loss(loser, stop));
            }
        };
    }

    public String scope() {
        return scope;
    }

    public NodeId self() {
        return self;
    }

    /** The replica, for local reads. */
    public ScopeReplica replica() {
        return replica;
    }

    /** The other nodes of this scope this node exchanges with. */
    public Set<NodeId> peers() {
        return Set.copyOf(peers);
    }

    /**
     * The peers whose entries this node does not fully hold yet: no snapshot of theirs received, or changes
     * held back behind a gap. Empty once this scope is in sync with every node it sees.
     */
    public Set<NodeId> unsyncedPeers() {
        return locked(() -> {
            Set<NodeId> unsynced = new java.util.TreeSet<>();
            for (NodeId peer : peers) {
                if (replica.needsSnapshot(peer)) {
                    unsynced.add(peer);
                }
            }
            return unsynced;
        });
    }

    // ---------------------------------------------------------------- registry operations

    public RegisterResult register(String name, ProcessRef process, @Nullable Object meta) {
        if (!isSelfOrLax(process)) {
            return RegisterResult.NOT_SELF;
        }
        if (!isLocal(process)) {
            return (RegisterResult) request(process.node(), new Operation.Register(name, process, meta));
        }
        return locked(() -> registerLocal(name, process, meta));
    }

    public UnregisterResult unregister(String name) {
        Registration visible = replica.lookup(name);
        if (visible == null) {
            return UnregisterResult.UNDEFINED;
        }
        if (!isLocal(visible.process())) {
            return (UnregisterResult) request(visible.node(), new Operation.Unregister(name, visible.process()));
        }
        return locked(() -> unregisterLocal(name, visible.process()));
    }

    /**
     * Runs {@code update} on the current metadata of {@code name}. For a local process it runs once, under the
     * scope lock. For a remote one it runs here, on the metadata of this node's replica, and the owner sets the
     * result only if the metadata is still the one the function saw; otherwise the function runs again on the
     * owner's current metadata, up to {@value #UPDATE_ATTEMPTS} times, then the result is RACE_CONDITION.
     */
    public UpdateResult update(String name, MetadataUpdate update) {
        Registration visible = replica.lookup(name);
        if (visible == null) {
            return UpdateResult.of(UpdateResult.Status.UNDEFINED);
        }
        if (!isSelfOrLax(visible.process())) {
            return UpdateResult.of(UpdateResult.Status.NOT_SELF);
        }
        if (isLocal(visible.process())) {
            return locked(() -> updateLocal(name, visible.process(), update));
        }
        Object result = updateRemote(visible.process(), visible.meta(),
                (expected, meta) -> new Operation.CompareAndSet(name, visible.process(), expected, meta), update);
        return result == null ? UpdateResult.of(UpdateResult.Status.RACE_CONDITION) : (UpdateResult) result;
    }

    /**
     * Computes new metadata here and has the owner of {@code process} compare-and-set it, again on the current
     * metadata the owner answers with while it changed meanwhile: the function never leaves this node.
     *
     * @return the owner's result, or {@code null} if the metadata kept changing for {@value #UPDATE_ATTEMPTS}
     *     attempts
     */
    private @Nullable Object updateRemote(ProcessRef process, @Nullable Object current,
            BiFunction<@Nullable Object, @Nullable Object, Operation> compareAndSet, MetadataUpdate update) {
        Object expected = current;
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            if (expected instanceof RejectedValue rejected) {
                throw new IllegalArgumentException("the current metadata was refused by this node (" + rejected.reason()
                        + "), so it cannot be updated from here: update it on its own node, or allow its class here");
            }
            Object meta = update.apply(process, expected);
            context.codec().checkTransferable(meta, context.maxMetadataBytes(), "the updated metadata", true);
            Object result = request(process.node(), compareAndSet.apply(expected, meta));
            if (!(result instanceof WireMessage.Stale stale)) {
                return result;
            }
            expected = stale.current();
        }
        return null;
    }

    private RegisterResult registerLocal(String name, ProcessRef process, @Nullable Object meta) {
        if (!context.processes().isAlive(process)) {
            return RegisterResult.NOT_ALIVE;
        }
        Registration visible = replica.lookup(name);
        if (visible != null && !visible.process().equals(process)) {
            return RegisterResult.TAKEN;
        }
        Registration own = replica.claim(name, process);
        if (own == null || !Objects.equals(own.meta(), meta)) {
            commit(new Change.Register(new Registration(name, process, meta, now()), Reason.NORMAL));
        }
        return RegisterResult.OK;
    }

    private UnregisterResult unregisterLocal(String name, ProcessRef expected) {
        if (replica.claim(name, expected) != null) {
            commit(new Change.Unregister(name, expected, Reason.NORMAL));
            return UnregisterResult.OK;
        }
        return replica.lookup(name) == null && replica.claimOfNode(name, self) == null
                ? UnregisterResult.UNDEFINED : UnregisterResult.RACE_CONDITION;
    }

    private UpdateResult updateLocal(String name, ProcessRef process, MetadataUpdate update) {
        Registration claim = replica.claim(name, process);
        if (claim == null) {
            return replica.lookup(name) == null ? UpdateResult.of(UpdateResult.Status.UNDEFINED)
                    : UpdateResult.of(UpdateResult.Status.RACE_CONDITION);
        }
        Object meta = update.apply(process, claim.meta());
        if (!Objects.equals(meta, claim.meta())) {
            context.codec().checkTransferable(meta, context.maxMetadataBytes(), "the updated metadata", true);
        }
        return setLocal(claim, meta);
    }

    /** Sets the metadata of the caller's update if the owner still holds what it computed from. */
    private Object compareAndSetLocal(Operation.CompareAndSet set) {
        Registration claim = replica.claim(set.name(), set.process());
        if (claim == null) {
            return replica.lookup(set.name()) == null ? UpdateResult.of(UpdateResult.Status.UNDEFINED)
                    : UpdateResult.of(UpdateResult.Status.RACE_CONDITION);
        }
        return Objects.equals(claim.meta(), set.expected()) ? setLocal(claim, set.meta())
                : new WireMessage.Stale(claim.meta());
    }

    private UpdateResult setLocal(Registration claim, @Nullable Object meta) {
        if (Objects.equals(meta, claim.meta())) {
            return UpdateResult.ok(claim);
        }
        Registration updated = new Registration(claim.name(), claim.process(), meta, now());
        commit(new Change.Register(updated, Reason.NORMAL));
        return UpdateResult.ok(updated);
    }

    // ---------------------------------------------------------------- group operations

    public JoinResult join(String group, ProcessRef process, @Nullable Object meta) {
        if (!isSelfOrLax(process)) {
            return JoinResult.NOT_SELF;
        }
        if (!isLocal(process)) {
            return (JoinResult) request(process.node(), new Operation.Join(group, process, meta));
        }
        return locked(() -> joinLocal(group, process, meta));
    }

    public LeaveResult leave(String group, ProcessRef process) {
        if (!isSelfOrLax(process)) {
            return LeaveResult.NOT_SELF;
        }
        if (!isLocal(process)) {
            return (LeaveResult) request(process.node(), new Operation.Leave(group, process));
        }
        return locked(() -> leaveLocal(group, process));
    }

    /** Like {@link #update}, for the metadata of {@code process} in {@code group}. */
    public GroupUpdateResult updateMember(String group, ProcessRef process, MetadataUpdate update) {
        if (!isSelfOrLax(process)) {
            return GroupUpdateResult.of(GroupUpdateResult.Status.NOT_SELF);
        }
        if (isLocal(process)) {
            return locked(() -> updateMemberLocal(group, process, update));
        }
        Membership visible = replica.member(group, process);
        Object current;
        if (visible != null) {
            current = visible.meta();
        } else { // maybe joined on its node and not here yet: the owner says
            Object read = request(process.node(), new Operation.MemberRead(group, process));
            if (!(read instanceof WireMessage.Stale stale)) {
                return (GroupUpdateResult) read;
            }
            current = stale.current();
        }
        Object result = updateRemote(process, current,
                (expected, meta) -> new Operation.MemberCompareAndSet(group, process, expected, meta), update);
        return result == null ? GroupUpdateResult.of(GroupUpdateResult.Status.RACE_CONDITION)
                : (GroupUpdateResult) result;
    }

    private JoinResult joinLocal(String group, ProcessRef process, @Nullable Object meta) {
        if (!context.processes().isAlive(process)) {
            return JoinResult.NOT_ALIVE;
        }
        Membership existing = replica.member(group, process);
        if (existing == null || !Objects.equals(existing.meta(), meta)) {
            commit(new Change.Join(new Membership(group, process, meta, now()), Reason.NORMAL));
        }
        return JoinResult.OK;
    }

    private LeaveResult leaveLocal(String group, ProcessRef process) {
        if (replica.member(group, process) == null) {
            return LeaveResult.NOT_IN_GROUP;
        }
        commit(new Change.Leave(group, process, Reason.NORMAL));
        return LeaveResult.OK;
    }

    private GroupUpdateResult updateMemberLocal(String group, ProcessRef process, MetadataUpdate update) {
        Membership existing = replica.member(group, process);
        if (existing == null) {
            return GroupUpdateResult.of(GroupUpdateResult.Status.NOT_IN_GROUP);
        }
        Object meta = update.apply(process, existing.meta());
        if (!Objects.equals(meta, existing.meta())) {
            context.codec().checkTransferable(meta, context.maxMetadataBytes(), "the updated metadata", true);
        }
        return setMemberLocal(existing, meta);
    }

    /** Sets the metadata of the caller's member update if the owner still holds what it computed from. */
    private Object memberCompareAndSetLocal(Operation.MemberCompareAndSet set) {
        Membership existing = replica.member(set.group(), set.process());
        if (existing == null) {
            return GroupUpdateResult.of(GroupUpdateResult.Status.NOT_IN_GROUP);
        }
        return Objects.equals(existing.meta(), set.expected()) ? setMemberLocal(existing, set.meta())
                : new WireMessage.Stale(existing.meta());
    }

    private GroupUpdateResult setMemberLocal(Membership existing, @Nullable Object meta) {
        if (Objects.equals(meta, existing.meta())) {
            return GroupUpdateResult.ok(existing);
        }
        Membership updated = new Membership(existing.group(), existing.process(), meta, now());
        commit(new Change.Join(updated, Reason.NORMAL));
        return GroupUpdateResult.ok(updated);
    }

    // ---------------------------------------------------------------- lifecycle hooks

    /**
     * Removes every name and membership of local processes that exited, with their exit reasons. Any other
     * operation under the scope lock removes them first too (see {@link #locked}): this finds nothing left
     * of those removed already.
     */
    public void processesExited(List<ProcessTable.Exit> exits) {
        locked(() -> {
            exits.forEach(this::removeEntriesOf);
            return null;
        });
    }

    /** Removes what an exited local process still holds, with its exit reason; nothing if it holds nothing. */
    private void removeEntriesOf(ProcessTable.Exit exit) {
        Reason reason = new Reason.ProcessExited(exit.reason());
        for (String name : replica.claimedNames(exit.process())) {
            commit(new Change.Unregister(name, exit.process(), reason));
        }
        for (String group : replica.groupsOf(exit.process())) {
            commit(new Change.Leave(group, exit.process(), reason));
        }
    }

    /** A node of this scope became visible: it will introduce itself; check later that it did. */
    public void nodeUp(NodeId node) {
        peers.add(node);
        scheduleSyncCheck(node);
    }

    /** Introduces this node to {@code node}: sends its snapshot and asks for one back. */
    public void hello(NodeId node) {
        hello(List.of(node));
    }

    /**
     * Introduces this node to {@code nodes} (all met at once: at start, or after a split heals): one snapshot,
     * encoded once, sent to each of them, asking for theirs back.
     */
    public void hello(List<NodeId> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        locked(() -> {
            peers.addAll(nodes);
            enqueueDirect(List.copyOf(nodes), new Sync(self, replica.snapshotOf(self, seq), true));
            return null;
        });
        nodes.forEach(this::scheduleSyncCheck);
    }

    /** This node is leaving: tells every peer, after everything queued before. */
    public void leave() {
        locked(() -> {
            for (NodeId peer : peers) {
                enqueueDirect(peer, new WireMessage.Leaving(self, scope));
            }
            left = true;
            return null;
        });
    }

    /** Waits until everything queued so far has been handed to the transport. */
    public void awaitFlushed(Duration timeout) {
        java.util.concurrent.CompletableFuture<Void> flushed = new java.util.concurrent.CompletableFuture<>();
        flusher.execute(() -> flushed.complete(null));
        try {
            flushed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("scope {}: the outbox was not flushed within {}", scope, timeout);
        }
    }

    /** A node left (or was cut off): drop its entries everywhere on this node, with NODE_DOWN. */
    public void nodeDown(NodeId node) {
        inbound.execute(() -> locked(() -> {
            peers.remove(node);
            replica.dropOwner(node, new Reason.NodeDown(node), sink);
            return null;
        }));
    }

    /** A message for this scope from another node; applied after everything that arrived before it. */
    public void receive(WireMessage message) {
        inbound.execute(() -> locked(() -> {
            handle(message);
            return null;
        }));
    }

    private void handle(WireMessage message) {
        NodeId from = message.from();
        if (!context.cluster().isVisible(from)) {
            log.debug("scope {}: ignoring a message from {}, which is not a member", scope, from);
            return;
        }
        if (message instanceof Deltas deltas) {
            ScopeReplica.Receipt receipt = replica.receive(deltas.batch(), sink);
            if (receipt == ScopeReplica.Receipt.GAP || receipt == ScopeReplica.Receipt.NO_BASE) {
                scheduleSyncCheck(from);
            }
        } else if (message instanceof Sync sync) {
            peers.add(from);
            // entries of a node this replica did not follow yet appear because the nodes met: NODE_UP;
            // otherwise the snapshot repairs a gap, and why each of those changes happened is not known here
            Reason reason = replica.follows(from) ? Reason.RESYNC : new Reason.NodeUp(from);
            if (sync.replyWanted() && sync.snapshot().part() == 0) {
                sendSnapshot(from, false); // at once: both snapshots travel at the same time
            }
            boolean brokenBefore = replica.snapshotBroken(from);
            replica.receive(sync.snapshot(), reason, sink);
            if (!brokenBefore && replica.snapshotBroken(from)) {
                // a part was lost: ask for a whole snapshot now rather than at the next sync check
                log.debug("scope {}: a part of {}'s snapshot was lost, asking for it again", scope, from);
                sendSnapshot(from, true);
            }
        } else if (message instanceof WireMessage.Leaving) {
            peers.remove(from);
            replica.dropOwner(from, new Reason.NodeDown(from), sink);
        } else if (message instanceof WireMessage.Beacon beacon) {
            replica.announced(from, beacon.seq());
            if (replica.needsSnapshot(from)) {
                scheduleSyncCheck(from);
            }
        } else if (message instanceof Request request) {
            enqueueDirect(from, new Response(self, scope, request.callId(), perform(request.operation())));
        } else if (message instanceof Response response) {
            context.calls().complete(response.callId(), response.result());
        }
    }

    private Object perform(Operation operation) {
        if (!isLocal(operation.process())) {
            return new Failure(IllegalStateException.class.getName(),
                    "node " + self + " does not own " + operation.process(), null);
        }
        try {
            Object meta = operation instanceof Operation.Register register ? register.meta()
                    : operation instanceof Operation.Join join ? join.meta()
                    : operation instanceof Operation.CompareAndSet set ? set.meta()
                    : operation instanceof Operation.MemberCompareAndSet set ? set.meta() : null;
            if (meta instanceof RejectedValue rejected) {
                throw new IllegalArgumentException("the metadata was refused by the owner node " + self + " ("
                        + rejected.reason() + "): add its class's package to the allowed classes on every node");
            }
            if (operation instanceof Operation.Register register) {
                return registerLocal(register.name(), register.process(), register.meta());
            } else if (operation instanceof Operation.Unregister unregister) {
                return unregisterLocal(unregister.name(), unregister.process());
            } else if (operation instanceof Operation.CompareAndSet set) {
                return compareAndSetLocal(set);
            } else if (operation instanceof Operation.Join join) {
                return joinLocal(join.group(), join.process(), join.meta());
            } else if (operation instanceof Operation.Leave leave) {
                return leaveLocal(leave.group(), leave.process());
            } else if (operation instanceof Operation.MemberRead read) {
                Membership existing = replica.member(read.group(), read.process());
                return existing == null ? GroupUpdateResult.of(GroupUpdateResult.Status.NOT_IN_GROUP)
                        : new WireMessage.Stale(existing.meta());
            } else if (operation instanceof Operation.MemberCompareAndSet set) {
                return memberCompareAndSetLocal(set);
            }
            throw new IllegalArgumentException("unknown operation " + operation);
        } catch (RuntimeException e) {
            return new Failure(e.getClass().getName(), String.valueOf(e.getMessage()), e);
        }
    }

    // ---------------------------------------------------------------- sync

    /**
     * Starts announcing this node's latest change number to the scope's peers every {@code syncRetry}, in
     * order with its changes, so a peer that lost the last batches notices and resynchronizes.
     */
    public void startBeacons() {
        long period = context.syncRetry().toMillis();
        context.scheduler().scheduleAtFixedRate(() -> inbound.execute(() -> locked(() -> {
            for (NodeId peer : left ? Set.<NodeId>of() : peers) {
                enqueueDirect(peer, new WireMessage.Beacon(self, scope, seq));
            }
            return null;
        })), period, period, TimeUnit.MILLISECONDS);
    }

    private void sendSnapshot(NodeId to, boolean replyWanted) {
        enqueueDirect(to, new Sync(self, replica.snapshotOf(self, seq), replyWanted));
    }

    /**
     * After a while, if changes of {@code node} are still held back behind a gap or were never based on a
     * snapshot, sends it this node's snapshot asking for its own; repeats until in sync or the node is gone.
     */
    private void scheduleSyncCheck(NodeId node) {
        if (!syncChecks.add(node)) {
            return;
        }
        try {
            context.scheduler().schedule(() -> inbound.execute(() -> locked(() -> {
                syncChecks.remove(node);
                if (replica.receivingSnapshot(node)) {
                    scheduleSyncCheck(node); // a large snapshot is still coming in: give it time
                } else if (peers.contains(node) && replica.needsSnapshot(node) && context.cluster().isVisible(node)) {
                    log.debug("scope {}: not in sync with {}, asking for its snapshot", scope, node);
                    sendSnapshot(node, true);
                    scheduleSyncCheck(node);
                }
                return null;
            })), context.syncRetry().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            syncChecks.remove(node);
        }
    }

    // ---------------------------------------------------------------- writing and sending

    /** Applies a change of a local process, stamps it and queues it for every peer. Under the lock. */
    private void commit(Change change) {
        replica.applyLocal(change, sink);
        if (left) {
            return;
        }
        seq++;
        if (openBatch == null) {
            openBatch = new ArrayList<>();
            openBatchFirstSeq = seq;
        }
        openBatch.add(change);
        if (openBatch.size() >= MAX_BATCH) {
            closeBatch();
        }
        scheduleFlush();
    }

    /**
     * Gives up the names this node's processes lost in conflicts (the removal is broadcast, so no zombie
     * claim stays anywhere) and stops those processes when the resolution says so. Under the lock.
     */
    private void settleLosses() {
        Loss loss;
        while ((loss = losses.poll()) != null) {
            Registration claim = loss.claim();
            Registration visible = replica.lookup(claim.name());
            if (replica.claim(claim.name(), claim.process()) == null
                    || visible != null && visible.process().equals(claim.process())) {
                continue; // gone already, or winning again by now (the other claim went away meanwhile)
            }
            commit(new Change.Unregister(claim.name(), claim.process(), Reason.CONFLICT_RESOLUTION));
            if (loss.stop()) {
                SynProcess process = context.processes().get(claim.process());
                if (process != null) {
                    process.exit(new ExitReason.ConflictResolved(scope, claim.name()));
                }
            }
        }
    }

    private void enqueueDirect(NodeId to, WireMessage message) {
        enqueueDirect(List.of(to), message);
    }

    private void enqueueDirect(List<NodeId> to, WireMessage message) {
        closeBatch();
        outbox.add(new Outgoing(to, message));
        scheduleFlush();
    }

    private void closeBatch() {
        if (openBatch != null) {
            outbox.add(new Outgoing(null, new Deltas(self, new ChangeBatch(scope, self, openBatchFirstSeq, openBatch))));
            openBatch = null;
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            flusher.execute(this::flush);
        }
    }

    private void flush() {
        List<Outgoing> items;
        List<NodeId> targets;
        lock.lock();
        try {
            closeBatch();
            items = new ArrayList<>(outbox);
            outbox.clear();
            flushScheduled = false;
            targets = List.copyOf(peers);
        } finally {
            lock.unlock();
        }
        for (Outgoing item : items) {
            List<NodeId> to = item.to() != null ? item.to() : targets;
            if (!to.isEmpty()) {
                context.codec().encode(item.message(), packet -> {
                    for (NodeId peer : to) {
                        context.cluster().send(peer, packet);
                    }
                });
            }
        }
    }

    private Object request(NodeId owner, Operation operation) {
        HazelcastCluster.Peer peer = context.cluster().peers().get(owner);
        if (peer == null && !context.cluster().isVisible(owner)) {
            throw new NodeUnavailableException(owner, "node " + owner + " is not a member of the cluster (it left, or "
                    + "the process belongs to an earlier incarnation of it): nothing was changed");
        }
        if (peer != null && !peer.scopes().contains(scope)) {
            // the owner would ignore the request (it has no such scope) and the caller wait for its timeout
            throw new IllegalArgumentException(operation.process() + " runs on node " + owner
                    + ", which is not in scope '" + scope + "' (its scopes are " + peer.scopes() + "): only processes"
                    + " of the scope's nodes can be registered or join groups in it; add the scope to that node's"
                    + " scopes (syn.scopes)");
        }
        Calls.Pending call = context.calls().start(owner);
        context.cluster().send(owner, context.codec().encode(new Request(self, scope, call.id(), operation)));
        Object result;
        try {
            result = call.future().get(context.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.future().cancel(false);
            throw new NodeUnavailableException(owner, "node " + owner + " did not answer within "
                    + context.requestTimeout() + " (scope " + scope + ", " + operation + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.future().cancel(false);
            throw new IllegalStateException("interrupted while waiting for node " + owner, e);
        }
        if (result instanceof Failure failure) {
            if (failure.cause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RemoteOperationException(failure.exceptionType(), failure.message());
        }
        return result;
    }

    /**
     * Runs {@code action} under the scope lock, after removing the entries of every local process that has
     * exited by now (its exit hook may not have run yet): from the moment a process exits, no operation on
     * its node counts it as a holder or member, and its entries go, with its exit reason, before whatever
     * that operation changes.
     */
    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            if (!context.processes().noneExiting()) {
                // each exit once, not every unfinished one each time (quadratic after a burst of exits): the
                // entries of the exits swept before went then, and the exit hook removes anything left later
                long begun = context.processes().exitsBegun();
                if (begun != exitsSwept) {
                    context.processes().unfinishedExitsAfter(exitsSwept).forEach(this::removeEntriesOf);
                    exitsSwept = begun;
                }
            }
            T result = action.get();
            settleLosses();
            return result;
        } finally {
            lock.unlock();
        }
    }

    private boolean isLocal(ProcessRef process) {
        return process.node().equals(self);
    }

    private boolean isSelfOrLax(ProcessRef process) {
        return !context.strictMode() || process.equals(ProcessTable.current().orElse(null));
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
