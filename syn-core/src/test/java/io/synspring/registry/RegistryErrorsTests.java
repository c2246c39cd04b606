package io.synspring.registry;

import static io.synspring.registry.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synspring.NodeRegistry;
import io.synspring.events.SynEvent;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every outcome a caller must check (TAKEN, NOT_ALIVE, UNDEFINED, RACE_CONDITION, NO_SUCH_NAME) and every
 * misuse that throws at the call (invalid names, metadata or messages that cannot cross the wire).
 */
class RegistryErrorsTests {

    private static TestCluster cluster;
    private static List<EventLog> logs;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(3);
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

    private static void awaitEverywhere(String name) {
        await().until(() -> cluster.nodes().stream().allMatch(node -> node.registry().lookup(name).isPresent()));
    }

    @Test
    void aNameHeldByAnotherLiveProcessIsTakenWhereverTheCallComesFrom() {
        SynProcess holder = idle(0);
        registry(0).register("err-taken", holder.ref(), "first");
        awaitEverywhere("err-taken");

        assertThat(registry(0).register("err-taken", idle(0).ref())).isEqualTo(RegisterResult.TAKEN);
        // a process of node 2, asked on node 2 and routed from node 3
        assertThat(registry(1).register("err-taken", idle(1).ref())).isEqualTo(RegisterResult.TAKEN);
        assertThat(registry(2).register("err-taken", idle(1).ref())).isEqualTo(RegisterResult.TAKEN);

        for (int i = 0; i < 3; i++) {
            assertThat(registry(i).lookup("err-taken")).map(Registration::meta).contains("first");
        }
        assertThat(logs.get(0).about("err-taken")).hasSize(1);
    }

    @Test
    void anExitedProcessIsNotAlive() {
        SynProcess local = idle(0);
        SynProcess remote = idle(2);
        local.stop();
        remote.stop();

        assertThat(registry(0).register("err-dead-local", local.ref())).isEqualTo(RegisterResult.NOT_ALIVE);
        assertThat(registry(0).register("err-dead-remote", remote.ref())).isEqualTo(RegisterResult.NOT_ALIVE);
        assertThat(registry(0).lookup("err-dead-local")).isEmpty();
        assertThat(registry(2).lookup("err-dead-remote")).isEmpty();
        assertThat(registry(0).send("err-dead-local", "hi")).isEqualTo(SendResult.NO_SUCH_NAME);
    }

    @Test
    void unregisteringOrUpdatingAnUnknownNameIsUndefined() {
        for (int i = 0; i < 3; i++) {
            assertThat(registry(i).unregister("err-never-registered")).isEqualTo(UnregisterResult.UNDEFINED);
            assertThat(registry(i).update("err-never-registered", (ref, meta) -> "x"))
                    .isEqualTo(UpdateResult.of(UpdateResult.Status.UNDEFINED));
        }
        // and a name that was registered, once it is gone
        SynProcess process = idle(1);
        registry(1).register("err-gone", process.ref());
        awaitEverywhere("err-gone");
        assertThat(registry(0).unregister("err-gone")).isEqualTo(UnregisterResult.OK);
        assertThat(registry(1).unregister("err-gone")).isEqualTo(UnregisterResult.UNDEFINED);
        assertThat(registry(1).update("err-gone", (ref, meta) -> "x").status())
                .isEqualTo(UpdateResult.Status.UNDEFINED);
    }

