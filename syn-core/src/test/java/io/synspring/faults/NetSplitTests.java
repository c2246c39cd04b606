package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent.Registered;
import io.synspring.events.SynEvent.Unregistered;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.ConflictOutcome;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Net splits between real members: each side drops the other, keeps working, and converges after the heal. */
class NetSplitTests {

    @Test
    void fullSplitEachSideDropsTheOtherAndTheHealKeepsOneHolderPerName() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            NodeId a = cluster.node(0).node();
            NodeId b = cluster.node(1).node();
            SynProcess onA = cluster.node(0).spawn((m, c) -> {});
            SynProcess onB = cluster.node(1).spawn((m, c) -> {});
            cluster.node(0).registry().register("a-before", onA.ref());
            cluster.node(1).registry().register("b-before", onB.ref());
            cluster.node(0).groups().join("g", onA.ref());
            cluster.node(1).groups().join("g", onB.ref());
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().count() == 2));
            logs.forEach(EventLog::clear);

            cluster.split(0);

            await().until(() -> cluster.node(0).registry().count() == 1 && cluster.node(1).registry().count() == 1
                    && cluster.node(2).registry().count() == 1);
            assertThat(cluster.node(0).registry().lookup("b-before")).isEmpty();
            assertThat(cluster.node(2).registry().lookup("a-before")).isEmpty();
            // NODE_DOWN on the right nodes only: A saw B's entries go, B and C saw A's entries go
            await().until(() -> logs.stream().allMatch(log -> log.of(Unregistered.class).size() == 1));
            assertThat(logs.get(0).of(Unregistered.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo(new Reason.NodeDown(b)));
            for (int i = 1; i < 3; i++) {
                assertThat(logs.get(i).of(Unregistered.class)).singleElement()
                        .satisfies(e -> assertThat(e.reason()).isEqualTo(new Reason.NodeDown(a)));
            }

            // both sides keep working, and both register the same name
            AtomicReference<ExitReason> loserExit = new AtomicReference<>();
            SynProcess dupA = cluster.node(0).spawn((m, c) -> {});
            dupA.onExit(loserExit::set);
            assertThat(cluster.node(0).registry().register("dup", dupA.ref(), "side-a")).isEqualTo(RegisterResult.OK);
            await().pollDelay(Duration.ofMillis(5)).until(() -> true); // registration times must differ
            SynProcess dupB = cluster.node(2).spawn((m, c) -> {});
            assertThat(cluster.node(2).registry().register("dup", dupB.ref(), "side-bc")).isEqualTo(RegisterResult.OK);
            SynProcess lateA = cluster.node(0).spawn((m, c) -> {});
            cluster.node(0).groups().join("g", lateA.ref());
            logs.forEach(EventLog::clear);

            cluster.heal();

            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().count() == 3
                    && n.registry().lookup("dup").map(r -> r.process().equals(dupB.ref())).orElse(false)));
            await().until(() -> loserExit.get() != null);
            assertThat(loserExit.get()).isEqualTo(new ExitReason.ConflictResolved("default", "dup"));
            assertThat(dupA.isAlive()).isFalse();
            assertThat(dupB.isAlive()).isTrue();
            // on A the name moved from its own process to the winner, by conflict resolution
            await().until(() -> !logs.get(0).of(Registered.class, e -> e.name().equals("dup")).isEmpty());
            assertThat(logs.get(0).of(Unregistered.class, e -> e.name().equals("dup"))).singleElement()
                    .satisfies(e -> {
                        assertThat(e.process()).isEqualTo(dupA.ref());
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT_RESOLUTION);
                    });
            assertThat(logs.get(0).of(Registered.class, e -> e.name().equals("dup"))).singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT_RESOLUTION));
            // the other side's entries came back with NODE_UP
            assertThat(logs.get(1).of(Registered.class, e -> e.name().equals("a-before"))).singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo(new Reason.NodeUp(a)));
            // groups union
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.groups().memberCount("g") == 3));
            for (NodeRegistry node : cluster.nodes()) {
                assertThat(node.groups().members("g")).extracting(Membership::process)
                        .containsExactlyInAnyOrder(onA.ref(), onB.ref(), lateA.ref());
            }
            assertConverged(cluster);
        }
    }

    @Test
    void aCustomResolverDecidesTheHealTheSameOnEveryNode() {
        TestCluster cluster = new TestCluster(3);
        try (cluster) {
            for (int i = 0; i < 3; i++) {
                // keep the candidate with the higher priority in its metadata, stop nobody
                cluster.startNode(i, settings -> settings.conflictResolver((scope, name, first, second) -> {
                    int p1 = (Integer) ((Map<?, ?>) first.meta()).get("priority");
                    int p2 = (Integer) ((Map<?, ?>) second.meta()).get("priority");
                    return ConflictOutcome.keep(p1 >= p2 ? first.process() : second.process());
                }));
            }
            cluster.awaitFullyConnected();
            cluster.split(0);
            SynProcess important = cluster.node(0).spawn((m, c) -> {});
            SynProcess ordinary = cluster.node(1).spawn((m, c) -> {});
            cluster.node(1).registry().register("device", ordinary.ref(), Map.of("priority", 1));
            cluster.node(0).registry().register("device", important.ref(), Map.of("priority", 9));

            cluster.heal();

            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("device")
                    .map(r -> r.process().equals(important.ref())).orElse(false)));
            assertThat(ordinary.isAlive()).as("keep without stop leaves the loser running").isTrue();
            await().until(() -> cluster.node(1).registry().namesOf(ordinary.ref()).isEmpty());
            assertConverged(cluster);
        }
    }

    @Test
    void aPartialSplitConvergesAfterTheHeal() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<SynProcess> processes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SynProcess process = cluster.node(i).spawn((m, c) -> {});
                processes.add(process);
                cluster.node(i).registry().register("p" + i, process.ref());
                cluster.node(i).groups().join("all", process.ref());
            }
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().count() == 3));

            // A-B broken, C sees both: Hazelcast removes members until the rest is fully connected
            cluster.cut(0, 1);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.nodes().stream().anyMatch(n -> n.nodes().size() < 3));
            SynProcess during = cluster.node(2).spawn((m, c) -> {});
            cluster.node(2).registry().register("during", during.ref());

            cluster.heal();

            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().count() == 4
                    && n.groups().memberCount("all") == 3));
            assertConverged(cluster);
        }
    }

    @Test
    void aProcessThatDiesDuringTheSplitIsGoneEverywhereAfterTheHeal() {
        try (TestCluster cluster = TestCluster.start(3)) {
            SynProcess doomed = cluster.node(0).spawn((m, c) -> {});
            cluster.node(0).registry().register("doomed", doomed.ref());
            cluster.node(0).groups().join("g", doomed.ref());
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("doomed").isPresent()));

            cluster.split(0);
            doomed.exit(ExitReason.KILLED);
            await().until(() -> cluster.node(0).registry().lookup("doomed").isEmpty());
            cluster.heal();

            await().until(() -> cluster.nodes().stream().allMatch(n -> n.nodes().size() == 3));
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("doomed").isEmpty()
                    && n.groups().memberCount("g") == 0));
            assertConverged(cluster);
        }
    }

    @Test
    void aNodeRestartedDuringTheSplitIsANewIncarnation() {
        try (TestCluster cluster = TestCluster.start(3)) {
            SynProcess old = cluster.node(0).spawn((m, c) -> {});
            cluster.node(0).registry().register("old", old.ref());
            NodeId oldIncarnation = cluster.node(0).node();
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("old").isPresent()));

            cluster.split(0);
            cluster.terminate(0);
            NodeRegistry restarted = cluster.restartOnNewPort(0, settings -> settings);
            assertThat(restarted.node().name()).isEqualTo(oldIncarnation.name());
            assertThat(restarted.node()).isNotEqualTo(oldIncarnation);
            SynProcess fresh = restarted.spawn((m, c) -> {});
            restarted.registry().register("fresh", fresh.ref());

            cluster.awaitFullyConnected();
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("fresh").isPresent()
                    && n.registry().lookup("old").isEmpty() && n.registry().count(oldIncarnation) == 0));
            assertConverged(cluster);
        }
    }

    /** Every node holds the same registry and groups, and every name belongs to a live process. */
    static void assertConverged(TestCluster cluster) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<NodeRegistry> nodes = cluster.nodes();
            NodeRegistry first = nodes.get(0);
            List<Registration> expected = sorted(first);
            for (NodeRegistry node : nodes) {
                assertThat(sorted(node)).isEqualTo(expected);
                assertThat(node.groups().groupNames()).isEqualTo(first.groups().groupNames());
                for (String group : first.groups().groupNames()) {
                    assertThat(node.groups().members(group)).containsExactlyInAnyOrderElementsOf(
                            first.groups().members(group));
                }
            }
            for (Registration registration : expected) {
                ProcessRef process = registration.process();
                NodeRegistry owner =
                        nodes.stream().filter(n -> n.node().equals(process.node())).findFirst().orElseThrow();
                assertThat(owner.process(process)).as("holder of %s is alive", registration.name()).isPresent();
            }
        });
    }

    private static List<Registration> sorted(NodeRegistry node) {
        return node.registry().registrations().sorted(Comparator.comparing(Registration::name))
                .collect(Collectors.toList());
    }

}
