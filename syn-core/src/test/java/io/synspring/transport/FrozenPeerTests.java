package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.process.SendResult;
import io.synspring.testing.LoopbackPorts;
import io.synspring.testing.PeerNodeMain;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node whose JVM is frozen (SIGSTOP) while another sends it a million messages: the sender slows down to
 * what its link may hold instead of piling messages up, and once the node runs again every message reported
 * sent arrives.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class FrozenPeerTests {

    private static final Logger log = LoggerFactory.getLogger(FrozenPeerTests.class);
    private static final int MESSAGES = 1_000_000;
    private static final long MAX_BUFFERED = 256 * 1024;
    /** The smallest encoded message of this test: a sent one holds at least this many bytes of the link. */
    private static final int MIN_MESSAGE_BYTES = 40;

    @Test
    void aFrozenNodeMakesTheSenderWaitAndLosesNothing() throws Exception {
        String cluster = "syn-test-" + UUID.randomUUID();
        int port = LoopbackPorts.free();
        int peerPort = LoopbackPorts.free();
        Process peer = startPeer(cluster, peerPort, port);
        try (NodeRegistry sender = NodeRegistry.create(new EmbeddedMember(cluster, "127.0.0.1", port,
                List.of("127.0.0.1:" + peerPort), Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(5))
                .toConfig(),
                SynSettings.builder().nodeName("sender").maxBufferedBytes(MAX_BUFFERED)
                        .backpressureWait(Duration.ofSeconds(30)).unreachableAfter(Duration.ofSeconds(2)).build())) {
            NodeId frozen = NodeId.parse(awaitReady(peer));
            await().atMost(Duration.ofSeconds(60)).until(() -> sender.registry().lookup("sink").isPresent());

            Map<SendResult, LongAdder> results = new EnumMap<>(SendResult.class);
            for (SendResult result : SendResult.values()) {
                results.put(result, new LongAdder());
            }
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    results.get(sender.registry().send("sink", "cmd")).increment();
                }
            });
            await().until(() -> results.get(SendResult.SENT).sum() > 100_000);

            signal(peer, "STOP");
            long sentWhenFrozen = results.get(SendResult.SENT).sum();
            await().atMost(Duration.ofSeconds(30)).until(() -> sender.unreachableNodes().contains(frozen));
            long sentWhileFrozen = results.get(SendResult.SENT).sum() - sentWhenFrozen;
            signal(peer, "CONT");

            // the link held at most its maximum: the sender waited rather than queueing the rest of the burst
            assertThat(sentWhileFrozen).isLessThanOrEqualTo(MAX_BUFFERED / MIN_MESSAGE_BYTES);
            sending.get(5, TimeUnit.MINUTES);
            long sent = results.get(SendResult.SENT).sum();
            assertThat(sent).isEqualTo(MESSAGES);
            await().atMost(Duration.ofMinutes(2)).until(() -> sender.registry()
                    .<Long>call("sink", "count", Duration.ofSeconds(10)).get() == sent);
            assertThat(sender.unreachableNodes()).isEmpty();
        } finally {
            peer.getOutputStream().close();
            if (!peer.waitFor(20, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
    }

    private static Process startPeer(String cluster, int port, int senderPort) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(java, "-Xmx512m", "-cp", classPath, PeerNodeMain.class.getName(), cluster, "frozen",
                Integer.toString(port), Integer.toString(senderPort)).redirectErrorStream(true).start();
    }

    /** Echoes the peer's output, and returns its node id once it says it is ready. */
    private static String awaitReady(Process peer) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    log.info("[peer] {}", line);
                    int at = line.indexOf(PeerNodeMain.READY);
                    if (at >= 0) {
                        ready.complete(line.substring(at + PeerNodeMain.READY.length()).trim());
                    }
                }
                ready.completeExceptionally(new IllegalStateException("the peer JVM ended before it was ready"));
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
        }, "peer-output");
        reader.setDaemon(true);
        reader.start();
        return ready.get(2, TimeUnit.MINUTES);
    }

    private static void signal(Process peer, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(peer.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
    }
}