    /**
     * Node 2's replica is held back ({@link #holdBack}), so it still shows the name held by the process that
     * held it before; the owner, node 1, has meanwhile given the name to another of its
     * processes. Unregister and update asked on node 2 reach node 1 about the old holder: RACE_CONDITION.
     */
    @Test
    void whenTheLocalReplicaIsBehindTheOwnerUnregisterAndUpdateReportARaceCondition() throws Exception {
        SynProcess before = idle(0);
        SynProcess after = idle(0);
        registry(0).register("err-race-unregister", before.ref());
        registry(0).register("err-race-update", before.ref());
        awaitEverywhere("err-race-unregister");
        awaitEverywhere("err-race-update");

        CountDownLatch release = new CountDownLatch(1);
        try {
            holdBack(1, release);
            for (String name : List.of("err-race-unregister", "err-race-update")) {
                assertThat(registry(0).unregister(name)).isEqualTo(UnregisterResult.OK);
                assertThat(registry(0).register(name, after.ref())).isEqualTo(RegisterResult.OK);
            }
            // node 3 follows; node 2 is behind
            await().until(() -> registry(2).lookup("err-race-update").map(Registration::process)
                    .filter(after.ref()::equals).isPresent());
            assertThat(registry(1).lookup("err-race-unregister")).map(Registration::process).contains(before.ref());

            CompletableFuture<UnregisterResult> unregister = callBehind(() -> registry(1).unregister(
                    "err-race-unregister"), release);
            assertThat(unregister.get(30, TimeUnit.SECONDS)).isEqualTo(UnregisterResult.RACE_CONDITION);
        } finally {
            release.countDown();
        }
        // the same for update, once more holding node 2 back
        CountDownLatch releaseAgain = new CountDownLatch(1);
        await().until(() -> registry(1).lookup("err-race-unregister").map(Registration::process)
                .filter(after.ref()::equals).isPresent());
        SynProcess third = idle(0);
        try {
            holdBack(1, releaseAgain);
            // node 2 still sees "after" on err-race-update only if it applied the earlier swap: it did (above)
            assertThat(registry(1).lookup("err-race-update").map(Registration::process)).contains(after.ref());
            assertThat(registry(0).unregister("err-race-update")).isEqualTo(UnregisterResult.OK);
            assertThat(registry(0).register("err-race-update", third.ref())).isEqualTo(RegisterResult.OK);
            CompletableFuture<UpdateResult> update = callBehind(() -> registry(1).update("err-race-update",
                    (ref, meta) -> "never applied"), releaseAgain);
            assertThat(update.get(30, TimeUnit.SECONDS).status()).isEqualTo(UpdateResult.Status.RACE_CONDITION);
        } finally {
            releaseAgain.countDown();
        }
        await().until(() -> registry(1).lookup("err-race-update").map(Registration::process)
                .filter(third.ref()::equals).isPresent());
        assertThat(registry(1).lookup("err-race-update").orElseThrow().meta()).isNull();
    }

