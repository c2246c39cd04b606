package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.internal.nio.Packet;
import io.synspring.NodeRegistry;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.TestCluster;
import java.io.IOException;
import java.io.InputStream;
import com.hazelcast.core.HazelcastInstance;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A raw socket to a node's Hazelcast port that claims a huge message and never sends it: what Hazelcast
 * reserves for it before any Syn code runs. The embedded member bounds client messages; Hazelcast's member
 * protocol has no bound, which is why its port must be reachable from the application's hosts only.
 */
class OversizedPacketTests {

    private static final int CLAIMED = 200 << 20;

    @Test
    void aClientMessageClaimingMoreThanTheBoundIsRefusedUnread() throws IOException {
        try (TestCluster cluster = TestCluster.start(1); Socket socket = connect(cluster.node(0))) {
            long before = allocatedByInputThreads(cluster.node(0).hazelcast());
            ByteBuffer frame = ByteBuffer.allocate(3 + 6).order(ByteOrder.LITTLE_ENDIAN);
            frame.put("CP2".getBytes(StandardCharsets.US_ASCII)).putInt(CLAIMED).putShort((short) 0);
            socket.getOutputStream().write(frame.array());
            socket.setSoTimeout(30_000);
            assertThat(readToEnd(socket.getInputStream())).as("the member closed the connection").isTrue();
            assertThat(allocatedByInputThreads(cluster.node(0).hazelcast()) - before).isLessThan(CLAIMED / 100);
            assertServing(cluster.node(0));
        }
    }

    /**
     * The documented limit: a member-protocol packet header makes Hazelcast allocate what it claims, before any
     * handshake. Measured as the bytes the member's input threads allocated, which no other test's garbage
     * blurs; the node keeps serving once the connection is gone.
     */
    @Test
    void aMemberPacketClaimingMuchIsAllocatedAsClaimed() throws IOException {
        try (TestCluster cluster = TestCluster.start(1)) {
            HazelcastInstance member = cluster.node(0).hazelcast();
            long before = allocatedByInputThreads(member);
            try (Socket socket = connect(cluster.node(0))) {
                ByteBuffer header = ByteBuffer.allocate(3 + 11);
                header.put("HZC".getBytes(StandardCharsets.US_ASCII)).put(Packet.VERSION).putChar((char) 0).putInt(-1)
                        .putInt(CLAIMED);
                socket.getOutputStream().write(header.array());
                await("the claimed bytes allocated").atMost(Duration.ofSeconds(60))
                        .until(() -> allocatedByInputThreads(member) - before >= CLAIMED);
            }
            assertServing(cluster.node(0));
        }
    }

    private static Socket connect(NodeRegistry node) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1",
                node.hazelcast().getCluster().getLocalMember().getAddress().getPort()));
        return socket;
    }

    /** Whether the other end closed the connection before the read timed out. */
    private static boolean readToEnd(InputStream in) throws IOException {
        try {
            while (in.read() != -1) {
                // whatever the member answers before it closes
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** What the threads reading {@code member}'s connections have allocated so far. */
    private static long allocatedByInputThreads(HazelcastInstance member) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        String prefix = "hz." + member.getName() + ".IO.thread-in-";
        long total = 0;
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(prefix)) {
                total += threads.getThreadAllocatedBytes(thread.getThreadId());
            }
        }
        return total;
    }

    private static void assertServing(NodeRegistry node) {
        assertThat(node.hazelcast().getLifecycleService().isRunning()).isTrue();
        assertThat(node.registry().register("device-" + System.nanoTime(), node.spawn((message, ctx) -> {}).ref()))
                .isEqualTo(RegisterResult.OK);
    }
}
