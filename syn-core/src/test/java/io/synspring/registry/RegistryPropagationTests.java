package io.synspring.registry;

import static io.synspring.registry.Awaits.await;
import static io.synspring.testing.EventAssertions.assertThatEvent;
import static io.synspring.testing.EventAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.process.ExitReason;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registry operations on a 3-node cluster: what one node does is seen, with the same events, on every node.
 * The cluster is shared; each test uses its own names (and its own scope where it counts).
 */
class RegistryPropagationTests {

    private static TestCluster cluster;
    private static List<EventLog> logs;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(3, "counts");
        logs = EventLog.onEveryNode(cluster);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static NodeRegistry node(int index) {
        return cluster.node(index);
    }

    private static Registry registry(int index) {
        return node(index).registry();
    }

    private static SynProcess idle(int node) {
        return node(node).spawn((message, ctx) -> {});
    }

    /** Waits until every node has fired {@code count} events about {@code name}. */
    private static void awaitEvents(String name, int count) {
        await().until(() -> logs.stream().allMatch(log -> log.about(name).size() >= count));
    }

    @Test
    void registrationIsVisibleOnEveryNodeWithNodeMetaAndTime() {
        SynProcess process = idle(0);
        long before = System.currentTimeMillis();
        assertThat(registry(0).register("prop-register", process.ref(), Map.of("fw", "1.2")))
                .isEqualTo(RegisterResult.OK);
        // the registering node reads its own write at once
        Registration local = registry(0).lookup("prop-register").orElseThrow();
        assertThat(local.time()).isBetween(before, System.currentTimeMillis());

        for (int i = 0; i < 3; i++) {
            Registry registry = registry(i);
            await().until(() -> registry.lookup("prop-register").isPresent());
            Registration seen = registry.lookup("prop-register").orElseThrow();
            assertThat(seen.name()).isEqualTo("prop-register");
            assertThat(seen.process()).isEqualTo(process.ref());
            assertThat(seen.node()).isEqualTo(node(0).node());
            assertThat(seen.meta()).isEqualTo(Map.of("fw", "1.2"));
            assertThat(seen.time()).isEqualTo(local.time());
        }
        awaitEvents("prop-register", 1);
        for (EventLog log : logs) {
            assertThatEvents(log.about("prop-register")).containsExactly(new SynEvent.Registered(
                    "default", "prop-register", process.ref(), Map.of("fw", "1.2"), Reason.NORMAL));
        }
    }

    @Test
    void reRegisteringWithOtherMetaUpdatesEverywhereAndIdenticalMetaChangesNothing() {
        Instant start = Instant.now();
        SynProcess process = idle(1);
        assertThat(registry(1).register("prop-meta", process.ref(), "v1")).isEqualTo(RegisterResult.OK);
        awaitEvents("prop-meta", 1);

        assertThat(registry(1).register("prop-meta", process.ref(), "v2")).isEqualTo(RegisterResult.OK);
        assertThat(registry(1).lookup("prop-meta")).map(Registration::meta).contains("v2");
        awaitEvents("prop-meta", 2);
        // identical metadata again: OK, but no write and no event anywhere
        assertThat(registry(1).register("prop-meta", process.ref(), "v2")).isEqualTo(RegisterResult.OK);
        // also when asked from another node
        assertThat(registry(2).register("prop-meta", process.ref(), "v2")).isEqualTo(RegisterResult.OK);
        // a later change is the barrier: once seen, an event for the no-ops would have been seen before it
        assertThat(registry(1).register("prop-meta", process.ref(), "v3")).isEqualTo(RegisterResult.OK);
        awaitEvents("prop-meta", 3);
        Instant end = Instant.now();

        for (int i = 0; i < 3; i++) {
            assertThatEvents(logs.get(i).about("prop-meta")).containsExactly(
                    new SynEvent.Registered("default", "prop-meta", process.ref(), "v1", Reason.NORMAL),
                    new SynEvent.RegistryUpdated("default", "prop-meta", process.ref(), "v2", "v1", Reason.NORMAL),
                    new SynEvent.RegistryUpdated("default", "prop-meta", process.ref(), "v3", "v2", Reason.NORMAL));
            assertThat(registry(i).lookup("prop-meta")).map(Registration::meta).contains("v3");
            // each node stamps its events when it applies the change
            assertThat(logs.get(i).about("prop-meta")).extracting(SynEvent::time).isSorted()
                    .allSatisfy(time -> assertThat(time).isBetween(start, end));
        }
    }

