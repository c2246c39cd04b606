package io.synspring.internal.replica;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.groups.Membership;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's full replica of one scope, and the state machine that keeps it: the owners' changes applied
 * per owner in sequence, snapshots replacing an owner's entries, a departed owner's entries dropped, and
 * conflicting claims on a name resolved the same way on every node.
 *
 * <p>Each owner's claims are authoritative; what readers see for a name is a deterministic function of the
 * claims present, so replicas holding the same claims show the same thing whatever order they arrived in.
 * A node whose own process lost a conflict is told through {@link ReplicaSink#localConflictLost} and must remove
 * that claim (and stop the process if asked), which every other node then applies as an ordinary change.
 *
 * <p>Writes come from one thread at a time (the scope's writer); reads are lock-free from any thread.
 */
public final class ScopeReplica {

    private static final Logger log = LoggerFactory.getLogger(ScopeReplica.class);

    /** What became of a received batch. */
    public enum Receipt {
        /** Applied (and possibly held-back batches after it). */
        APPLIED,
        /** Already applied earlier. */
        DUPLICATE,
        /** Came after a gap: held back until the missing changes or a snapshot arrive. */
        GAP,
        /** No snapshot of this owner yet: ignored; a snapshot is needed. */
        NO_BASE
    }

    private final String scope;

    private final NameTable names;
    private final GroupTable groups;

    /** Per remote owner: how far its changes are applied. Writer-only. */
    private final Map<NodeId, OwnerStream> streams = new HashMap<>();

    public ScopeReplica(String scope, NodeId self, ConflictResolver resolver) {
        this.scope = scope;
        this.names = new NameTable(scope, self, resolver);
        this.groups = new GroupTable(scope);
    }

    public String scope() {
        return scope;
    }

    /** The names, for reads from any thread and for the writer's checks. */
    public NameTable names() {
        return names;
    }

    /** The groups, for reads from any thread and for the writer's checks. */
    public GroupTable groups() {
        return groups;
    }

    // ---------------------------------------------------------------- owner state (writer)

    /** Every claim and membership {@code owner}'s processes hold here, the losing side of a conflict included. */
    public OwnerSnapshot snapshotOf(NodeId owner, long seq) {
        return new OwnerSnapshot(scope, owner, seq, names.claimsOf(owner), groups.membershipsOf(owner));
    }

    // ---------------------------------------------------------------- writes (the scope's writer only)

    /** Applies a change made by this node to its own processes. */
    public void applyLocal(Change change, ReplicaSink sink) {
        apply(change, sink);
    }

    /** Applies a batch from a remote owner, in sequence; see {@link Receipt}. */
    public Receipt receive(ChangeBatch batch, ReplicaSink sink) {
        OwnerStream stream = streams.computeIfAbsent(batch.owner(), owner -> new OwnerStream());
        stream.knownSeq = Math.max(stream.knownSeq, batch.lastSeq());
        PartialSnapshot partial = stream.partial;
        if (partial != null && batch.lastSeq() <= partial.seq) {
            return Receipt.DUPLICATE; // the snapshot coming in holds these changes already
        }
        if (!stream.hasBase() && partial == null) {
            return Receipt.NO_BASE;
        }
        if (batch.lastSeq() <= stream.lastSeq) {
            return Receipt.DUPLICATE;
        }
        if (partial != null || stream.broken || batch.firstSeq() > stream.lastSeq + 1) {
            stream.heldBack.put(batch.firstSeq(), batch);
            return Receipt.GAP;
        }
        applyFrom(batch, stream, sink);
        drainHeldBack(stream, sink);
        return stream.heldBack.isEmpty() ? Receipt.APPLIED : Receipt.GAP;
    }

    /**
     * Applies a snapshot, or one part of it: the entries it brings are shown as each part arrives; with the
     * last part, whatever else was held for the owner is removed and the owner's later changes apply. A
     * snapshot older than what is applied already is ignored, and so is a part that does not follow the
     * previous one (a part was lost: the snapshot is incomplete and {@link #needsSnapshot} says so). Added
     * entries carry {@code reason} (NODE_UP when nodes meet), the one given with the first part.
     *
     * @return whether this completed a snapshot
     */
    public boolean receive(OwnerSnapshot snapshot, Reason reason, ReplicaSink sink) {
        NodeId owner = snapshot.owner();
        OwnerStream stream = streams.computeIfAbsent(owner, id -> new OwnerStream());
        PartialSnapshot partial = stream.partial;
        if (snapshot.part() == 0) {
            if (stream.hasBase() && snapshot.seq() < stream.lastSeq) {
                return false; // older than what is applied already (it was overtaken): applying it would go back in time
            }
            partial = stream.partial =
                    new PartialSnapshot(snapshot.seq(), reason, names.claimsOf(owner), groups.membershipsOf(owner));
            stream.knownSeq = Math.max(stream.knownSeq, snapshot.seq());
        } else if (partial == null || partial.seq != snapshot.seq()) {
            return false; // a part of a snapshot whose first part was lost or ignored
        } else if (partial.nextPart != snapshot.part()) {
            stream.partial = null; // a part was lost: what arrived stays shown until a whole snapshot replaces it
            stream.broken = true;
            return false;
        }
        partial.nextPart++;
        partial.progressed = true;
        applyPart(snapshot, partial, sink);
        if (!snapshot.last()) {
            return false;
        }
        for (Registration stale : partial.staleClaims.values()) {
            names.remove(stale.name(), stale.process(), partial.reason, sink);
        }
        for (Membership stale : partial.staleMemberships.values()) {
            groups.remove(stale.group(), stale.process(), partial.reason, sink);
        }
        stream.partial = null;
        stream.broken = false;
        stream.lastSeq = snapshot.seq();
        stream.knownSeq = Math.max(stream.knownSeq, snapshot.seq());
        stream.heldBack.headMap(snapshot.seq(), true).clear();
        drainHeldBack(stream, sink);
        return true;
    }

    /** Whether a snapshot of {@code owner} lost a part: only a whole snapshot repairs what this replica holds. */
    public boolean snapshotBroken(NodeId owner) {
        OwnerStream stream = streams.get(owner);
        return stream != null && stream.broken;
    }

    /**
     * Whether a snapshot of {@code owner} is coming in and a part of it arrived since the last call: a
     * receiver waiting for it should not ask for another yet.
     */
    public boolean receivingSnapshot(NodeId owner) {
        OwnerStream stream = streams.get(owner);
        PartialSnapshot partial = stream == null ? null : stream.partial;
        if (partial == null || !partial.progressed) {
            return false;
        }
        partial.progressed = false;
        return true;
    }

    /** Whether changes of {@code owner} are held back behind a gap, or none were ever based on a snapshot. */
    public boolean needsSnapshot(NodeId owner) {
        OwnerStream stream = streams.get(owner);
        return stream == null || !stream.hasBase() || stream.partial != null || stream.broken
                || !stream.heldBack.isEmpty() || stream.lastSeq < stream.knownSeq;
    }

    /**
     * {@code owner} says it has reached change {@code seq}: a receiver that lost the owner's last batches
     * learns it is behind even when no later batch comes to reveal the gap.
     */
    public void announced(NodeId owner, long seq) {
        OwnerStream stream = streams.computeIfAbsent(owner, id -> new OwnerStream());
        stream.knownSeq = Math.max(stream.knownSeq, seq);
    }

    /** Drops everything {@code owner}'s processes hold, with {@code reason}, and forgets its sequence. */
    public void dropOwner(NodeId owner, Reason reason, ReplicaSink sink) {
        streams.remove(owner);
        for (Registration claim : names.claimsOf(owner)) {
            names.remove(claim.name(), claim.process(), reason, sink);
        }
        for (Membership membership : groups.membershipsOf(owner)) {
            groups.remove(membership.group(), membership.process(), reason, sink);
        }
    }

    /** The remote owners this replica follows: it holds a snapshot of each, kept up by their changes. */
    public Set<NodeId> followedOwners() {
        return streams.entrySet().stream().filter(entry -> entry.getValue().hasBase()).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether this replica holds a snapshot of {@code owner} (it met the owner since it last appeared). */
    public boolean follows(NodeId owner) {
        OwnerStream stream = streams.get(owner);
        return stream != null && stream.hasBase();
    }

    private void applyFrom(ChangeBatch batch, OwnerStream stream, ReplicaSink sink) {
        List<Change> changes = batch.changes();
        for (int i = (int) (stream.lastSeq + 1 - batch.firstSeq()); i < changes.size(); i++) {
            Change change = changes.get(i);
            if (change.process().node().equals(batch.owner())) {
                apply(change, sink);
            } else {
                log.warn("scope {}: node {} sent a change about {}, which it does not own; ignored", scope,
                        batch.owner(), change.process());
            }
        }
        stream.lastSeq = batch.lastSeq();
    }

    private void drainHeldBack(OwnerStream stream, ReplicaSink sink) {
        while (!stream.heldBack.isEmpty()) {
            Map.Entry<Long, ChangeBatch> first = stream.heldBack.firstEntry();
            ChangeBatch next = first.getValue();
            if (next.firstSeq() > stream.lastSeq + 1) {
                return;
            }
            stream.heldBack.remove(first.getKey());
            if (next.lastSeq() > stream.lastSeq) {
                applyFrom(next, stream, sink);
            }
        }
    }

    /**
     * Shows a snapshot part's entries. An owner holds at most one claim on a name, so a claim of the owner's
     * on the same name by another process is outdated: it goes first, so it never contests the new one.
     */
    private void applyPart(OwnerSnapshot part, PartialSnapshot partial, ReplicaSink sink) {
        NodeId owner = part.owner();
        for (Registration registration : part.registrations()) {
            if (!registration.node().equals(owner)) {
                continue;
            }
            Registration outdated = partial.staleClaims.remove(registration.name());
            if (outdated != null && !outdated.process().equals(registration.process())) {
                names.remove(outdated.name(), outdated.process(), partial.reason, sink);
            }
            names.put(registration, partial.reason, sink);
        }
        for (Membership membership : part.memberships()) {
            if (membership.node().equals(owner)) {
                partial.staleMemberships.remove(new MemberKey(membership.group(), membership.process().id()));
                groups.put(membership, partial.reason, sink);
            }
        }
    }

    /** A membership of one process of a known owner. */
    private record MemberKey(String group, long process) {}

    private void apply(Change change, ReplicaSink sink) {
        if (change instanceof Change.Register register) {
            names.put(register.registration(), register.reason(), sink);
        } else if (change instanceof Change.Unregister unregister) {
            names.remove(unregister.name(), unregister.process(), unregister.reason(), sink);
        } else if (change instanceof Change.Join join) {
            groups.put(join.membership(), join.reason(), sink);
        } else if (change instanceof Change.Leave leave) {
            groups.remove(leave.group(), leave.process(), leave.reason(), sink);
        }
    }

    /** How far one remote owner's changes have been applied. */
    private static final class OwnerStream {
        long lastSeq = -1;
        /** The highest sequence number the owner is known to have reached (from batches and beacons). */
        long knownSeq = -1;
        final TreeMap<Long, ChangeBatch> heldBack = new TreeMap<>();
        /** A snapshot arriving in parts; its owner's changes wait until it is complete. */
        @Nullable PartialSnapshot partial;
        /** A snapshot lost a part: the owner's entries are a mix until a whole snapshot comes. */
        boolean broken;

        boolean hasBase() {
            return lastSeq >= 0;
        }
    }

    /** A snapshot whose parts are arriving: what was held for the owner before it and has not come again. */
    private static final class PartialSnapshot {
        final long seq;
        final Reason reason;
        /** By name: an owner holds at most one claim per name. */
        final Map<String, Registration> staleClaims;
        final Map<MemberKey, Membership> staleMemberships;
        int nextPart;
        boolean progressed;

        PartialSnapshot(long seq, Reason reason, List<Registration> heldClaims, List<Membership> heldMemberships) {
            this.seq = seq;
            this.reason = reason;
            this.staleClaims = new HashMap<>(heldClaims.size() * 2);
            heldClaims.forEach(claim -> staleClaims.put(claim.name(), claim));
            this.staleMemberships = new HashMap<>(heldMemberships.size() * 2);
            heldMemberships
                    .forEach(held -> staleMemberships.put(new MemberKey(held.group(), held.process().id()), held));
        }
    }
}
