package io.synspring.internal.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.ConflictOutcome;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * Convergence of the replica state machine: whatever order the owners' changes arrive in, with duplicates,
 * losses repaired by resyncs, stale snapshots and nodes going down and up, every replica ends up showing
 * the same thing, and that is what the owners hold after conflict resolution.
 */
class ReplicaConvergenceProperties {

    static final int OWNERS = 3;
    static final int OBSERVERS = 2;
    static final int PROCESSES_PER_OWNER = 2;

    enum Kind {
        REGISTER, UNREGISTER, JOIN, LEAVE, EXIT, FLUSH, DELIVER, DUPLICATE, DROP, RESYNC, STALE_SNAPSHOT, BOUNCE
    }

    /** One step of a run; the numbers pick the node, process, name, metadata or message it is about. */
    record Step(Kind kind, int a, int b, int c, int d) {}

    /** The conflict resolvers the runs use; each is a pure function of its arguments. */
    enum Resolver {
        DEFAULT(ConflictResolver.KEEP_MOST_RECENT),
        /** Keeps the smaller metadata (ties: the second), stops nobody. */
        KEEP_SMALLER_META((scope, name, first, second) -> ConflictOutcome.keep(
                meta(first) < meta(second) ? first.process() : second.process())),
        KEEP_NEITHER((scope, name, first, second) -> ConflictOutcome.keepNeither()),
        KEEP_NEITHER_AND_STOP_BOTH((scope, name, first, second) -> ConflictOutcome.keepNeitherAndStopBoth()),
        /** Keeps neither on equal times, otherwise the older one, stopping the other. */
        OLDEST_OR_NEITHER((scope, name, first, second) -> first.time() == second.time()
                ? ConflictOutcome.keepNeither()
                : ConflictOutcome.keepAndStopOther(first.time() < second.time() ? first.process() : second.process())),
        /** Fails or keeps a process that is neither candidate: neither keeps the name. */
        BROKEN((scope, name, first, second) -> {
            if (meta(first) == meta(second)) {
                throw new IllegalStateException("no opinion");
            }
            return ConflictOutcome.keep(new ProcessRef(new NodeId("stranger", 1), 1));
        });

        final ConflictResolver resolver;

        Resolver(ConflictResolver resolver) {
            this.resolver = resolver;
        }

        private static int meta(Registration registration) {
            return registration.meta() instanceof Integer value ? value : -1;
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(10, Kind.REGISTER), Tuple.of(3, Kind.UNREGISTER),
                Tuple.of(4, Kind.JOIN), Tuple.of(2, Kind.LEAVE), Tuple.of(1, Kind.EXIT), Tuple.of(6, Kind.FLUSH),
                Tuple.of(14, Kind.DELIVER), Tuple.of(2, Kind.DUPLICATE), Tuple.of(2, Kind.DROP),
                Tuple.of(1, Kind.RESYNC), Tuple.of(2, Kind.STALE_SNAPSHOT), Tuple.of(1, Kind.BOUNCE));
        Arbitrary<Integer> numbers = Arbitraries.integers().between(0, 999);
        return Combinators.combine(kinds, numbers, numbers, numbers, numbers).as(Step::new).list().ofMinSize(1)
                .ofMaxSize(120);
    }

