package io.synspring.internal.scope;

import io.micrometer.observation.transport.Kind;
import io.synspring.NodeId;
import io.synspring.RejectedValue;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.groups.Membership;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.process.ProcessTable;
import io.synspring.internal.replica.Change;
import io.synspring.internal.replica.ReplicaSink;
import io.synspring.internal.replica.ScopeReplica;
import io.synspring.internal.wire.WireCodec;
import io.synspring.internal.wire.WireMessage.Deltas;
import io.synspring.internal.wire.WireMessage.Failure;
import io.synspring.internal.wire.WireMessage.Operation;
import io.synspring.internal.wire.WireMessage.Request;
import io.synspring.internal.wire.WireMessage.Response;
import io.synspring.internal.wire.WireMessage.Sync;
import io.synspring.internal.wire.WireMessage;
import io.synspring.observation.SynReceiverContext;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.MetadataUpdate;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.registry.UnregisterResult;
import io.synspring.registry.UpdateResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scope on one node: the single writer of the scope's replica. Local operations run on the caller's
 * thread under the scope lock (no hand-off on the fast path); remote messages are applied in arrival
 * order by a serial executor under the same lock (changes on the link's thread, when nothing is waiting).
 * Every change of this node's processes goes to the {@link Outbox}, which numbers, batches and sends it;
 * operations on a remote process are asked of its node ({@link OwnerRequests}) and answered there
 * ({@link #receive}); {@link SyncChecks} keeps the replica in sync with each peer.
 */
public final class ScopeEngine {

    private static final Logger log = LoggerFactory.getLogger(ScopeEngine.class);

    /** What a scope engine needs from its node. */
    public record Context(NodeId self, ProcessTable processes, WireCodec codec, HazelcastCluster cluster,
            EventBus events, PendingCalls calls, Executor pool, ScheduledExecutorService scheduler,
            ConflictResolver resolver, boolean strictMode, int maxMetadataBytes, Duration requestTimeout,
            Duration syncRetry, PeerSync peerSync, Observations observations) {}

    private record Loss(Registration claim, boolean stop) {}

    private final String scope;
    private final Context context;
    private final NodeId self;
    private final ScopeReplica replica;
    private final ReentrantLock lock = new ReentrantLock();
    private final SerialExecutor inbound;
    private final Set<NodeId> peers = ConcurrentHashMap.newKeySet();
    /** The peers whose entries this replica holds whole, as last told to {@link Context#peerSync}. */
    private final Set<NodeId> syncedPeers = ConcurrentHashMap.newKeySet();
    private final Outbox outbox;
    private final SyncChecks syncChecks;
    private final OwnerRequests owners;
    private final ReplicaSink sink;

    /** The node's process exits up to this number left nothing in this scope (see {@link #sweepExits}). */
    private volatile long exitsSwept;
    // guarded by lock
    private final ArrayDeque<Loss> losses = new ArrayDeque<>();

    public ScopeEngine(String scope, Context context) {
        this.scope = scope;
        this.context = context;
        this.self = context.self();
        this.replica = new ScopeReplica(scope, self, context.resolver());
        this.inbound = new SerialExecutor("scope " + scope + " inbound", context.pool());
        this.outbox = new Outbox(scope, self, lock, peers, context.codec(), context.cluster(), context.pool());
        this.syncChecks = new SyncChecks(scope, self, replica, peers, outbox, context.cluster(), context.scheduler(),
                context.syncRetry(), task -> inbound.execute(() -> locked(() -> {
                    task.run();
                    return null;
                })), context.observations());
        this.owners = new OwnerRequests(scope, self, context.cluster(), context.codec(), context.calls(),
                context.requestTimeout(), context.maxMetadataBytes(), context.observations());
        this.sink = new ReplicaSink() {
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

    /**
     * The peers whose entries this node does not fully hold yet: no snapshot of theirs received, or changes
     * held back behind a gap. Empty once this scope is in sync with every node it sees.
     */
    public Set<NodeId> unsyncedPeers() {
        return locked(() -> {
            Set<NodeId> unsynced = new TreeSet<>();
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
            return (RegisterResult) owners.request(process.node(), new Operation.Register(name, process, meta));
        }
        return locked(() -> registerLocal(name, process, meta));
    }

    public UnregisterResult unregister(String name) {
        Registration visible = replica.names().lookup(name);
        if (visible == null) {
            return UnregisterResult.UNDEFINED;
        }
        if (!isLocal(visible.process())) {
            return (UnregisterResult) owners.request(visible.node(), new Operation.Unregister(name, visible.process()));
        }
        return locked(() -> unregisterLocal(name, visible.process()));
    }

    /**
     * Runs {@code update} on the current metadata of {@code name}. For a local process it runs once, under the
     * scope lock. For a remote one it runs here, on the metadata of this node's replica, and the owner sets the
     * result only if the metadata is still the one the function saw; otherwise the function runs again on the
     * owner's current metadata, up to {@value MetadataUpdate#MAX_ATTEMPTS} times, then the result is RACE_CONDITION.
     */
    public UpdateResult update(String name, MetadataUpdate update) {
        Registration visible = replica.names().lookup(name);
        if (visible == null) {
            return UpdateResult.of(UpdateResult.Status.UNDEFINED);
        }
        if (!isSelfOrLax(visible.process())) {
            return UpdateResult.of(UpdateResult.Status.NOT_SELF);
        }
        if (isLocal(visible.process())) {
            return locked(() -> updateLocal(name, visible.process(), update));
        }
        Object result = owners.update("update", visible.process(), visible.meta(),
                (expected, meta) -> new Operation.CompareAndSet(name, visible.process(), expected, meta), update);
        return result == null ? UpdateResult.of(UpdateResult.Status.RACE_CONDITION) : (UpdateResult) result;
    }

    private RegisterResult registerLocal(String name, ProcessRef process, @Nullable Object meta) {
        if (!context.processes().isAlive(process)) {
            return RegisterResult.NOT_ALIVE;
        }
        Registration visible = replica.names().lookup(name);
        if (visible != null && !visible.process().equals(process)) {
            return RegisterResult.TAKEN;
        }
        Registration own = replica.names().claim(name, process);
        if (own == null || !Objects.equals(own.meta(), meta)) {
            commit(new Change.Register(new Registration(name, process, meta, now()), Reason.NORMAL));
        }
        return RegisterResult.OK;
    }

    private UnregisterResult unregisterLocal(String name, ProcessRef expected) {
        if (replica.names().claim(name, expected) != null) {
            commit(new Change.Unregister(name, expected, Reason.NORMAL));
            return UnregisterResult.OK;
        }
        return replica.names().lookup(name) == null && replica.names().claimOfNode(name, self) == null
                ? UnregisterResult.UNDEFINED : UnregisterResult.RACE_CONDITION;
    }

    private UpdateResult updateLocal(String name, ProcessRef process, MetadataUpdate update) {
        Registration claim = replica.names().claim(name, process);
        if (claim == null) {
            return replica.names().lookup(name) == null ? UpdateResult.of(UpdateResult.Status.UNDEFINED)
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
        Registration claim = replica.names().claim(set.name(), set.process());
        if (claim == null) {
            return replica.names().lookup(set.name()) == null ? UpdateResult.of(UpdateResult.Status.UNDEFINED)
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
            return (JoinResult) owners.request(process.node(), new Operation.Join(group, process, meta));
        }
        return locked(() -> joinLocal(group, process, meta));
    }

    public LeaveResult leave(String group, ProcessRef process) {
        if (!isSelfOrLax(process)) {
            return LeaveResult.NOT_SELF;
        }
        if (!isLocal(process)) {
            return (LeaveResult) owners.request(process.node(), new Operation.Leave(group, process));
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
        Membership visible = replica.groups().member(group, process);
        Object current;
        if (visible != null) {
            current = visible.meta();
        } else { // maybe joined on its node and not here yet: the owner says
            Object read = owners.request(process.node(), new Operation.MemberRead(group, process));
            if (!(read instanceof WireMessage.Stale stale)) {
                return (GroupUpdateResult) read;
            }
            current = stale.current();
        }
        Object result = owners.update("group-update", process, current,
                (expected, meta) -> new Operation.MemberCompareAndSet(group, process, expected, meta), update);
        return result == null ? GroupUpdateResult.of(GroupUpdateResult.Status.RACE_CONDITION)
                : (GroupUpdateResult) result;
    }

    private JoinResult joinLocal(String group, ProcessRef process, @Nullable Object meta) {
        if (!context.processes().isAlive(process)) {
            return JoinResult.NOT_ALIVE;
        }
        Membership existing = replica.groups().member(group, process);
        if (existing == null || !Objects.equals(existing.meta(), meta)) {
            commit(new Change.Join(new Membership(group, process, meta, now()), Reason.NORMAL));
        }
        return JoinResult.OK;
    }

    private LeaveResult leaveLocal(String group, ProcessRef process) {
        if (replica.groups().member(group, process) == null) {
            return LeaveResult.NOT_IN_GROUP;
        }
        commit(new Change.Leave(group, process, Reason.NORMAL));
        return LeaveResult.OK;
    }

    private GroupUpdateResult updateMemberLocal(String group, ProcessRef process, MetadataUpdate update) {
        Membership existing = replica.groups().member(group, process);
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
        Membership existing = replica.groups().member(set.group(), set.process());
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

    /** Whether the calling thread is inside this engine (holds its lock). */
    public boolean isLockedHere() {
        return lock.isHeldByCurrentThread();
    }

    /**
     * Removes every name and membership of the local processes that exited up to exit number {@code last}, with
     * their exit reasons. {@link #locked} sweeps every {@link ProcessTable#unfinishedExits() unfinished} exit
     * before anything it runs, and the exit hook is told while they are unfinished: when another thread swept
     * them already, as happens when many exit at once, this returns without waiting for the lock.
     */
    public void processesExited(long last) {
        if (exitsSwept < last) {
            locked(() -> null);
        }
    }

    /** Removes what an exited local process still holds, with its exit reason; nothing if it holds nothing. */
    private void removeEntriesOf(ProcessTable.Exit exit) {
        Reason reason = new Reason.ProcessExited(exit.reason());
        for (String name : replica.names().claimedNames(exit.process())) {
            commit(new Change.Unregister(name, exit.process(), reason));
        }
        for (String group : replica.groups().groupsOf(exit.process())) {
            commit(new Change.Leave(group, exit.process(), reason));
        }
    }

    /** A node of this scope became visible: it will introduce itself; check later that it did. */
    public void nodeUp(NodeId node) {
        peers.add(node);
        locked(() -> {
            context.peerSync().changed(scope, node, syncedPeers.contains(node)); // it may have synced already
            return null;
        });
        syncChecks.check(node);
    }

    /**
     * Introduces this node to {@code nodes} (all met at once: at start, or after a split heals): one snapshot,
     * encoded once, sent to each of them, asking for theirs back.
     */
    public void introduceTo(List<NodeId> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        locked(() -> {
            peers.addAll(nodes);
            context.observations().snapshot(scope, nodes.size() == 1 ? nodes.get(0) : null, true,
                    () -> outbox.send(List.copyOf(nodes),
                            new Sync(self, replica.snapshotOf(self, outbox.seq()), true)));
            return null;
        });
        nodes.forEach(syncChecks::check);
    }

    /** This node is leaving: tells every peer, after everything queued before; nothing is sent after. */
    public void leave() {
        locked(() -> {
            outbox.close();
            return null;
        });
    }

    /** Waits until everything queued so far has been handed to the links. */
    public void awaitFlushed(Duration timeout) {
        outbox.awaitFlushed(timeout);
    }

    /** A node left (or was cut off): drop its entries everywhere on this node, with NODE_DOWN. */
    public void nodeDown(NodeId node) {
        inbound.execute(() -> locked(() -> {
            peers.remove(node);
            syncedPeers.remove(node);
            replica.dropOwner(node, new Reason.NodeDown(node), sink);
            return null;
        }));
    }

    /**
     * A message for this scope from another node; applied after everything that arrived before it. Changes
     * are applied on the calling thread (the link's) when the scope lock is free and nothing is waiting to be
     * applied before them, which saves a hand-off to the pool: the wake-up that, on a busy machine, waits for
     * a core. The calling thread never waits for the lock: its holder may be running application code (a
     * metadata update function) that waits for something this thread brings.
     */
    public void receive(WireMessage message) {
        Runnable apply = () -> locked(() -> {
            handle(message);
            reportSync(message.from());
            return null;
        });
        if (message instanceof Deltas && lock.tryLock()) {
            try {
                inbound.executeHereIfIdle(apply);
            } finally {
                lock.unlock();
            }
        } else {
            inbound.execute(apply);
        }
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
                syncChecks.check(from);
            }
        } else if (message instanceof Sync sync) {
            peers.add(from);
            // entries of a node this replica did not follow yet appear because the nodes met: NODE_UP;
            // otherwise the snapshot repairs a gap, and why each of those changes happened is not known here
            Reason reason = replica.follows(from) ? Reason.RESYNC : new Reason.NodeUp(from);
            if (sync.replyWanted() && sync.snapshot().part() == 0) {
                syncChecks.sendSnapshot(from, false); // at once: both snapshots travel at the same time
            }
            boolean brokenBefore = replica.snapshotBroken(from);
            context.observations().snapshot(scope, from, false, () -> replica.receive(sync.snapshot(), reason, sink));
            if (!brokenBefore && replica.snapshotBroken(from)) {
                // a part was lost: ask for a whole snapshot now rather than at the next sync check
                log.debug("scope {}: a part of {}'s snapshot was lost, asking for it again", scope, from);
                syncChecks.sendSnapshot(from, true);
            }
        } else if (message instanceof WireMessage.Leaving) {
            peers.remove(from);
            syncedPeers.remove(from); // it is going: its down event follows, not an unsynced one
            replica.dropOwner(from, new Reason.NodeDown(from), sink);
        } else if (message instanceof WireMessage.Beacon beacon) {
            replica.announced(from, beacon.seq());
            if (replica.needsSnapshot(from)) {
                syncChecks.check(from);
            }
        } else if (message instanceof Request request) {
            outbox.send(from, new Response(self, scope, request.callId(), performFor(request)));
        } else if (message instanceof Response response) {
            context.calls().complete(response.callId(), response.result());
        }
    }

    /** Tells {@link Context#peerSync} when this replica came in sync with {@code peer}, or fell out of it. */
    private void reportSync(NodeId peer) {
        boolean inSync = peers.contains(peer) && !replica.needsSnapshot(peer);
        if (inSync ? syncedPeers.add(peer) : syncedPeers.remove(peer)) {
            context.peerSync().changed(scope, peer, inSync);
        }
    }

    /** Performs an operation asked by another node; observed, continuing the caller's trace. */
    private Object performFor(Request request) {
        if (!context.observations().on()) {
            return perform(request.operation());
        }
        Map<String, String> trace = request.trace();
        SynReceiverContext observed = new SynReceiverContext(OwnerRequests.operationName(request.operation()), scope,
                request.from(), trace == null ? Map.of() : trace, Kind.SERVER);
        return context.observations().receive(observed, () -> perform(request.operation()), OwnerRequests::outcome);
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
                Membership existing = replica.groups().member(read.group(), read.process());
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

    /** Starts announcing this node's latest change number to the scope's peers (see {@link SyncChecks}). */
    public void startBeacons() {
        syncChecks.startBeacons();
    }

    /** Applies a change of a local process, stamps it and queues it for every peer. Under the lock. */
    private void commit(Change change) {
        replica.applyLocal(change, sink);
        outbox.append(change);
    }

    /**
     * Gives up the names this node's processes lost in conflicts (the removal is broadcast, so no zombie
     * claim stays anywhere) and stops those processes when the resolution says so. Under the lock.
     */
    private void settleLosses() {
        Loss loss;
        while ((loss = losses.poll()) != null) {
            Registration claim = loss.claim();
            Registration visible = replica.names().lookup(claim.name());
            if (replica.names().claim(claim.name(), claim.process()) == null
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

    /**
     * Runs {@code action} under the scope lock, after removing the entries of every local process that has
     * exited by now (its exit hook may not have run yet): from the moment a process exits, no operation on
     * its node counts it as a holder or member, and its entries go, with its exit reason, before whatever
     * that operation changes.
     */
    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            if (!context.processes().noneExiting()) {
                sweepExits();
            }
            T result = action.get();
            settleLosses();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the entries of the processes that exited since the last sweep: each exit once, not every unfinished
     * one each time (quadratic after a burst of exits). An exit is listed just before its process reads as
     * exited, and until then an operation may still give the process an entry: such an exit is swept again
     * next time, and so is every one after it, so that {@link #exitsSwept} counts only exits whose processes
     * can gain nothing more.
     */
    private void sweepExits() {
        long begun = context.processes().exitsBegun();
        if (begun == exitsSwept) {
            return;
        }
        long swept = begun;
        for (ProcessTable.Exit exit : context.processes().unfinishedExits(exitsSwept, begun)) {
            removeEntriesOf(exit);
            if (swept == begun && context.processes().isAlive(exit.process())) {
                swept = exit.number() - 1;
            }
        }
        exitsSwept = swept;
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
