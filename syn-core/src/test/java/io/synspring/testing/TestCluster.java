package io.synspring.testing;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.cluster.EmbeddedMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Real embedded Hazelcast members on loopback for tests: a unique cluster name, free ports, TCP/IP join
 * (never multicast) and fast failure detection. Close it to stop every node still running.
 */
public final class TestCluster implements AutoCloseable {

    private final String clusterName = "syn-test-" + UUID.randomUUID();
    private final List<Integer> ports = new ArrayList<>();
    private final List<NodeRegistry> nodes = new ArrayList<>();

    /** Starts {@code count} nodes named {@code node-1..count} in the given scopes and waits until all see each other. */
    public static TestCluster start(int count, String... scopes) {
        TestCluster cluster = new TestCluster(count);
        for (int i = 0; i < count; i++) {
            cluster.startNode(i, builder -> builder.scopes(scopes));
        }
        cluster.awaitFullyConnected();
        return cluster;
    }

    /** Reserves {@code size} ports; start the nodes with {@link #startNode}. */
    public TestCluster(int size) {
        for (int i = 0; i < size; i++) {
            ports.add(freePort());
        }
        for (int i = 0; i < size; i++) {
            nodes.add(null);
        }
    }

    /** Starts node {@code index} (named {@code node-(index+1)}), replacing a stopped one in that slot. */
    public NodeRegistry startNode(int index, UnaryOperator<SynSettings.Builder> settings) {
        SynSettings built = settings.apply(SynSettings.builder().nodeName("node-" + (index + 1))
                .syncRetry(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(10))).build();
        NodeRegistry node = NodeRegistry.create(memberConfig(index).toConfig(), built);
        nodes.set(index, node);
        return node;
    }

    public EmbeddedMember memberConfig(int index) {
        List<String> members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.toList());
        return new EmbeddedMember(clusterName, "127.0.0.1", ports.get(index), members, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(3));
    }

    public NodeRegistry node(int index) {
        return nodes.get(index);
    }

    public List<NodeRegistry> nodes() {
        return nodes.stream().filter(node -> node != null).collect(Collectors.toList());
    }

    /** Kills node {@code index} without a goodbye (Hazelcast terminate: like a crash). */
    public void terminate(int index) {
        NodeRegistry node = nodes.set(index, null);
        node.hazelcast().getLifecycleService().terminate();
        node.close();
    }

    /** Stops node {@code index} gracefully. */
    public void shutdown(int index) {
        nodes.set(index, null).close();
    }

    public void awaitFullyConnected() {
        List<NodeRegistry> running = nodes();
        org.awaitility.Awaitility.await("every node sees " + running.size() + " nodes")
                .atMost(Duration.ofSeconds(60))
                .until(() -> running.stream().allMatch(node -> node.nodes().size() == running.size()));
    }

    @Override
    public void close() {
        nodes().forEach(node -> {
            try {
                node.close();
            } catch (RuntimeException ignored) {
                // best effort
            }
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