    /**
     * Holds back what {@code node} receives until {@code release}: its workers are all busy in handlers, and
     * an update function that waits holds its scope lock, so neither a worker nor the link's thread (which
     * never waits for the lock) applies a change from another node meanwhile.
     */
    private static void holdBack(int node, CountDownLatch release) throws InterruptedException {
        int workers = node(node).settings().workerThreads();
        CountDownLatch busy = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            node(node).spawn((message, ctx) -> {
                busy.countDown();
                release.await(30, TimeUnit.SECONDS);
            }).tell("block");
        }
        assertThat(busy.await(10, TimeUnit.SECONDS)).as("the node's workers are all busy").isTrue();
        String name = "err-lock-holder-" + System.nanoTime();
        registry(node).register(name, idle(node).ref());
        CountDownLatch holding = new CountDownLatch(1);
        Thread holder = new Thread(() -> registry(node).update(name, (ref, meta) -> {
            holding.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return meta;
        }), "scope-lock-holder");
        holder.start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).as("the node's scope lock is held").isTrue();
    }

    /**
     * Calls {@code call} on its own thread; once the thread waits for the owner's answer (so it has read the
     * stale local replica and sent its request), releases the held-back node so the answer can be handled.
     */
    private static <T> CompletableFuture<T> callBehind(java.util.concurrent.Callable<T> call, CountDownLatch release) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "stale-caller");
        caller.start();
        await().until(() -> caller.getState() == Thread.State.TIMED_WAITING || result.isDone());
        release.countDown();
        return result;
    }

    @Test
    void invalidNamesAreRejectedAtTheCallWithAClearMessage() {
        SynProcess process = idle(0);
        registry(0).register("err-valid", process.ref());
        String tooLong = "n".repeat(node(0).settings().maxNameLength() + 1);
        List<Consumer<String>> calls = List.of(
                name -> registry(0).register(name, process.ref()),
                name -> registry(0).register(name, process.ref(), "meta"),
                name -> registry(1).unregister(name),
                name -> registry(2).lookup(name),
                name -> registry(1).update(name, (ref, meta) -> meta),
                name -> registry(0).send(name, "message"));
        for (Consumer<String> call : calls) {
            assertThatThrownBy(() -> call.accept(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the name must not be null");
            assertThatThrownBy(() -> call.accept("")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the name must not be blank");
            assertThatThrownBy(() -> call.accept(" \t ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the name must not be blank");
            assertThatThrownBy(() -> call.accept(tooLong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the name is " + tooLong.length() + " characters long, more than the "
                            + (tooLong.length() - 1) + " allowed");
        }
        // the longest allowed name is fine
        String longest = tooLong.substring(1);
        assertThat(registry(0).register(longest, process.ref())).isEqualTo(RegisterResult.OK);
        await().until(() -> registry(2).lookup(longest).isPresent());
        assertThatThrownBy(() -> registry(0).register("err-null-process", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("process");
        assertThatThrownBy(() -> registry(0).update("err-valid", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("update");
    }

    @Test
    void metadataThatCannotCrossTheWireIsRejectedAtTheCall() {
        SynProcess local = idle(0);
        SynProcess remote = idle(1);
        Object notSerializable = new Object();
        for (SynProcess process : List.of(local, remote)) {
            assertThatThrownBy(() -> registry(0).register("err-meta", process.ref(), notSerializable))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the metadata of type java.lang.Object cannot be serialized");
            assertThatThrownBy(() -> registry(0).register("err-meta", process.ref(), new byte[100_000]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than the 65536 allowed");
            assertThatThrownBy(() -> registry(0).register("err-meta", process.ref(), "x".repeat(70_000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than the 65536 allowed");
        }
        assertThat(registry(0).lookup("err-meta")).isEmpty();
        assertThat(registry(1).lookup("err-meta")).isEmpty();

        // an update function's result is checked too, on the owner, and the error reaches the caller
        registry(0).register("err-meta-update", local.ref(), "fine");
        awaitEverywhere("err-meta-update");
        for (int caller = 0; caller < 2; caller++) {
            Registry registry = registry(caller);
            assertThatThrownBy(() -> registry.update("err-meta-update", (ref, meta) -> new NotSerializable()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the updated metadata of type " + NotSerializable.class.getName()
                            + " cannot be serialized");
            assertThatThrownBy(() -> registry.update("err-meta-update", (ref, meta) -> new byte[70_000]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than the 65536 allowed");
        }
        assertThat(registry(0).lookup("err-meta-update")).map(Registration::meta).contains("fine");
        registry(0).update("err-meta-update", (ref, meta) -> "barrier");
        await().until(() -> logs.stream().allMatch(log -> log.about("err-meta-update").size() == 2));
        assertThat(logs.get(2).about("err-meta-update").get(1)).isInstanceOf(SynEvent.RegistryUpdated.class)
                .extracting(SynEvent::meta).isEqualTo("barrier");
    }

    @Test
    void aMessageThatCannotCrossTheWireToARemoteProcessIsRejectedAtTheCall() {
        List<Object> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        SynProcess process = node(1).spawn((message, ctx) -> received.add(message));
        registry(1).register("err-send", process.ref());
        awaitEverywhere("err-send");

        assertThatThrownBy(() -> registry(0).send("err-send", new NotSerializable()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "the message of type " + NotSerializable.class.getName() + " cannot be serialized");
        int tooBig = node(0).settings().maxMessageBytes() + 1;
        assertThatThrownBy(() -> registry(2).send("err-send", new byte[tooBig]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the " + node(0).settings().maxMessageBytes() + " allowed");
        assertThatThrownBy(() -> registry(0).send("err-send", null)).isInstanceOf(NullPointerException.class);
        // on the process's own node nothing crosses the wire: any object is handed over as it is
        NotSerializable local = new NotSerializable();
        assertThat(registry(1).send("err-send", local)).isEqualTo(SendResult.SENT);
        await().until(() -> received.contains(local));
        assertThat(received).containsExactly(local);
    }

    /**
     * Cannot be serialized: not Serializable, and a stream field rules out Hazelcast's zero-config compact
     * serialization (which takes plain classes with supported field types, even without Serializable).
     */
    static final class NotSerializable {
        final java.io.InputStream stream = java.io.InputStream.nullInputStream();
    }
}