    @Test
    void unregisteringFromAnyNodeRemovesTheNameEverywhere() {
        SynProcess process = idle(0);
        registry(0).register("prop-unregister", process.ref(), "meta");
        awaitEvents("prop-unregister", 1);

        // node 3 asks; node 1, which runs the process, performs it
        assertThat(registry(2).unregister("prop-unregister")).isEqualTo(UnregisterResult.OK);

        awaitEvents("prop-unregister", 2);
        for (int i = 0; i < 3; i++) {
            assertThat(registry(i).lookup("prop-unregister")).isEmpty();
            assertThatEvents(logs.get(i).about("prop-unregister")).containsExactly(
                    new SynEvent.Registered("default", "prop-unregister", process.ref(), "meta", Reason.NORMAL),
                    new SynEvent.Unregistered("default", "prop-unregister", process.ref(), "meta", Reason.NORMAL));
        }
        assertThat(process.isAlive()).as("unregistering does not stop the process").isTrue();
        // the name is free again, for another process
        assertThat(registry(1).register("prop-unregister", idle(1).ref())).isEqualTo(RegisterResult.OK);
    }

    @Test
    void processHoldsSeveralNamesAndEveryNodeCountsThemPerNode() {
        SynProcess a = idle(0);
        SynProcess b = idle(1);
        NodeRegistry n0 = node(0);
        NodeRegistry n1 = node(1);
        for (String name : List.of("c-a1", "c-a2", "c-a3")) {
            assertThat(n0.registry("counts").register(name, a.ref())).isEqualTo(RegisterResult.OK);
        }
        for (String name : List.of("c-b1", "c-b2")) {
            // registered from node 3 for node 2's process
            assertThat(node(2).registry("counts").register(name, b.ref())).isEqualTo(RegisterResult.OK);
        }

        for (int i = 0; i < 3; i++) {
            Registry counts = node(i).registry("counts");
            await().until(() -> counts.count() == 5);
            assertThat(counts.count(n0.node())).isEqualTo(3);
            assertThat(counts.count(n1.node())).isEqualTo(2);
            assertThat(counts.count(node(2).node())).isZero();
            assertThat(counts.localCount()).isEqualTo(i == 0 ? 3 : i == 1 ? 2 : 0);
            assertThat(counts.namesOf(a.ref())).containsExactlyInAnyOrder("c-a1", "c-a2", "c-a3");
            assertThat(counts.namesOf(b.ref())).containsExactlyInAnyOrder("c-b1", "c-b2");
            assertThat(counts.lookup("c-a2")).map(Registration::process).contains(a.ref());
            // other scopes are independent
            assertThat(node(i).registry().namesOf(a.ref())).isEmpty();
        }

        assertThat(n0.registry("counts").unregister("c-a2")).isEqualTo(UnregisterResult.OK);
        for (int i = 0; i < 3; i++) {
            Registry counts = node(i).registry("counts");
            await().until(() -> counts.count() == 4);
            assertThat(counts.count(n0.node())).isEqualTo(2);
            assertThat(counts.namesOf(a.ref())).containsExactlyInAnyOrder("c-a1", "c-a3");
        }
        // the scope's events carry the scope
        await().until(() -> logs.get(2).about("c-b1").size() == 1);
        assertThat(logs.get(2).about("c-b1")).singleElement().extracting(SynEvent::scope).isEqualTo("counts");
    }

