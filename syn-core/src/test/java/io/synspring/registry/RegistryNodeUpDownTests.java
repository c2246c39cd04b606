package io.synspring.registry;

import static io.synspring.registry.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Nodes leaving (crash, graceful shutdown) and appearing with registered processes (a split that heals):
 * the other nodes drop or receive that node's entries at once, with NODE_DOWN / NODE_UP events.
 */
class RegistryNodeUpDownTests {

    @Test
    void crashedNodesEntriesAreDroppedEverywhereWithNodeDown() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            SynProcess survivor = cluster.node(0).spawn((message, ctx) -> {});
            SynProcess doomed1 = cluster.node(2).spawn((message, ctx) -> {});
            SynProcess doomed2 = cluster.node(2).spawn((message, ctx) -> {});
            assertThat(cluster.node(0).registry().register("stays", survivor.ref())).isEqualTo(RegisterResult.OK);
            assertThat(cluster.node(2).registry().register("gone-1", doomed1.ref(), "m1")).isEqualTo(RegisterResult.OK);
            assertThat(cluster.node(2).registry().register("gone-2", doomed1.ref())).isEqualTo(RegisterResult.OK);
            assertThat(cluster.node(2).registry().register("gone-3", doomed2.ref())).isEqualTo(RegisterResult.OK);
            NodeId crashed = cluster.node(2).node();
            await().until(() -> cluster.nodes().stream().allMatch(node -> node.registry().count() == 4));

            cluster.terminate(2);

            for (int i : new int[] {0, 1}) {
                NodeRegistry node = cluster.node(i);
                await().until(() -> node.registry().count(crashed) == 0);
                assertThat(node.registry().lookup("gone-1")).isEmpty();
                assertThat(node.registry().lookup("gone-2")).isEmpty();
                assertThat(node.registry().lookup("gone-3")).isEmpty();
                assertThat(node.registry().namesOf(doomed1.ref())).isEmpty();
                assertThat(node.registry().lookup("stays")).map(Registration::process).contains(survivor.ref());
                assertThat(node.registry().count()).isEqualTo(1);
                assertThat(node.nodes()).doesNotContain(crashed);
                EventLog log = logs.get(i);
                for (String name : List.of("gone-1", "gone-2", "gone-3")) {
                    await().until(() -> log.about(name, SynEvent.Unregistered.class).size() == 1);
                    assertThat(log.about(name, SynEvent.Unregistered.class).get(0).reason())
                            .isEqualTo(new Reason.NodeDown(crashed));
                }
                assertThat(log.about("gone-1", SynEvent.Unregistered.class).get(0).meta()).isEqualTo("m1");
                assertThat(log.about("stays", SynEvent.Unregistered.class)).isEmpty();
            }
            // the crashed node itself fired no NODE_DOWN about its own entries
            assertThat(logs.get(2).all()).noneMatch(event -> event.reason() instanceof Reason.NodeDown);

