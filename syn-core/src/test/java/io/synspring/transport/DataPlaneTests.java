package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.NodeUnavailableException;
import io.synspring.internal.transport.Transport;
import io.synspring.process.CallRefusedException;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessExitedException;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages between nodes as a gateway sends them: bursts, broken connections, restarts during a blip,
 * links that cannot reach a member, calls. A message reported sent arrives, in order; one that cannot be
 * sent is refused with a reason; nothing is lost in between.
 */
class DataPlaneTests {

    private static final int BURST = 1_000_000;

    @ParameterizedTest(name = "{0} sending thread(s)")
    @ValueSource(ints = {1, 64})
    void aBurstOfSendsToAnotherNodeArrivesWhole(int senders) throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.startNode(0, settings -> settings);
            cluster.startNode(1, settings -> settings.maxMailboxSize(BURST));
            cluster.awaitFullyConnected();
            LongAdder received = new LongAdder();
            SynProcess sink = cluster.node(1).spawn((message, ctx) -> received.increment());
            assertThat(cluster.node(1).registry().register("device-42", sink.ref())).isEqualTo(RegisterResult.OK);
            await().until(() -> cluster.node(0).registry().lookup("device-42").isPresent());

            Map<SendResult, LongAdder> results = new EnumMap<>(SendResult.class);
            for (SendResult result : SendResult.values()) {
                results.put(result, new LongAdder());
            }
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            try {
                List<CompletableFuture<Void>> sending = new java.util.ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    sending.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < BURST / senders; i++) {
                            results.get(cluster.node(0).registry().send("device-42", "cmd")).increment();
                        }
                    }, pool));
                }
                CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }

            long sent = results.get(SendResult.SENT).sum();
            assertThat(sent + results.get(SendResult.BACKPRESSURE).sum()).isEqualTo(BURST / senders * senders);
            await().atMost(Duration.ofMinutes(2)).until(() -> received.sum() == sent);
            assertThat(cluster.node(1).transportCounts().dropped()).allSatisfy((reason, count) -> assertThat(count)
                    .as("dropped: %s", reason).isZero());
            TransportCounts counts = cluster.node(0).transportCounts();
            assertThat(counts.writes()).as("a burst's frames are packed into fewer writes").isPositive()
                    .isLessThan(counts.messagesSent());
        }
    }

    @Test
    void connectionsThatBreakDuringABurstLoseNothingAndKeepTheOrder() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.startNode(0, settings -> settings);
            cluster.startNode(1, settings -> settings.maxMailboxSize(BURST));
            cluster.awaitFullyConnected();
            AtomicLong last = new AtomicLong();
            AtomicReference<String> disorder = new AtomicReference<>();
            SynProcess sink = cluster.node(1).spawn((message, ctx) -> {
                long n = (Long) message;
                if (n != last.get() + 1) {
                    disorder.compareAndSet(null, "got " + n + " after " + last.get());
                }
                last.set(n);
            });
            cluster.node(1).registry().register("device-42", sink.ref());
            await().until(() -> cluster.node(0).registry().lookup("device-42").isPresent());

            AtomicBoolean sending = new AtomicBoolean(true);
            CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
                long n = 0;
                while (n < 300_000) {
                    assertThat(cluster.node(0).registry().send("device-42", n + 1)).isEqualTo(SendResult.SENT);
                    n++;
                }
                sending.set(false);
                return n;
            });
            Transport from = cluster.transport(0);
            Transport to = cluster.transport(1);
            int breaks = 0;
            while (sending.get() && breaks < 20) {
                // a short blip, both ways: connections close, nothing is accepted for a moment
                from.block(cluster.node(1).node());
                to.block(cluster.node(0).node());
                from.unblock(cluster.node(1).node());
                to.unblock(cluster.node(0).node());
                breaks++;
                long seen = last.get();
                await().until(() -> last.get() > seen || !sending.get());
            }
            long total = sender.get(2, TimeUnit.MINUTES);

            await().atMost(Duration.ofMinutes(1)).until(() -> last.get() == total);
            assertThat(disorder.get()).isNull();
            assertThat(cluster.node(0).transportCounts().reconnects()).isPositive();
        }
    }

    @Test
    void aReceiverThatForgotTheLinkTakesItUpWhereTheSenderIs() {
        try (TestCluster cluster = TestCluster.start(2)) {
            LongAdder received = new LongAdder();
            cluster.node(1).registry().register("device-42",
                    cluster.node(1).spawn((message, ctx) -> received.increment()).ref());
            await().until(() -> cluster.node(0).registry().lookup("device-42").isPresent());
            for (int i = 0; i < 100; i++) {
                cluster.node(0).registry().send("device-42", i);
            }
            await().until(() -> received.sum() == 100);

            // node 1 forgets everything of its links with node 0 (as when it saw node 0 leave); node 0 does not
            cluster.transport(1).disconnect(cluster.node(0).node());
            for (int i = 0; i < 100; i++) {
                assertThat(cluster.node(0).registry().send("device-42", i)).isEqualTo(SendResult.SENT);
            }
            await().until(() -> received.sum() == 200);
        }
    }

    @Test
    void aNodeRestartedDuringABlipHearsFromEveryPeerAgain() throws Exception {
        for (boolean samePort : new boolean[] {true, false}) {
            try (TestCluster cluster = TestCluster.start(3)) {
                // a blip shorter than the failure timeout, and node 1 crashes during it: node 0 still lists
                // node 1's former incarnation when the new one starts
                cluster.cut(0, 1);
                cluster.terminate(1);
                cluster.liftCuts();
                if (samePort) {
                    cluster.startNode(1, settings -> settings);
                } else {
                    cluster.restartOnNewPort(1, settings -> settings);
                }
                cluster.awaitFullyConnected();

                for (int i = 0; i < 3; i++) {
                    cluster.node(i).registry().register("echo-" + i,
                            cluster.node(i).spawn((message, ctx) -> ctx.reply(message)).ref());
                }
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> cluster.nodes().stream()
                                .allMatch(node -> node.registry().count() == 3 && node.unsyncedNodes().isEmpty()
                                        && node.unreachableNodes().isEmpty()));
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        Object reply = cluster.node(i).registry().call("echo-" + j, "ping from " + i,
                                Duration.ofSeconds(10)).get();
                        assertThat(reply).as("node %d calling node %d (same port: %s)", i, j, samePort)
                                .isEqualTo("ping from " + i);
                    }
                }
            }
        }
    }

    @Test
    void aMemberTheLinksCannotReachIsReportedUnreachableAndCatchesUpWhenBack() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.startNode(0, settings -> settings.unreachableAfter(Duration.ofMillis(500)));
            cluster.startNode(1, settings -> settings.unreachableAfter(Duration.ofMillis(500)));
            cluster.awaitFullyConnected();
            LongAdder received = new LongAdder();
            cluster.node(1).registry().register("device-42",
                    cluster.node(1).spawn((message, ctx) -> received.increment()).ref());
            await().until(() -> cluster.node(0).registry().lookup("device-42").isPresent());

            // only the links: Hazelcast still lists both, as in a partial split
            cluster.transport(0).block(cluster.node(1).node());
            cluster.transport(1).block(cluster.node(0).node());
            for (int i = 0; i < 1000; i++) {
                assertThat(cluster.node(0).registry().send("device-42", i)).isEqualTo(SendResult.SENT);
            }
            cluster.node(0).registry().register("while-cut", cluster.node(0).spawn((message, ctx) -> {}).ref());
            await().until(() -> cluster.node(0).unreachableNodes().contains(cluster.node(1).node())
                    && cluster.node(1).unreachableNodes().contains(cluster.node(0).node()));
            assertThat(cluster.node(1).registry().lookup("while-cut")).isEmpty();

            cluster.transport(0).unblock(cluster.node(1).node());
            cluster.transport(1).unblock(cluster.node(0).node());
            await().until(() -> cluster.nodes().stream().allMatch(node -> node.unreachableNodes().isEmpty()));
            await().until(() -> received.sum() == 1000 && cluster.node(1).registry().lookup("while-cut").isPresent());
        }
    }

    @Test
    void aFullLinkRefusesSendsWithBackpressureAndDeliversWhatItTook() {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.startNode(0, settings -> settings.maxBufferedBytes(64 * 1024)
                    .backpressureWait(Duration.ofMillis(50)));
            cluster.startNode(1, settings -> settings);
            cluster.awaitFullyConnected();
            LongAdder received = new LongAdder();
            cluster.node(1).registry().register("device-42",
                    cluster.node(1).spawn((message, ctx) -> received.increment()).ref());
            await().until(() -> cluster.node(0).registry().lookup("device-42").isPresent());

            cluster.transport(0).block(cluster.node(1).node());
            long sent = 0;
            SendResult result;
            while ((result = cluster.node(0).registry().send("device-42", "x".repeat(1000))) == SendResult.SENT) {
                sent++;
            }
            assertThat(result).isEqualTo(SendResult.BACKPRESSURE);
            assertThat(sent).isBetween(1L, 64L);

            cluster.transport(0).unblock(cluster.node(1).node());
            long expected = sent;
            await().until(() -> received.sum() == expected);
            assertThat(cluster.node(0).registry().send("device-42", "again")).isEqualTo(SendResult.SENT);
        }
    }

    @Test
    void aFullMailboxOnTheOtherNodeIsReportedBack() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.startNode(0, settings -> settings);
            cluster.startNode(1, settings -> settings.maxMailboxSize(1));
            cluster.awaitFullyConnected();
            CountDownLatch release = new CountDownLatch(1);
            LongAdder handled = new LongAdder();
            SynProcess busy = cluster.node(1).spawn((message, ctx) -> {
                handled.increment();
                release.await();
            });
            cluster.node(1).registry().register("busy", busy.ref());
            cluster.node(1).groups().join("busy-ones", busy.ref());
            await().until(() -> cluster.node(0).registry().lookup("busy").isPresent()
                    && cluster.node(0).groups().memberCount("busy-ones") == 1);
            NodeRegistry sender = cluster.node(0);
            assertThat(sender.registry().send("busy", "first")).isEqualTo(SendResult.SENT); // handled: it blocks
            await().until(() -> handled.sum() == 1);
            assertThat(sender.registry().send("busy", "second")).isEqualTo(SendResult.SENT); // waits in the mailbox

            // the mailbox is full: a call fails at once rather than at its timeout, a multi-call counts it bad
            CompletableFuture<Object> call = sender.registry().call("busy", "third", Duration.ofMinutes(5));
            assertThatThrownBy(() -> call.get(1, TimeUnit.MINUTES)).cause()
                    .isInstanceOfSatisfying(CallRefusedException.class,
                            refused -> assertThat(refused.result()).isEqualTo(SendResult.MAILBOX_FULL));
            var multiCall = sender.groups().multiCall("busy-ones", "fourth", Duration.ofMinutes(5));
            assertThat(multiCall.badReplies()).extracting(member -> member.process()).containsExactly(busy.ref());
            assertThat(sender.registry().send("busy", "fifth")).isEqualTo(SendResult.SENT);
            await().until(() -> sender.transportCounts().undelivered().get(DropReason.MAILBOX_FULL) == 3);
            assertThat(cluster.node(1).transportCounts().dropped().get(DropReason.MAILBOX_FULL)).isEqualTo(3);
            release.countDown();
        }
    }

    @Test
    void aCallAnswersWithTheReplyOrSaysWhyNot() throws Exception {
        try (TestCluster cluster = TestCluster.start(2)) {
            NodeRegistry caller = cluster.node(0);
            NodeRegistry owner = cluster.node(1);
            owner.registry().register("echo", owner.spawn((message, ctx) -> ctx.reply("re:" + message)).ref());
            owner.registry().register("mute", owner.spawn((message, ctx) -> {}).ref());
            SynProcess quitter = owner.spawn((message, ctx) -> ctx.self().exit(ExitReason.KILLED));
            owner.registry().register("quitter", quitter.ref());
            await().until(() -> caller.registry().count() == 3);

            assertThat(caller.registry().<String>call("echo", "hi", Duration.ofSeconds(5)).get()).isEqualTo("re:hi");
            assertThat(owner.registry().<String>call("echo", "local", Duration.ofSeconds(5)).get())
                    .isEqualTo("re:local");
            assertThatThrownBy(() -> caller.registry().call("nobody", "hi", Duration.ofSeconds(5)).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(CallRefusedException.class)
                    .hasMessageContaining("nobody");
            assertThatThrownBy(() -> caller.registry().call("mute", "hi", Duration.ofMillis(300)).get())
                    .cause().isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> caller.registry().call("quitter", "hi", Duration.ofSeconds(10)).get())
                    .cause().isInstanceOfSatisfying(ProcessExitedException.class,
                            exited -> assertThat(exited.reason()).isEqualTo(ExitReason.KILLED));

            CompletableFuture<Object> pending = caller.registry().call("mute", "hi", Duration.ofSeconds(30));
            cluster.terminate(1);
            assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(NodeUnavailableException.class);
        }
    }
}