    @Test
    void sendByNameReachesTheProcessFromEveryNode() {
        Queue<Object> received = new ConcurrentLinkedQueue<>();
        SynProcess process = node(1).spawn((message, ctx) -> received.add(message));
        registry(1).register("prop-send", process.ref());
        awaitEvents("prop-send", 1);

        for (int i = 0; i < 3; i++) {
            assertThat(registry(i).send("prop-send", "hello from " + i)).isEqualTo(SendResult.SENT);
        }

        await().until(() -> received.size() == 3);
        assertThat(received).containsExactlyInAnyOrder("hello from 0", "hello from 1", "hello from 2");
        for (int i = 0; i < 3; i++) {
            assertThat(registry(i).send("prop-send-nobody", "lost")).isEqualTo(SendResult.NO_SUCH_NAME);
        }
    }

    @Test
    void registeringAProcessOfAnotherNodeIsDoneByThatNode() {
        SynProcess remote = idle(2);
        NodeId owner = node(2).node();

        assertThat(registry(0).register("prop-routed", remote.ref(), "from node 1")).isEqualTo(RegisterResult.OK);

        // the owner had it before the call returned
        assertThat(registry(2).lookup("prop-routed")).map(Registration::meta).contains("from node 1");
        for (int i = 0; i < 3; i++) {
            Registry registry = registry(i);
            await().until(() -> registry.lookup("prop-routed").isPresent());
            assertThat(registry.lookup("prop-routed").orElseThrow().node()).isEqualTo(owner);
        }
        awaitEvents("prop-routed", 1);
        for (EventLog log : logs) {
            assertThatEvents(log.about("prop-routed")).containsExactly(new SynEvent.Registered(
                    "default", "prop-routed", remote.ref(), "from node 1", Reason.NORMAL));
        }
        // a metadata change routed the same way
        assertThat(registry(1).register("prop-routed", remote.ref(), "from node 2")).isEqualTo(RegisterResult.OK);
        awaitEvents("prop-routed", 2);
        assertThatEvent(logs.get(0).about("prop-routed").get(1)).isEqualTo(new SynEvent.RegistryUpdated(
                "default", "prop-routed", remote.ref(), "from node 2", "from node 1", Reason.NORMAL));
    }

