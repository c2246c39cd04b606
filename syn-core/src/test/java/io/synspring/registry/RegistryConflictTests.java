package io.synspring.registry;

import static io.synspring.registry.Awaits.await;
import static io.synspring.testing.EventAssertions.assertThatEvent;
import static io.synspring.testing.EventAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Two processes on two nodes holding the same name: after a split heals, or after a race between
 * concurrent registrations, exactly one holds it on every node, as the resolver decides, and the outcome
 * is applied by the owners and broadcast (no zombie entry).
 */
class RegistryConflictTests {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RegistryConflictTests.class);

    @Test
    void afterAHealedSplitTheMostRecentRegistrationWinsEverywhereAndTheOtherProcessIsStopped() {
        try (TestCluster cluster = Splits.startSplit(index -> settings -> settings)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            NodeRegistry main = cluster.node(1);
            NodeRegistry isolated = cluster.node(2);
            // "older-main": the main side registers first, the isolated node later and wins
            SynProcess mainOld = main.spawn((message, ctx) -> {});
            SynProcess isolatedNew = isolated.spawn((message, ctx) -> {});
            // "older-isolated": the other way round
            SynProcess isolatedOld = isolated.spawn((message, ctx) -> {});
            SynProcess mainNew = cluster.node(0).spawn((message, ctx) -> {});
            Queue<ExitReason> mainOldExits = new ConcurrentLinkedQueue<>();
            mainOld.onExit(mainOldExits::add);

            registerAfter(main.registry(), "older-main", mainOld.ref(), "main", 0);
            registerAfter(isolated.registry(), "older-isolated", isolatedOld.ref(), "isolated", 0);
            long t1 = Math.max(time(main, "older-main"), time(isolated, "older-isolated"));
            registerAfter(isolated.registry(), "older-main", isolatedNew.ref(), "isolated", t1);
            registerAfter(cluster.node(0).registry(), "older-isolated", mainNew.ref(), "main", t1);
            // names without a conflict survive the heal
            SynProcess bystander = isolated.spawn((message, ctx) -> {});
            isolated.registry().register("no-conflict", bystander.ref());
            await().until(() -> cluster.node(0).registry().count() == 2 && main.registry().count() == 2);

            Splits.heal(cluster);

            awaitConverged(cluster, Map.of("older-main", isolatedNew.ref(), "older-isolated", mainNew.ref(),
                    "no-conflict", bystander.ref()));
            await().until(() -> !mainOld.isAlive() && !isolatedOld.isAlive());
            assertThat(mainOld.exitReason()).contains(new ExitReason.ConflictResolved("default", "older-main"));
            assertThat(isolatedOld.exitReason())
                    .contains(new ExitReason.ConflictResolved("default", "older-isolated"));
            await().until(() -> mainOldExits.size() == 1);
            assertThat(mainOldExits).containsExactly(new ExitReason.ConflictResolved("default", "older-main"));
            assertThat(isolatedNew.isAlive()).isTrue();
            assertThat(mainNew.isAlive()).isTrue();
            assertThat(bystander.isAlive()).isTrue();

            // on the nodes where the holder changed, the change says CONFLICT_RESOLUTION. A bystander (node 1)
            // may get the loser's withdrawal before it ever saw the winner's claim: then the winner's entry comes
            // in as an entry of the node that appeared, with NODE_UP
            for (int i : new int[] {0, 1}) {
                EventLog log = logs.get(i);
                await().until(() -> log.about("older-main").size() == 3);
                List<SynEvent> events = log.about("older-main");
                assertThatEvent(events.get(0)).isEqualTo(
                        new SynEvent.Registered("default", "older-main", mainOld.ref(), "main", Reason.NORMAL));
                assertThatEvent(events.get(1)).isEqualTo(
                        new SynEvent.Unregistered("default", "older-main", mainOld.ref(), "main",
                                Reason.CONFLICT_RESOLUTION));
                assertThat(events.get(2)).isInstanceOf(SynEvent.Registered.class)
                        .extracting(SynEvent::process, SynEvent::meta).containsExactly(isolatedNew.ref(), "isolated");
                assertThat(events.get(2).reason()).isIn(Reason.CONFLICT_RESOLUTION, new Reason.NodeUp(isolated.node()));
                assertThatEvents(log.about("older-isolated"))
                        .containsExactly(new SynEvent.Registered("default", "older-isolated", mainNew.ref(), "main",
                                Reason.NORMAL));
            }
            // the owner of the losing process always sees both claims
            assertThat(logs.get(1).about("older-main").get(2).reason()).isEqualTo(Reason.CONFLICT_RESOLUTION);
            EventLog isolatedLog = logs.get(2);
            await().until(() -> isolatedLog.about("older-isolated").size() == 3);
            assertThatEvents(isolatedLog.about("older-isolated"))
                    .containsExactly(
                            new SynEvent.Registered("default", "older-isolated", isolatedOld.ref(), "isolated",
                                    Reason.NORMAL),
                            new SynEvent.Unregistered("default", "older-isolated", isolatedOld.ref(), "isolated",
                                    Reason.CONFLICT_RESOLUTION),
                            new SynEvent.Registered("default", "older-isolated", mainNew.ref(), "main",
                                    Reason.CONFLICT_RESOLUTION));
            assertThatEvents(isolatedLog.about("older-main"))
                    .containsExactly(new SynEvent.Registered("default", "older-main", isolatedNew.ref(), "isolated",
                            Reason.NORMAL));
            // the losers' exits removed nothing else: their names had already gone by conflict resolution
            for (EventLog log : logs) {
                assertThat(log.all()).noneMatch(event -> event.reason() instanceof Reason.ProcessExited);
            }
        }
    }

    @Test
    void aCustomResolversChoiceIsAppliedTheSameOnEveryNode() {
        List<Queue<String>> consulted = IntStream.range(0, 3).mapToObj(i -> new ConcurrentLinkedQueue<String>())
                .collect(Collectors.toList());
        try (TestCluster cluster = Splits.startSplit(index -> settings -> settings.conflictResolver(
                (scope, name, first, second) -> {
                    assertThat(first.process()).isLessThan(second.process());
                    consulted.get(index).add(name);
                    return byMeta(name, first, second);
                }))) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            NodeRegistry main = cluster.node(0);
            NodeRegistry isolated = cluster.node(2);
            Map<String, SynProcess> mainSide = new java.util.HashMap<>();
            Map<String, SynProcess> isolatedSide = new java.util.HashMap<>();
            List<String> names = List.of("neither", "neither-stop", "keep", "keep-stop");
            for (String name : names) {
                mainSide.put(name, main.spawn((message, ctx) -> {}));
                isolatedSide.put(name, isolated.spawn((message, ctx) -> {}));
                // the isolated side registers later: by default it would win, so "winner" marks the older one
                registerAfter(main.registry(), name, mainSide.get(name).ref(), "winner", 0);
                registerAfter(isolated.registry(), name, isolatedSide.get(name).ref(), "loser", time(main, name));
            }

            Splits.heal(cluster);

            awaitConverged(cluster, Map.of("keep", mainSide.get("keep").ref(),
                    "keep-stop", mainSide.get("keep-stop").ref()));
            for (int i = 0; i < 3; i++) {
                Registry registry = cluster.node(i).registry();
                assertThat(registry.lookup("neither")).isEmpty();
                assertThat(registry.lookup("neither-stop")).isEmpty();
            }
            await().until(() -> !isolatedSide.get("keep-stop").isAlive() && !mainSide.get("neither-stop").isAlive()
                    && !isolatedSide.get("neither-stop").isAlive());
            assertThat(isolatedSide.get("keep-stop").exitReason())
                    .contains(new ExitReason.ConflictResolved("default", "keep-stop"));
            assertThat(mainSide.get("neither-stop").exitReason())
                    .contains(new ExitReason.ConflictResolved("default", "neither-stop"));
            assertThat(isolatedSide.get("neither-stop").exitReason())
                    .contains(new ExitReason.ConflictResolved("default", "neither-stop"));
            // keep without stop, keep neither: everyone keeps running, without the name
            for (SynProcess alive : List.of(mainSide.get("neither"), isolatedSide.get("neither"), mainSide.get("keep"),
                    isolatedSide.get("keep"), mainSide.get("keep-stop"))) {
                assertThat(alive.isAlive()).as(alive.ref().toString()).isTrue();
            }
            for (int i = 0; i < 3; i++) {
                Registry registry = cluster.node(i).registry();
                assertThat(registry.namesOf(isolatedSide.get("keep").ref())).isEmpty();
                assertThat(registry.namesOf(mainSide.get("neither").ref())).isEmpty();
                assertThat(registry.namesOf(isolatedSide.get("neither").ref())).isEmpty();
            }
            // the owners of the losing claims asked the resolver (a bystander node may only see the outcome
            // the owners broadcast), and all got the same answer
            assertThat(consulted.get(2)).as("names node 3 asked about").containsAll(names);
            assertThat(consulted.get(0)).as("names node 1 asked about").contains("neither", "neither-stop");
            // every change after the heal says CONFLICT_RESOLUTION, and the name ends up gone on every node; a
            // bystander may first see the other side's claim arrive (NODE_UP) when its own side's withdrawal
            // overtook that claim's snapshot (the two come from different nodes), until its owner withdraws it too
            for (EventLog log : logs) {
                for (String name : List.of("neither", "neither-stop")) {
                    await().untilAsserted(() -> assertThat(log.about(name)).as("%s", log)
                            .last().isInstanceOf(SynEvent.Unregistered.class)
                            .extracting(SynEvent::reason).isEqualTo(Reason.CONFLICT_RESOLUTION));
                    assertThat(log.about(name)).first().extracting(SynEvent::reason).isEqualTo(Reason.NORMAL);
                    assertThat(log.about(name).subList(1, log.about(name).size())).as("%s", log)
                            .allMatch(event -> event.reason() == Reason.CONFLICT_RESOLUTION
                                    || event instanceof SynEvent.Registered && event.reason() instanceof Reason.NodeUp);
                }
            }
            await().until(() -> logs.get(2).about("keep").size() == 3);
            assertThatEvents(logs.get(2).about("keep")).containsExactly(
                    new SynEvent.Registered("default", "keep", isolatedSide.get("keep").ref(), "loser", Reason.NORMAL),
                    new SynEvent.Unregistered("default", "keep", isolatedSide.get("keep").ref(), "loser",
                            Reason.CONFLICT_RESOLUTION),
                    new SynEvent.Registered("default", "keep", mainSide.get("keep").ref(), "winner",
                            Reason.CONFLICT_RESOLUTION));
            // the processes that lost the name but live on can register it again... where it is free
            assertThat(isolated.registry().register("neither", isolatedSide.get("neither").ref()))
                    .isEqualTo(RegisterResult.OK);
            assertThat(isolated.registry().register("keep", isolatedSide.get("keep").ref()))
                    .isEqualTo(RegisterResult.TAKEN);
        }
    }

    @Test
    void aFailingResolverFreesTheNameEverywhereAndStopsNoOne() {
        try (TestCluster cluster = Splits.startSplit(index -> settings -> settings.conflictResolver(
                (scope, name, first, second) -> {
                    if (name.equals("stranger")) {
                        return ConflictOutcome.keepAndStopOther(new ProcessRef(new NodeId("nowhere", 1), 1));
                    }
                    throw new IllegalStateException("the resolver failed on " + name);
                }))) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            NodeRegistry main = cluster.node(0);
            NodeRegistry isolated = cluster.node(2);
            List<String> names = List.of("throws", "stranger");
            List<SynProcess> contenders = new ArrayList<>();
            for (String name : names) {
                SynProcess mainSide = main.spawn((message, ctx) -> {});
                SynProcess isolatedSide = isolated.spawn((message, ctx) -> {});
                contenders.add(mainSide);
                contenders.add(isolatedSide);
                registerAfter(main.registry(), name, mainSide.ref(), "main", 0);
                registerAfter(isolated.registry(), name, isolatedSide.ref(), "isolated", time(main, name));
            }

            Splits.heal(cluster);

            // the name goes on every node, as a conflict resolution, and both owners withdraw their claims
            for (EventLog log : logs) {
                for (String name : names) {
                    await().untilAsserted(() -> assertThat(log.about(name)).as("%s", log)
                            .last().isInstanceOf(SynEvent.Unregistered.class)
                            .extracting(SynEvent::reason).isEqualTo(Reason.CONFLICT_RESOLUTION));
                }
            }
            for (NodeRegistry node : cluster.nodes()) {
                await().until(() -> node.registry().count() == 0);
                for (String name : names) {
                    assertThat(node.registry().lookup(name)).isEmpty();
                }
            }
            assertThat(contenders).allMatch(SynProcess::isAlive);
            for (EventLog log : logs) {
                for (String name : names) {
                    assertThat(log.about(name)).as("%s", log).filteredOn(event -> event.reason() != Reason.NORMAL)
                            .allMatch(event -> event.reason() == Reason.CONFLICT_RESOLUTION
                                    || event instanceof SynEvent.Registered && event.reason() instanceof Reason.NodeUp);
                }
            }
            // no claim stays behind anywhere: once the heal has settled, a new registration of the names meets no
            // conflict (the resolver would free them again) and reaches every node
            awaitSettled(cluster);
            SynProcess next = cluster.node(1).spawn((message, ctx) -> {});
            for (String name : names) {
                assertThat(cluster.node(1).registry().register(name, next.ref())).isEqualTo(RegisterResult.OK);
            }
            awaitConverged(cluster, Map.of("throws", next.ref(), "stranger", next.ref()));
            assertThat(contenders).allMatch(SynProcess::isAlive);
        }
    }

    @Test
    void concurrentRegistrationsOfOneNameOnTwoNodesLeaveExactlyOneHolderEverywhere() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            int names = 40;
            List<List<SynProcess>> contenders = new ArrayList<>();
            for (int n = 0; n < names; n++) {
                contenders.add(List.of(cluster.node(0).spawn((message, ctx) -> {}),
                        cluster.node(1).spawn((message, ctx) -> {})));
            }
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<List<RegisterResult>>> racers = new ArrayList<>();
            for (int side = 0; side < 2; side++) {
                int s = side;
                racers.add(CompletableFuture.supplyAsync(() -> {
                    List<RegisterResult> results = new ArrayList<>();
                    try {
                        start.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int n = 0; n < names; n++) {
                        results.add(cluster.node(s).registry().register("race-" + n, contenders.get(n).get(s).ref()));
                    }
                    return results;
                }));
            }
            List<RegisterResult> first = racers.get(0).get(30, TimeUnit.SECONDS);
            List<RegisterResult> second = racers.get(1).get(30, TimeUnit.SECONDS);

            for (int n = 0; n < names; n++) {
                assertThat(List.of(first.get(n), second.get(n))).as("race-" + n).contains(RegisterResult.OK)
                        .doesNotContain(RegisterResult.NOT_ALIVE, RegisterResult.NOT_SELF);
            }
            // every node ends up showing one and the same live holder for each name, and the processes that
            // got OK but lost were stopped by conflict resolution
            await().until(() -> IntStream.range(0, names).allMatch(n -> holders(cluster, "race-" + n).size() == 1
                    && holders(cluster, "race-" + n).get(0).isPresent()
                    && contenders.get(n).stream().filter(SynProcess::isAlive)
                            .count() == (first.get(n) == RegisterResult.OK && second.get(n) == RegisterResult.OK ? 1
                                    : 2)));
            int conflicts = 0;
            for (int n = 0; n < names; n++) {
                String name = "race-" + n;
                ProcessRef holder = holders(cluster, name).get(0).orElseThrow();
                SynProcess winner = contenders.get(n).stream().filter(p -> p.ref().equals(holder)).findFirst()
                        .orElseThrow();
                SynProcess other = contenders.get(n).stream().filter(p -> p != winner).findFirst().orElseThrow();
                assertThat(winner.isAlive()).isTrue();
                if (first.get(n) == RegisterResult.OK && second.get(n) == RegisterResult.OK) {
                    conflicts++;
                    assertThat(other.exitReason()).as(name).contains(new ExitReason.ConflictResolved("default", name));
                    for (EventLog log : logs) {
                        // whatever a node saw first, any change of holder it saw says CONFLICT_RESOLUTION
                        assertThat(log.about(name)).as(name).filteredOn(event -> event.reason() != Reason.NORMAL)
                                .allMatch(event -> event.reason() == Reason.CONFLICT_RESOLUTION);
                        assertThat(log.about(name)).as(name).last().isInstanceOf(SynEvent.Registered.class)
                                .extracting(SynEvent::process).isEqualTo(holder);
                    }
                } else {
                    assertThat(other.isAlive()).isTrue();
                    assertThat(registry(cluster, 2).lookup(name)).map(Registration::process).contains(winner.ref());
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(registry(cluster, i).count()).isEqualTo(names);
            }
            log.info("concurrent registrations: {} of {} names were registered on both nodes",
                    conflicts, names);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Keeps the candidate whose metadata is "winner"; the name says whether to stop the other(s). */
    private static io.synspring.registry.ConflictOutcome byMeta(String name, Registration first,
            Registration second) {
        Registration winner = "winner".equals(first.meta()) ? first : second;
        switch (name) {
            case "neither":
                return ConflictOutcome.keepNeither();
            case "neither-stop":
                return ConflictOutcome.keepNeitherAndStopBoth();
            case "keep":
                return ConflictOutcome.keep(winner.process());
            case "keep-stop":
                return ConflictOutcome.keepAndStopOther(winner.process());
            default:
                return ConflictResolver.KEEP_MOST_RECENT.resolve("default", name, first, second);
        }
    }

    /** Registers once the clock has passed {@code after}, so registration times are ordered. */
    private static void registerAfter(Registry registry, String name, ProcessRef process, Object meta, long after) {
        await().until(() -> System.currentTimeMillis() > after);
        assertThat(registry.register(name, process, meta)).isEqualTo(RegisterResult.OK);
    }

    private static long time(NodeRegistry node, String name) {
        return node.registry().lookup(name).orElseThrow().time();
    }

    /** The distinct holders of {@code name} across the nodes. */
    private static List<Optional<ProcessRef>> holders(TestCluster cluster, String name) {
        return cluster.nodes().stream().map(node -> node.registry().lookup(name).map(Registration::process))
                .distinct().collect(Collectors.toList());
    }

    /** Waits until every node shows exactly {@code expected} for those names, with matching counts. */
    private static void awaitConverged(TestCluster cluster, Map<String, ProcessRef> expected) {
        await().until(() -> cluster.nodes().stream().allMatch(node -> expected.entrySet().stream().allMatch(
                entry -> node.registry().lookup(entry.getKey()).map(Registration::process)
                        .equals(Optional.of(entry.getValue())))));
        for (NodeRegistry node : cluster.nodes()) {
            await().until(() -> node.registry().count() == expected.size());
        }
    }

    /**
     * Waits until every node holds the others' entries (so the owners of conflicting claims have seen the
     * conflict and withdrawn theirs) and everything sent until then has arrived: each node then joins a
     * group, and a node that sees every node's join has received all they sent before it (one ordered
     * link per pair).
     */
    private static void awaitSettled(TestCluster cluster) {
        List<NodeRegistry> nodes = cluster.nodes();
        await().atMost(Splits.HEAL_TIMEOUT)
                .until(() -> nodes.stream().allMatch(node -> node.unsyncedNodes().isEmpty()));
        for (NodeRegistry node : nodes) {
            node.groups().join("settled", node.spawn((message, ctx) -> {}).ref());
        }
        await().until(() -> nodes.stream().allMatch(node -> node.groups().memberCount("settled") == nodes.size()));
    }

    private static Registry registry(TestCluster cluster, int index) {
        return cluster.node(index).registry();
    }

}
