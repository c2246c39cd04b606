package io.synspring.internal.replica;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.process.ProcessRef;
import io.synspring.registry.ConflictOutcome;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of one scope's replica: what readers see for each name (lock-free, from any thread), and every
 * claim behind it. Conflicting claims on a name are resolved the same way on every node: what is shown is a
 * deterministic function of the claims present, whatever order they arrived in. Written by the scope's
 * writer only.
 */
public final class NameTable {

    private static final Logger log = LoggerFactory.getLogger(NameTable.class);

    private final String scope;
    private final NodeId self;
    private final ConflictResolver resolver;
    /**
     * What readers see for each name, each wrapped once, when it is shown, in the {@link Optional} that
     * {@code Registry.lookup} returns: a lookup then allocates nothing (a lookup's allocation is most of its
     * cost after its cache misses: the new memory it takes is cache misses and page faults of its own).
     */
    private final ConcurrentHashMap<String, Optional<Registration>> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProcessRef, Set<String>> namesByProcess = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, AtomicInteger> namesPerNode = new ConcurrentHashMap<>();
    /** Names claimed by more than one process: every claim, the visible one included. Writer-only. */
    private final Map<String, List<Registration>> contested = new HashMap<>();

    NameTable(String scope, NodeId self, ConflictResolver resolver) {
        this.scope = scope;
        this.self = self;
        this.resolver = resolver;
    }

    public @Nullable Registration lookup(String name) {
        Optional<Registration> shown = byName.get(name);
        return shown == null ? null : shown.get();
    }

    /**
     * The registration shown for {@code name}, in an {@code Optional} made once for it, or {@code null} (not
     * an empty {@code Optional}) if the name is missing: the caller tells the two apart without reading the
     * {@code Optional}.
     */
    public @Nullable Optional<Registration> find(String name) {
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
    public Stream<Registration> registrations() {
        return byName.values().stream().map(Optional::get);
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
        return claimWhere(name, claim -> claim.process().equals(process));
    }

    /** The claim a process of {@code node} holds on {@code name}, visible or not. */
    public @Nullable Registration claimOfNode(String name, NodeId node) {
        return claimWhere(name, claim -> claim.node().equals(node));
    }

    private @Nullable Registration claimWhere(String name, Predicate<Registration> matches) {
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = lookup(name);
            return visible != null && matches.test(visible) ? visible : null;
        }
        for (Registration claim : claims) {
            if (matches.test(claim)) {
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
    List<Registration> claimsOf(NodeId owner) {
        int visible = count(owner);
        List<Registration> claims = new ArrayList<>(visible);
        if (visible == byName.size()) {
            registrations().forEach(claims::add); // all of them are the owner's: as on a node that is rejoining
        } else if (visible > 0) {
            registrations().filter(registration -> registration.node().equals(owner)).forEach(claims::add);
        }
        contested.values().forEach(all -> {
            for (Registration claim : all) {
                if (claim.node().equals(owner) && lookup(claim.name()) != claim) {
                    claims.add(claim);
                }
            }
        });
        return claims;
    }

    /** Adds or replaces the claim of {@code claim.process()} on its name; a second claimant makes a conflict. */
    void put(Registration claim, Reason reason, ReplicaSink sink) {
        String name = claim.name();
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = lookup(name);
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

    /** Removes the claim of {@code process} on {@code name}; what remains of a conflict is resolved again. */
    void remove(String name, ProcessRef process, Reason reason, ReplicaSink sink) {
        List<Registration> claims = contested.get(name);
        if (claims == null) {
            Registration visible = lookup(name);
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
    private void resolveContest(String name, List<Registration> claims, Reason reason, ReplicaSink sink) {
        Registration visible = lookup(name);
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
            @Nullable Registration winner, Reason reason, ReplicaSink sink) {
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
            ReplicaSink sink) {
        if (before == after) {
            return;
        }
        if (before != null && after != null && before.process().equals(after.process())) {
            byName.put(name, Optional.of(after));
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
            Objects.requireNonNull(namesPerNode.get(before.node()), "a shown name counts for its node")
                    .decrementAndGet();
            sink.event(new SynEvent.Unregistered(scope, name, before.process(), before.meta(), reason));
        }
        if (after != null) {
            byName.put(before == null ? keyOf(name) : name, Optional.of(after));
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
     * shared with the registration and {@link #namesByProcess}. It costs one more copy of each name.
     */
    private static String keyOf(String name) {
        return new String(name.toCharArray());
    }
}