    @Test
    void updateRunsOnTheOwnerAtomicallyAndPropagatesWithThePreviousMeta() throws Exception {
        SynProcess process = idle(0);
        registry(0).register("prop-update", process.ref(), 0);
        awaitEvents("prop-update", 1);

        // local and routed updates, concurrently from every node: none is lost
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Registry registry = registry(i);
                done.add(callers.submit(() -> {
                    for (int n = 0; n < 10; n++) {
                        UpdateResult result = registry.update("prop-update", (ref, meta) -> (Integer) meta + 1);
                        assertThat(result.status()).isEqualTo(UpdateResult.Status.OK);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            callers.shutdownNow();
        }

        for (int i = 0; i < 3; i++) {
            Registry registry = registry(i);
            await().until(() -> registry.lookup("prop-update").map(Registration::meta).orElse(-1).equals(30));
        }
        awaitEvents("prop-update", 31);
        for (EventLog log : logs) {
            List<SynEvent.RegistryUpdated> updates = log.about("prop-update", SynEvent.RegistryUpdated.class);
            assertThat(updates).hasSize(30);
            for (int n = 0; n < 30; n++) {
                assertThat(updates.get(n).previousMeta()).isEqualTo(n);
                assertThat(updates.get(n).meta()).isEqualTo(n + 1);
                assertThat(updates.get(n).reason()).isEqualTo(Reason.NORMAL);
            }
        }
        // the result carries the registration as updated
        UpdateResult result = registry(1).update("prop-update", (ref, meta) -> "final");
        assertThat(result.isOk()).isTrue();
        assertThat(result.registration()).isNotNull();
        assertThat(result.registration().meta()).isEqualTo("final");
        assertThat(result.registration().process()).isEqualTo(process.ref());
    }

    @Test
    void updateToEqualMetaWritesNothing() {
        SynProcess process = idle(2);
        registry(2).register("prop-update-same", process.ref(), "same");
        awaitEvents("prop-update-same", 1);

        assertThat(registry(2).update("prop-update-same", (ref, meta) -> "same").isOk()).isTrue();
        assertThat(registry(0).update("prop-update-same", (ref, meta) -> meta).isOk()).isTrue();
        registry(2).update("prop-update-same", (ref, meta) -> "changed");
        awaitEvents("prop-update-same", 2);

        for (EventLog log : logs) {
            assertThat(log.about("prop-update-same")).hasSize(2);
            assertThat(log.about("prop-update-same").get(1))
                    .isInstanceOf(SynEvent.RegistryUpdated.class).extracting(SynEvent::meta).isEqualTo("changed");
        }
    }

    @Test
    void anExceptionThrownByTheUpdateFunctionReachesTheCallerLocalAndRemote() {
        SynProcess process = idle(0);
        registry(0).register("prop-update-fails", process.ref(), "kept");
        awaitEvents("prop-update-fails", 1);

        assertThatThrownBy(() -> registry(0).update("prop-update-fails", (ref, meta) -> {
            throw new IllegalStateException("no way (local)");
        })).isInstanceOf(IllegalStateException.class).hasMessage("no way (local)");
        assertThatThrownBy(() -> registry(1).update("prop-update-fails", (ref, meta) -> {
            throw new IllegalStateException("no way (remote)");
        })).isInstanceOf(IllegalStateException.class).hasMessage("no way (remote)");

        registry(0).update("prop-update-fails", (ref, meta) -> "barrier");
        awaitEvents("prop-update-fails", 2);
        for (int i = 0; i < 3; i++) {
            assertThat(logs.get(i).about("prop-update-fails")).hasSize(2);
        }
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void processExitRemovesAllItsNamesEverywhereWithItsExitReason() {
        SynProcess stopped = idle(0);
        SynProcess killed = idle(1);
        SynProcess crashing = node(2).spawn((message, ctx) -> {
            throw new IllegalStateException("handler failed on " + message);
        });
        registry(0).register("exit-stopped-1", stopped.ref(), "s");
        registry(0).register("exit-stopped-2", stopped.ref());
        registry(1).register("exit-killed", killed.ref());
        registry(2).register("exit-crashed", crashing.ref(), "c");
        for (String name : List.of("exit-stopped-1", "exit-stopped-2", "exit-killed", "exit-crashed")) {
            awaitEvents(name, 1);
        }

        stopped.stop();
        killed.exit(ExitReason.KILLED);
        crashing.tell("boom");
        // on its own node, a process that has exited is not returned, even before its cleanup has run
        assertThat(registry(0).lookup("exit-stopped-1")).isEmpty();
        assertThat(registry(1).lookup("exit-killed")).isEmpty();

        ExitReason crash = new ExitReason.Crashed(IllegalStateException.class.getName(), "handler failed on boom");
        await().until(() -> crashing.exitReason().isPresent());
        assertThat(crashing.exitReason()).contains(crash);
        Map<String, Consumer<SynEvent.Unregistered>> expected = Map.of(
                "exit-stopped-1", event -> assertThatEvent(event).isEqualTo(new SynEvent.Unregistered(
                        "default", "exit-stopped-1", stopped.ref(), "s", new Reason.ProcessExited(ExitReason.NORMAL))),
                "exit-stopped-2", event -> assertThat(event.reason())
                        .isEqualTo(new Reason.ProcessExited(ExitReason.NORMAL)),
                "exit-killed", event -> assertThat(event.reason())
                        .isEqualTo(new Reason.ProcessExited(ExitReason.KILLED)),
                "exit-crashed", event -> assertThatEvent(event).isEqualTo(new SynEvent.Unregistered(
                        "default", "exit-crashed", crashing.ref(), "c", new Reason.ProcessExited(crash))));
        expected.forEach((name, check) -> {
            awaitEvents(name, 2);
            for (int i = 0; i < 3; i++) {
                assertThat(registry(i).lookup(name)).isEmpty();
                List<SynEvent.Unregistered> removals = logs.get(i).about(name, SynEvent.Unregistered.class);
                assertThat(removals).hasSize(1);
                check.accept(removals.get(0));
            }
        });
        for (int i = 0; i < 3; i++) {
            assertThat(registry(i).namesOf(stopped.ref())).isEmpty();
            assertThat(registry(i).send("exit-killed", "anyone?")).isEqualTo(SendResult.NO_SUCH_NAME);
        }
    }
}
