package io.synspring.internal.replica;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.Membership;
import io.synspring.process.ProcessRef;
import io.synspring.registry.ConflictOutcome;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A node whose own process lost a conflict is told through {@link Sink#localConflictLost} and must remove
 * that claim (and stop the process if asked), which every other node then applies as an ordinary change.
 *
 * <p>Writes come from one thread at a time (the scope's writer); reads are lock-free from any thread.
 */
public final class ScopeReplica {

    private static final Logger log = LoggerFactory.getLogger(ScopeReplica.class);

    /** Receives what a write produced: the events to fire and the local conflict losses to act on. */
    public interface Sink {
        void event(SynEvent event);

        /** A process of this node lost a conflict on {@code loser.name()}. */
        void localConflictLost(Registration loser, boolean stop);
    }

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
    private final NodeId self;
    private final ConflictResolver resolver;

    private final ConcurrentHashMap<String, Registration> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProcessRef, Set<String>> namesByProcess = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, AtomicInteger> namesPerNode = new ConcurrentHashMap<>();
    /** Names claimed by more than one process: every claim, the visible one included. Writer-only. */
    private final Map<String, List<Registration>> contested = new HashMap<>();

    private final ConcurrentHashMap<String, ConcurrentHashMap<ProcessRef, Membership>> groups =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProcessRef, Set<String>> groupsByProcess = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, ConcurrentHashMap<String, AtomicInteger>> membersPerNode =
            new ConcurrentHashMap<>();

    /** Per remote owner: how far its changes are applied. Writer-only. */
    private final Map<NodeId, OwnerStream> streams = new HashMap<>();

    public ScopeReplica(String scope, NodeId self, ConflictResolver resolver) {
        this.scope = scope;
        this.self = self;
        this.resolver = resolver;
    }

    public String scope() {
        return scope;
    }

    // ---------------------------------------------------------------- reads (any thread)

    public @Nullable Registration lookup(String name) {
        return byName.get(name);
    }

    public int count() {
        return byName.size();
    }

    public int count(NodeId node) {
        AtomicInteger count = namesPerNode.get(node);
        return count == null ? 0 : count.get();
    }

    public Set<String> namesOf(ProcessRef process) {
        Set<String> names = namesByProcess.get(process);
        return names == null ? Set.of() : Set.copyOf(names);
    }

    /** Every visible registration (a weakly consistent view, for listings). */
    public Collection<Registration> registrations() {
        return byName.values();
    }

    public @Nullable Membership member(String group, ProcessRef process) {
        Map<ProcessRef, Membership> members = groups.get(group);
        return members == null ? null : members.get(process);
    }

    /** The members of {@code group}, in a new list the caller may change. */
    public List<Membership> members(String group) {
        Map<ProcessRef, Membership> members = groups.get(group);
        return members == null ? new ArrayList<>() : new ArrayList<>(members.values());
    }

    /** The members of {@code group} on {@code node}, in a new list the caller may change. */
    public List<Membership> members(String group, NodeId node) {
        Map<ProcessRef, Membership> members = groups.get(group);
        if (members == null) {
            return new ArrayList<>();
        }
        List<Membership> result = new ArrayList<>();
        for (Membership membership : members.values()) {
            if (membership.node().equals(node)) {
                result.add(membership);
            }
        }
        return result;
    }

    public int memberCount(String group) {
        Map<ProcessRef, Membership> members = groups.get(group);
        return members == null ? 0 : members.size();
    }

    public int memberCount(String group, NodeId node) {
        Map<String, AtomicInteger> perGroup = membersPerNode.get(node);
        AtomicInteger count = perGroup == null ? null : perGroup.get(group);
        return count == null ? 0 : count.get();
    }

    public int groupCount() {
        return groups.size();
    }

    public int groupCount(NodeId node) {
        Map<String, AtomicInteger> perGroup = membersPerNode.get(node);
        return perGroup == null ? 0 : perGroup.size();
    }

    public Set<String> groupNames() {
        return Set.copyOf(groups.keySet());
    }

    /** The group names, weakly consistent, without a copy. */
    public java.util.stream.Stream<String> groupNameStream() {
        return groups.keySet().stream();
    }

    public Set<String> groupNames(NodeId node) {
        Map<String, AtomicInteger> perGroup = membersPerNode.get(node);
        return perGroup == null ? Set.of() : Set.copyOf(perGroup.keySet());
    }

    public Set<String> groupsOf(ProcessRef process) {
        Set<String> names = groupsByProcess.get(process);
        return names == null ? Set.of() : Set.copyOf(names);
    }

    // ---------------------------------------------------------------- owner state (writer)

    /** Every claim and membership {@code owner}'s processes hold here, the losing side of a conflict included. */
    public OwnerSnapshot snapshotOf(NodeId owner, long seq) {
        return new OwnerSnapshot(scope, owner, seq, claimsOf(owner), membershipsOf(owner));
    }

    /** The names {@code process} claims here, visible or not (a claim can be losing a conflict). */
    public List<String> claimedNames(ProcessRef process) {
        List<String> names = new ArrayList<>(namesOf(process));
        contested.forEach((name, claims) -> {
            for (Registration claim : claims) {
                if (claim.process().equals(process) && !names.contains(name)) {
                    names.add(name);
                }
            }
        });
        return names;
    }

    /** The claim {@code process} holds on {@code name}, visible or not. */
    public @Nullable Registration claim(String name, ProcessRef process) {
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = byName.get(name);
            return visible != null && visible.process().equals(process) ? visible : null;
        }
        for (Registration claim : claims) {
            if (claim.process().equals(process)) {
                return claim;
            }
        }
        return null;
    }

    /** The claim a process of {@code node} holds on {@code name}, visible or not. */
    public @Nullable Registration claimOfNode(String name, NodeId node) {
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = byName.get(name);
            return visible != null && visible.node().equals(node) ? visible : null;
        }
        for (Registration claim : claims) {
            if (claim.node().equals(node)) {
                return claim;
            }
        }
        return null;
    }

    /**
     * Checks each name's owner only if the owner has some of the visible names but not all. Receiving a
     * snapshot starts here, so a node joining with 100k names would otherwise walk them all again for each
     * node answering its introduction, even for those with no names at all.
     */
    private List<Registration> claimsOf(NodeId owner) {
        int visible = count(owner);
        List<Registration> claims = new ArrayList<>(visible);
        if (visible == byName.size()) {
            claims.addAll(byName.values()); // all of them are the owner's: as on a node that is rejoining
        } else if (visible > 0) {
            for (Registration registration : byName.values()) {
                if (registration.node().equals(owner)) {
                    claims.add(registration);
                }
            }
        }
        contested.values().forEach(all -> {
            for (Registration claim : all) {
                if (claim.node().equals(owner) && byName.get(claim.name()) != claim) {
                    claims.add(claim);
                }
            }
        });
        return claims;
    }

    private List<Membership> membershipsOf(NodeId owner) {
        List<Membership> memberships = new ArrayList<>();
        if (groupCount(owner) == 0) {
            return memberships;
        }
        groupsByProcess.forEach((process, groupNames) -> {
            if (process.node().equals(owner)) {
                for (String group : groupNames) {
                    Membership membership = member(group, process);
                    if (membership != null) {
                        memberships.add(membership);
                    }
                }
            }
        });
        return memberships;
    }

    // ---------------------------------------------------------------- writes (the scope's writer only)

    /** Applies a change made by this node to its own processes. */
    public void applyLocal(Change change, Sink sink) {
        apply(change, sink);
    }

    /** Applies a batch from a remote owner, in sequence; see {@link Receipt}. */
    public Receipt receive(ChangeBatch batch, Sink sink) {
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
    public boolean receive(OwnerSnapshot snapshot, Reason reason, Sink sink) {
        NodeId owner = snapshot.owner();
        OwnerStream stream = streams.computeIfAbsent(owner, id -> new OwnerStream());
        PartialSnapshot partial = stream.partial;
        if (snapshot.part() == 0) {
            if (stream.hasBase() && snapshot.seq() < stream.lastSeq) {
                return false; // older than what is applied already (it was overtaken): applying it would go back in time
            }
            partial = stream.partial = new PartialSnapshot(snapshot.seq(), reason, claimsOf(owner), membershipsOf(owner));
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
            removeClaim(stale.name(), stale.process(), partial.reason, sink);
        }
        for (Membership stale : partial.staleMemberships.values()) {
            removeMembership(stale.group(), stale.process(), partial.reason, sink);
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
    public void dropOwner(NodeId owner, Reason reason, Sink sink) {
        streams.remove(owner);
        for (Registration claim : claimsOf(owner)) {
            removeClaim(claim.name(), claim.process(), reason, sink);
        }
        for (Membership membership : membershipsOf(owner)) {
            removeMembership(membership.group(), membership.process(), reason, sink);
        }
    }

    /** The remote owners this replica follows: it holds a snapshot of each, kept up by their changes. */
    public Set<NodeId> followedOwners() {
        return streams.entrySet().stream().filter(entry -> entry.getValue().hasBase()).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Whether this replica holds a snapshot of {@code owner} (it met the owner since it last appeared). */
    public boolean follows(NodeId owner) {
        OwnerStream stream = streams.get(owner);
        return stream != null && stream.hasBase();
    }

    private void applyFrom(ChangeBatch batch, OwnerStream stream, Sink sink) {
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

    private void drainHeldBack(OwnerStream stream, Sink sink) {
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
    private void applyPart(OwnerSnapshot part, PartialSnapshot partial, Sink sink) {
        NodeId owner = part.owner();
        for (Registration registration : part.registrations()) {
            if (!registration.node().equals(owner)) {
                continue;
            }
            Registration outdated = partial.staleClaims.remove(registration.name());
            if (outdated != null && !outdated.process().equals(registration.process())) {
                removeClaim(outdated.name(), outdated.process(), partial.reason, sink);
            }
            putClaim(registration, partial.reason, sink);
        }
        for (Membership membership : part.memberships()) {
            if (membership.node().equals(owner)) {
                partial.staleMemberships.remove(new MemberKey(membership.group(), membership.process().id()));
                putMembership(membership, partial.reason, sink);
            }
        }
    }

    /** A membership of one process of a known owner. */
    private record MemberKey(String group, long process) {}

    private void apply(Change change, Sink sink) {
        if (change instanceof Change.Register register) {
            putClaim(register.registration(), register.reason(), sink);
        } else if (change instanceof Change.Unregister unregister) {
            removeClaim(unregister.name(), unregister.process(), unregister.reason(), sink);
        } else if (change instanceof Change.Join join) {
            putMembership(join.membership(), join.reason(), sink);
        } else if (change instanceof Change.Leave leave) {
            removeMembership(leave.group(), leave.process(), leave.reason(), sink);
        }
    }

    // ---------------------------------------------------------------- registry claims

    private void putClaim(Registration claim, Reason reason, Sink sink) {
        String name = claim.name();
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = byName.get(name);
            if (visible == null || visible.process().equals(claim.process())) {
                show(name, visible, claim, reason, sink);
                return;
            }
            claims = new ArrayList<>(2);
            claims.add(visible);
            contested.put(name, claims);
        }
        claims.removeIf(existing -> existing.process().equals(claim.process()));
        claims.add(claim);
        resolveContest(name, claims, reason, sink);
    }

    private void removeClaim(String name, ProcessRef process, Reason reason, Sink sink) {
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = byName.get(name);
            if (visible != null && visible.process().equals(process)) {
                show(name, visible, null, reason, sink);
            }
            return;
        }
        if (claims.removeIf(existing -> existing.process().equals(process))) {
            resolveContest(name, claims, reason, sink);
        }
    }

    /**
     * Shows the claim the resolver picks among {@code claims} (every node picks the same) and tells this
     * node about its own processes that lost.
     */
    private void resolveContest(String name, List<Registration> claims, Reason reason, Sink sink) {
        Registration visible = byName.get(name);
        if (claims.size() == 1) {
            contested.remove(name);
            showResolved(name, claims, visible, claims.get(0), reason, sink);
            return;
        }
        if (claims.isEmpty()) {
            contested.remove(name);
            show(name, visible, null, reason, sink);
            return;
        }
        claims.sort(Comparator.comparing(Registration::process));
        @Nullable Registration winner = claims.get(0);
        boolean stopLosers = false;
        for (int i = 1; i < claims.size(); i++) {
            Registration challenger = claims.get(i);
            if (winner == null) {
                winner = challenger;
                continue;
            }
            ConflictOutcome outcome = decide(name, winner, challenger);
            stopLosers |= outcome.stopLosers();
            winner = outcome.keep() == null ? null
                    : outcome.keep().equals(challenger.process()) ? challenger : winner;
        }
        showResolved(name, claims, visible, winner, reason, sink);
        for (Registration claim : claims) {
            if (claim != winner && claim.node().equals(self)) {
                sink.localConflictLost(claim, stopLosers);
            }
        }
    }

    /**
     * Shows the resolved {@code winner}. A winner that changes hands is an event of conflict resolution,
     * except for the visible claim's own removal (by this change), which keeps the change's reason
     * (NODE_DOWN, the process's exit, an unregistration).
     */
    private void showResolved(String name, List<Registration> claims, @Nullable Registration visible,
            @Nullable Registration winner, Reason reason, Sink sink) {
        if (visible != null && winner != null && visible.process().equals(winner.process())) {
            show(name, visible, winner, reason, sink);
            return;
        }
        if (visible != null) {
            boolean removed = claims.stream().noneMatch(claim -> claim.process().equals(visible.process()));
            show(name, visible, null, removed ? reason : Reason.CONFLICT_RESOLUTION, sink);
        }
        if (winner != null) {
            show(name, null, winner, Reason.CONFLICT_RESOLUTION, sink);
        }
    }

    /**
     * The resolver's outcome; if it throws or keeps a process that is neither candidate, neither keeps the
     * name and neither is stopped (no process is stopped on a decision nobody made).
     */
    private ConflictOutcome decide(String name, Registration first, Registration second) {
        try {
            ConflictOutcome outcome = resolver.resolve(scope, name, first, second);
            ProcessRef keep = outcome.keep();
            if (keep == null || keep.equals(first.process()) || keep.equals(second.process())) {
                return outcome;
            }
            log.error("scope {}: the conflict resolver kept {} for '{}', which is neither candidate ({}, {}); "
                    + "the name is freed and neither process is stopped", scope, keep, name, first.process(),
                    second.process());
        } catch (RuntimeException e) {
            log.error("scope {}: the conflict resolver failed for '{}' ({}, {}); the name is freed and neither "
                    + "process is stopped", scope, name, first.process(), second.process(), e);
        }
        return ConflictOutcome.keepNeither();
    }

    /** Moves what readers see for {@code name} from {@code before} to {@code after}, firing the events. */
    private void show(String name, @Nullable Registration before, @Nullable Registration after, Reason reason,
            Sink sink) {
        if (before == after) {
            return;
        }
        if (before != null && after != null && before.process().equals(after.process())) {
            byName.put(name, after);
            if (!Objects.equals(before.meta(), after.meta())) {
                sink.event(new SynEvent.RegistryUpdated(scope, name, after.process(), after.meta(), before.meta(),
                        reason));
            }
            return;
        }
        if (before != null) {
            if (after == null) {
                byName.remove(name);
            }
            namesByProcess.computeIfPresent(before.process(), (process, names) -> SmallSets.without(names, name));
            namesPerNode.get(before.node()).decrementAndGet();
            sink.event(new SynEvent.Unregistered(scope, name, before.process(), before.meta(), reason));
        }
        if (after != null) {
            byName.put(before == null ? keyOf(name) : name, after);
            namesByProcess.compute(after.process(), (process, names) -> SmallSets.with(names, name));
            namesPerNode.computeIfAbsent(after.node(), node -> new AtomicInteger()).incrementAndGet();
            sink.event(new SynEvent.Registered(scope, name, after.process(), after.meta(), reason));
        }
    }

    /**
     * A new entry's key: a copy of {@code name} that only the map's node refers to. Allocated just before
     * the node, and reached by a copying garbage collector only through it, it stays next to the node in
     * memory, so a lookup, which reads the node, the key and its characters, waits for about one cache miss
     * instead of one per object. The name given here was allocated with its whole batch off the wire and is
     * shared with the registration and {@link #namesByProcess}. JMH, 100k names: 7.7-10.6 -> 10-11.4 M
     * lookups/s, for one more copy of the name (~56 bytes for 12 characters).
     */
    private static String keyOf(String name) {
        return new String(name.toCharArray());
    }

    // ---------------------------------------------------------------- group memberships

    private void putMembership(Membership membership, Reason reason, Sink sink) {
        String group = membership.group();
        ProcessRef process = membership.process();
        Membership previous = groups.computeIfAbsent(group, name -> new ConcurrentHashMap<>()).put(process,
                membership);
        if (previous == null) {
            groupsByProcess.compute(process, (ref, names) -> SmallSets.with(names, group));
            membersPerNode.computeIfAbsent(process.node(), node -> new ConcurrentHashMap<>())
                    .computeIfAbsent(group, name -> new AtomicInteger()).incrementAndGet();
            sink.event(new SynEvent.Joined(scope, group, process, membership.meta(), reason));
        } else if (!Objects.equals(previous.meta(), membership.meta())) {
            sink.event(new SynEvent.GroupUpdated(scope, group, process, membership.meta(), previous.meta(),
                    reason));
        }
    }

    private void removeMembership(String group, ProcessRef process, Reason reason, Sink sink) {
        ConcurrentHashMap<ProcessRef, Membership> members = groups.get(group);
        Membership removed = members == null ? null : members.remove(process);
        if (removed == null) {
            return;
        }
        if (members.isEmpty()) {
            groups.remove(group, members);
        }
        groupsByProcess.computeIfPresent(process, (ref, names) -> SmallSets.without(names, group));
        ConcurrentHashMap<String, AtomicInteger> perGroup = membersPerNode.get(process.node());
        if (perGroup != null) {
            perGroup.computeIfPresent(group, (name, count) -> count.decrementAndGet() == 0 ? null : count);
        }
        sink.event(new SynEvent.Left(scope, group, process, removed.meta(), reason));
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
            heldMemberships.forEach(held -> staleMemberships.put(new MemberKey(held.group(), held.process().id()), held));
        }
    }
}
