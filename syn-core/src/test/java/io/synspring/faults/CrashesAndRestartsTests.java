package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.NodeUnavailableException;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Crashes, restarts and joins while the cluster is busy: no lost registration, no stale entry. */
class CrashesAndRestartsTests {

    @Test
    void aNodeJoiningWhileOthersRegisterHeavilyEndsUpWithEveryName() throws Exception {
        TestCluster cluster = new TestCluster(3);
        ExecutorService load = Executors.newFixedThreadPool(4);
        try (cluster) {
            cluster.startNode(0, settings -> settings);
            cluster.startNode(1, settings -> settings);
            cluster.awaitFullyConnected();
            AtomicInteger registered = new AtomicInteger();
            AtomicBoolean joined = new AtomicBoolean();
            List<CompletableFuture<Void>> workers = List.of(0, 1, 0, 1).stream().map(index -> {
                int worker = registered.incrementAndGet();
                return CompletableFuture.runAsync(() -> {
                    NodeRegistry node = cluster.node(index);
                    for (int i = 0; i < 3000 || !joined.get(); i++) {
                        SynProcess process = node.spawn((m, c) -> {});
                        assertThat(node.registry().register("w" + worker + "-" + i, process.ref()))
                                .isEqualTo(RegisterResult.OK);
                        node.groups().join("load", process.ref());
                    }
                }, load);
            }).toList();
            await().until(() -> cluster.node(0).registry().count() > 1000);

            cluster.startNode(2, settings -> settings);
            cluster.awaitFullyConnected();
            joined.set(true);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();

            int total = cluster.node(0).registry().localCount() + cluster.node(1).registry().localCount();
            assertThat(total).isGreaterThanOrEqualTo(4 * 3000);
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.nodes().stream()
                    .allMatch(n -> n.registry().count() == total && n.groups().memberCount("load") == total));
            NetSplitTests.assertConverged(cluster);
        } finally {
            load.shutdownNow();
        }
    }

    @Test
    void aNodeKilledUnderLoadLeavesNoStaleEntryAndTheOthersLoseNothing() throws Exception {
        ExecutorService load = Executors.newSingleThreadExecutor();
        try (TestCluster cluster = TestCluster.start(3)) {
            for (int i = 0; i < 500; i++) {
                SynProcess process = cluster.node(0).spawn((m, c) -> {});
                cluster.node(0).registry().register("survivor-" + i, process.ref());
            }
            NodeRegistry doomed = cluster.node(2);
            NodeId doomedId = doomed.node();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> registering = CompletableFuture.runAsync(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        SynProcess process = doomed.spawn((m, c) -> {});
                        doomed.registry().register("doomed-" + i, process.ref());
                    } catch (RuntimeException nodeIsGone) {
                        return;
                    }
                }
            }, load);
            await().until(() -> cluster.node(0).registry().count(doomedId) > 500);

            cluster.terminate(2);
            stop.set(true);
            registering.exceptionally(e -> null).get();

            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.nodes().stream()
                    .allMatch(n -> n.registry().count(doomedId) == 0 && n.registry().count() == 500));
            NetSplitTests.assertConverged(cluster);
        } finally {
            load.shutdownNow();
        }
    }

    @Test
    void aNodeRestartedAtOnceUnderTheSameNameIsNotConfusedWithItsFormerLife() {
        try (TestCluster cluster = TestCluster.start(3)) {
            NodeRegistry old = cluster.node(2);
            SynProcess oldProcess = old.spawn((m, c) -> {});
            old.registry().register("device", oldProcess.ref());
            old.groups().join("devices", oldProcess.ref());
            NodeId oldId = old.node();
            await().until(() -> cluster.node(0).registry().lookup("device").isPresent());

            cluster.terminate(2);
            NodeRegistry restarted = cluster.startNode(2, settings -> settings);
            SynProcess fresh = restarted.spawn((m, c) -> {});
            assertThat(restarted.registry().register("device", fresh.ref())).isEqualTo(RegisterResult.OK);
            cluster.awaitFullyConnected();

            assertThat(restarted.node().name()).isEqualTo(oldId.name());
            assertThat(restarted.node()).isNotEqualTo(oldId);
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("device")
                    .map(r -> r.process().equals(fresh.ref())).orElse(false) && n.registry().count(oldId) == 0
                    && n.groups().memberCount("devices") == 0));
            assertThat(cluster.node(0).send(oldProcess.ref(), "hello")).isEqualTo(SendResult.NOT_ALIVE);
            // an operation on a process of the former incarnation fails at once instead of waiting for an answer
            assertThatThrownBy(() -> cluster.node(0).registry().register("again", oldProcess.ref()))
                    .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("not a member");
            assertThat(cluster.node(0).send(fresh.ref(), "hello")).isEqualTo(SendResult.SENT);
            NetSplitTests.assertConverged(cluster);
        }
    }

    @Test
    void aGracefulShutdownDropsTheNodesEntriesAtOnce() {
        try (TestCluster cluster = TestCluster.start(3)) {
            NodeRegistry leaving = cluster.node(2);
            NodeId leavingId = leaving.node();
            for (int i = 0; i < 100; i++) {
                SynProcess process = leaving.spawn((m, c) -> {});
                leaving.registry().register("leaving-" + i, process.ref());
            }
            await().until(() -> cluster.node(0).registry().count(leavingId) == 100);

            cluster.shutdown(2);

            // well within the 5 s failure detection: a graceful leave is not detected, it is announced
            await().atMost(Duration.ofSeconds(3)).until(() -> cluster.node(0).registry().count(leavingId) == 0
                    && cluster.node(1).registry().count(leavingId) == 0);
        }
    }
}