    @Property(tries = 300)
    void everyReplicaEndsWithWhatTheOwnersHold(@ForAll("steps") List<Step> steps, @ForAll Resolver resolver,
            @ForAll long deliverySeed) {
        ReplicaSimulation sim = new ReplicaSimulation(OWNERS, OBSERVERS, PROCESSES_PER_OWNER, resolver.resolver);
        steps.forEach(step -> run(sim, step));

        sim.quiesce(new Random(deliverySeed));

        // no name is claimed twice once every owner has seen the others' claims and given up its losses
        Map<String, List<Registration>> claims = sim.ownersClaims().stream()
                .collect(Collectors.groupingBy(Registration::name, TreeMap::new, Collectors.toList()));
        assertThat(claims).allSatisfy((name, held) -> assertThat(held).as("claims on %s", name).hasSize(1));
        Map<String, Registration> expectedNames = new TreeMap<>();
        claims.forEach((name, held) -> expectedNames.put(name, held.get(0)));
        Map<String, Set<Membership>> expectedGroups = sim.ownersMemberships();

        ReplicaSimulation.View first = null;
        for (ReplicaSimulation.Node node : sim.allNodes()) {
            ReplicaSimulation.View view = sim.view(node);
            assertThat(view.names()).as("names on %s", node).isEqualTo(expectedNames);
            assertThat(view.groups()).as("groups on %s", node).isEqualTo(expectedGroups);
            for (ReplicaSimulation.Node owner : sim.owners) {
                assertThat(view.countPerNode().get(owner.id)).as("count(%s) on %s", owner, node)
                        .isEqualTo(
                                (int) expectedNames.values().stream().filter(r -> r.node().equals(owner.id)).count());
                if (owner != node) {
                    assertThat(node.replica.needsSnapshot(owner.id)).as("%s follows %s", node, owner).isFalse();
                }
            }
            if (first == null) {
                first = view;
            } else {
                assertThat(view).as("view of %s", node).isEqualTo(first);
            }
            // the events a node fired add up to what it shows
            assertThat(sim.replay(node)).as("events of %s", node).isEqualTo(sim.replayedFrom(view));
        }
        assertThat(sim.violations).isEmpty();

        for (String what : List.of("conflict lost", "loser stopped", "receipt GAP", "receipt NO_BASE",
                "receipt DUPLICATE", "gap filled by a batch", "resync behind a gap", "stale snapshot ignored",
                "stale snapshot applied",
                "snapshot in parts", "snapshot part lost")) {
            Statistics.label(what).collect(sim.happened.containsKey(what));
        }
        Statistics.label("visible names").collect(Math.min(expectedNames.size(), 4));
        // the runs must exercise what they are about (far below the usual rates, so never flaky)
        Statistics.label("conflict lost").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("loser stopped").coverage(c -> c.check(true).percentage(p -> p >= 5));
        Statistics.label("receipt GAP").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("receipt NO_BASE").coverage(c -> c.check(true).percentage(p -> p >= 3));
        Statistics.label("gap filled by a batch").coverage(c -> c.check(true).percentage(p -> p >= 5));
        Statistics.label("resync behind a gap").coverage(c -> c.check(true).percentage(p -> p >= 5));
        Statistics.label("snapshot in parts").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("snapshot part lost").coverage(c -> c.check(true).percentage(p -> p >= 1));
    }

    private static void run(ReplicaSimulation sim, Step step) {
        ReplicaSimulation.Node owner = sim.owners.get(step.a() % OWNERS);
        int slot = step.b() % PROCESSES_PER_OWNER;
        List<ReplicaSimulation.Node> all = sim.allNodes();
        switch (step.kind()) {
            case REGISTER:
                sim.tick(step.d() % 2);
                sim.register(owner, slot, "n" + step.c() % 4, step.d() % 3, step.d() % 7 == 0);
                break;
            case UNREGISTER:
                sim.unregister(owner, slot, "n" + step.c() % 4);
                break;
            case JOIN:
                sim.tick(step.d() % 2);
                sim.join(owner, slot, "g" + step.c() % 3, step.d() % 3);
                break;
            case LEAVE:
                sim.leave(owner, slot, "g" + step.c() % 3);
                break;
            case EXIT:
                sim.exit(owner, slot, step.c() % 2 == 0 ? ExitReason.KILLED
                        : ExitReason.Crashed.of(new IllegalStateException("crash")));
                break;
            case FLUSH:
                sim.flush(owner);
                break;
            case DELIVER:
                sim.deliver(step.c());
                break;
            case DUPLICATE:
                sim.duplicate(all.get(step.c() % all.size()), owner, step.d());
                break;
            case DROP:
                sim.drop(step.c());
                break;
            case RESYNC:
                sim.resync(all.get(step.c() % all.size()), owner);
                break;
            case STALE_SNAPSHOT:
                sim.staleSnapshot(all.get(step.c() % all.size()), owner);
                break;
            case BOUNCE:
                sim.bounce(all.get(step.c() % all.size()), owner);
                break;
            default:
                throw new IllegalArgumentException(step.kind().name());
        }
    }

    // ---------------------------------------------------------------- arrival order alone

    /** An owner's change to a claim: register (new or updated) or unregister. */
    record ClaimChange(int owner, int slot, int name, int time, int meta, boolean unregister) {}