            // the node comes back (a new incarnation, without processes): it receives the others' entries,
            // and nobody sees anything of its previous life (a listener added after start may miss the NODE_UP
            // events of the first exchange, so they are checked in the merge test below)
            NodeRegistry restarted = cluster.startNode(2, settings -> settings);
            cluster.awaitFullyConnected();
            assertThat(restarted.node()).isNotEqualTo(crashed);
            await().until(() -> restarted.registry().lookup("stays").isPresent());
            assertThat(restarted.registry().count()).isEqualTo(1);
            assertThat(restarted.registry().count(crashed)).isZero();
            SynProcess reborn = restarted.spawn((message, ctx) -> {});
            assertThat(restarted.registry().register("gone-1", reborn.ref())).isEqualTo(RegisterResult.OK);
            await().until(() -> cluster.node(0).registry().lookup("gone-1").map(Registration::process)
                    .filter(reborn.ref()::equals).isPresent());
        }
    }

    @Test
    void gracefullyStoppedNodesEntriesAreDroppedEverywhereWithNodeDown() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            SynProcess leaving = cluster.node(1).spawn((message, ctx) -> {});
            SynProcess staying = cluster.node(2).spawn((message, ctx) -> {});
            cluster.node(1).registry().register("leaves-1", leaving.ref());
            cluster.node(1).registry().register("leaves-2", leaving.ref());
            cluster.node(2).registry().register("remains", staying.ref());
            NodeId stopped = cluster.node(1).node();
            await().until(() -> cluster.nodes().stream().allMatch(node -> node.registry().count() == 3));

            cluster.shutdown(1);

            assertThat(leaving.isAlive()).isFalse();
            for (int i : new int[] {0, 2}) {
                NodeRegistry node = cluster.node(i);
                EventLog log = logs.get(i);
                await().until(() -> node.registry().count() == 1);
                assertThat(node.registry().count(stopped)).isZero();
                assertThat(node.registry().lookup("remains")).isPresent();
                for (String name : List.of("leaves-1", "leaves-2")) {
                    await().until(() -> log.about(name, SynEvent.Unregistered.class).size() == 1);
                    assertThat(log.about(name, SynEvent.Unregistered.class).get(0).reason())
                            .isEqualTo(new Reason.NodeDown(stopped));
                }
            }
        }
    }

    @Test
    void gracefullyStoppedNodeWithManyProcessesIsDroppedWithNodeDownOnly() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            int count = 2000;
            for (int n = 0; n < count; n++) {
                cluster.node(1).registry().register("many-" + n, cluster.node(1).spawn((message, ctx) -> {}).ref());
            }
            NodeId stopped = cluster.node(1).node();
            await().until(() -> cluster.node(0).registry().count() == count
                    && cluster.node(2).registry().count() == count);

            cluster.shutdown(1);

            for (int i : new int[] {0, 2}) {
                EventLog log = logs.get(i);
                await().until(
                        () -> log.all().stream().filter(SynEvent.Unregistered.class::isInstance).count() == count);
                Map<String, Long> reasons = log.all().stream().filter(SynEvent.Unregistered.class::isInstance)
                        .collect(Collectors.groupingBy(event -> event.reason().toString(), Collectors.counting()));
                assertThat(reasons).as("removals by reason on node %d", i + 1)
                        .containsExactly(Map.entry(new Reason.NodeDown(stopped).toString(), (long) count));
            }
        }
    }

    @Test
    void nodeThatJoinsWithRegisteredProcessesShowsThemEverywhereWithNodeUp() {
        // nodes 1 and 2 form a cluster; node 3 forms its own and cannot see them yet
        try (TestCluster cluster = Splits.startSplit(index -> settings -> settings)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            NodeRegistry joiner = cluster.node(2);
            SynProcess inMain = cluster.node(0).spawn((message, ctx) -> {});
            SynProcess j1 = joiner.spawn((message, ctx) -> {});
            SynProcess j2 = joiner.spawn((message, ctx) -> {});
            cluster.node(0).registry().register("main-side", inMain.ref(), "main");
            joiner.registry().register("joiner-1", j1.ref(), "j");
            joiner.registry().register("joiner-2", j1.ref());
            joiner.registry().register("joiner-3", j2.ref());
            await().until(() -> cluster.node(1).registry().lookup("main-side").isPresent());
            assertThat(joiner.registry().count()).isEqualTo(3);
            assertThat(cluster.node(1).registry().count()).isEqualTo(1);

            Splits.heal(cluster);

            await().until(() -> cluster.nodes().stream().allMatch(node -> node.registry().count() == 4));
            NodeId joinerId = joiner.node();
            NodeId mainId = cluster.node(0).node();
            for (int i : new int[] {0, 1}) {
                NodeRegistry node = cluster.node(i);
                assertThat(node.registry().lookup("joiner-1")).hasValueSatisfying(registration -> {
                    assertThat(registration.process()).isEqualTo(j1.ref());
                    assertThat(registration.meta()).isEqualTo("j");
                });
                assertThat(node.registry().count(joinerId)).isEqualTo(3);
                assertThat(node.registry().namesOf(j1.ref())).containsExactlyInAnyOrder("joiner-1", "joiner-2");
                for (String name : List.of("joiner-1", "joiner-2", "joiner-3")) {
                    await().until(() -> logs.get(i).about(name, SynEvent.Registered.class).size() == 1);
                    assertThat(logs.get(i).about(name)).singleElement()
                            .extracting(SynEvent::reason).isEqualTo(new Reason.NodeUp(joinerId));
                }
            }
            assertThat(joiner.registry().lookup("main-side")).map(Registration::process).contains(inMain.ref());
            await().until(() -> logs.get(2).about("main-side").size() == 1);
            assertThat(logs.get(2).about("main-side")).singleElement()
                    .isInstanceOf(SynEvent.Registered.class)
                    .extracting(SynEvent::reason).isEqualTo(new Reason.NodeUp(mainId));
            // the joiner's own entries were not touched by the merge
            assertThat(logs.get(2).about("joiner-1")).singleElement().extracting(SynEvent::reason)
                    .isEqualTo(Reason.NORMAL);
            assertThat(j1.isAlive()).isTrue();

            // after the merge, changes and messages flow both ways as usual
            java.util.Queue<Object> inbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
            SynProcess late = joiner.spawn((message, ctx) -> inbox.add(message));
            assertThat(joiner.registry().register("after-merge", late.ref())).isEqualTo(RegisterResult.OK);
            assertThat(cluster.node(1).registry().unregister("main-side")).isEqualTo(UnregisterResult.OK);
            await().until(() -> cluster.node(0).registry().lookup("after-merge").isPresent()
                    && cluster.node(1).registry().lookup("after-merge").isPresent()
                    && joiner.registry().lookup("main-side").isEmpty());
            assertThat(cluster.node(0).registry().send("after-merge", "hello")).isEqualTo(SendResult.SENT);
            await().until(() -> inbox.contains("hello"));
        }
    }

    @Test
    void aJoinersLargeRegistryArrivesWholeThroughASnapshotInManyParts() {
        try (TestCluster cluster = Splits.startSplit(index -> settings -> settings)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            NodeRegistry joiner = cluster.node(2);
            int count = 20_000; // about 700 KB of snapshot: several parts
            for (int n = 0; n < count; n++) {
                SynProcess process = joiner.spawn((message, ctx) -> {});
                joiner.registry().register("device-" + n, process.ref(), n % 2 == 0 ? "meta-" + n : null);
                joiner.groups().join("group-" + n % 7, process.ref());
            }

            Splits.heal(cluster);

            NodeId joinerId = joiner.node();
            for (int i : new int[] {0, 1}) {
                NodeRegistry node = cluster.node(i);
                await().until(() -> node.registry().count(joinerId) == count
                        && node.groups().memberCount("group-0") == (count + 6) / 7);
                assertThat(node.registry().lookup("device-" + (count - 2)).map(Registration::meta))
                        .contains("meta-" + (count - 2));
                EventLog log = logs.get(i);
                await().until(() -> log.all().stream().filter(SynEvent.Registered.class::isInstance).count() == count);
                assertThat(log.all())
                        .allSatisfy(event -> assertThat(event.reason()).isEqualTo(new Reason.NodeUp(joinerId)))
                        .noneMatch(SynEvent.Unregistered.class::isInstance);
            }
        }
    }
}