    @Provide
    Arbitrary<List<ClaimChange>> claimChanges() {
        return Combinators.combine(Arbitraries.integers().between(0, OWNERS - 1),
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 2),
                Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true))).as(ClaimChange::new).list()
                .ofMinSize(1).ofMaxSize(30);
    }

    /**
     * Without any owner reacting to conflicts: two observers receiving the same batches in different orders
     * show the same, and with the default resolver each name shows its most recent claim (ties: the larger
     * process reference).
     */
    @Property(tries = 300)
    void theVisibleClaimDependsOnlyOnTheClaimsPresent(@ForAll("claimChanges") List<ClaimChange> changes,
            @ForAll Resolver resolver, @ForAll Random random) {
        Map<NodeId, List<ChangeBatch>> batchesByOwner = new LinkedHashMap<>();
        Map<String, Map<ProcessRef, Registration>> present = new TreeMap<>();
        for (ClaimChange change : changes) {
            NodeId owner = new NodeId("owner" + change.owner(), 1);
            ProcessRef process = new ProcessRef(owner, change.slot() + 1);
            String name = "n" + change.name();
            Change made;
            if (change.unregister()) {
                made = new Change.Unregister(name, process, Reason.NORMAL);
                present.computeIfAbsent(name, n -> new HashMap<>()).remove(process);
            } else {
                Registration claim = new Registration(name, process, change.meta(), change.time());
                made = new Change.Register(claim, Reason.NORMAL);
                present.computeIfAbsent(name, n -> new HashMap<>()).put(process, claim);
            }
            List<ChangeBatch> batches = batchesByOwner.computeIfAbsent(owner, o -> new ArrayList<>());
            batches.add(new ChangeBatch(ReplicaSimulation.SCOPE, owner, batches.size() + 1, List.of(made)));
        }
        List<ChangeBatch> all = batchesByOwner.values().stream().flatMap(List::stream).collect(Collectors.toList());

        Map<String, @Nullable Registration> first = receiveShuffled(all, batchesByOwner.keySet(), resolver, random);
        Map<String, @Nullable Registration> second = receiveShuffled(all, batchesByOwner.keySet(), resolver, random);

        assertThat(first).isEqualTo(second);
        boolean contested = present.values().stream().anyMatch(claims -> claims.size() > 1);
        Statistics.label("contested").collect(contested);
        Statistics.label("contested").coverage(c -> c.check(true).percentage(p -> p >= 30));
        if (resolver == Resolver.DEFAULT) {
            Comparator<Registration> mostRecent = Comparator.comparingLong(Registration::time)
                    .thenComparing(Registration::process);
            present.forEach((name, claims) -> assertThat(first.get(name)).as(name)
                    .isEqualTo(claims.values().stream().max(mostRecent).orElse(null)));
        }
        if (resolver == Resolver.BROKEN) {
            present.forEach((name, claims) -> {
                if (claims.size() == 2) {
                    assertThat(first.get(name)).as("%s, contested by two", name).isNull();
                }
            });
        }
        present.forEach((name, claims) -> {
            if (claims.size() == 1) {
                assertThat(first.get(name)).as("the only claim on %s", name)
                        .isEqualTo(claims.values().iterator().next());
            } else if (claims.isEmpty()) {
                assertThat(first.get(name)).as("unclaimed %s", name).isNull();
            }
        });
    }

    private static Map<String, @Nullable Registration> receiveShuffled(List<ChangeBatch> batches, Set<NodeId> owners,
            Resolver resolver, Random random) {
        NodeId self = new NodeId("observer", 1);
        ScopeReplica replica = new ScopeReplica(ReplicaSimulation.SCOPE, self, resolver.resolver);
        List<String> problems = new ArrayList<>();
        ReplicaSink sink = new ReplicaSink() {
            @Override
            public void event(io.synspring.events.SynEvent event) {}

            @Override
            public void localConflictLost(Registration loser, boolean stop) {
                problems.add("an observer was told about " + loser);
            }
        };
        owners.forEach(owner -> replica.receive(new OwnerSnapshot(ReplicaSimulation.SCOPE, owner, 0, List.of(),
                List.of()), new Reason.NodeUp(owner), sink));
        List<ChangeBatch> shuffled = new ArrayList<>(batches);
        Collections.shuffle(shuffled, random);
        shuffled.forEach(batch -> replica.receive(batch, sink));

        owners.forEach(owner -> assertThat(replica.needsSnapshot(owner)).isFalse());
        assertThat(problems).isEmpty();
        Map<String, @Nullable Registration> shown = new TreeMap<>();
        for (int name = 0; name < 3; name++) {
            shown.put("n" + name, replica.names().lookup("n" + name));
        }
        assertThat(replica.names().count()).isEqualTo((int) shown.values().stream().filter(r -> r != null).count());
        return shown;
    }
}
