package io.synspring.sample.support;

import static org.awaitility.Awaitility.await;

import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Three sample-app JVMs forming one cluster on 127.0.0.1: free HTTP and cluster ports, a cluster name of its own
 * (never joined by anything else), a static member list (never multicast). Closing it kills every node.
 */
public final class SampleCluster implements AutoCloseable {

    /** The nodes' failure timeout (syn.cluster.failure-timeout): a silent node is dropped after this. */
    public static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(5);
    /** How long three JVMs may take to start and see each other on a busy two-core machine. */
    public static final Duration STARTUP = Duration.ofSeconds(120);

    private final List<SampleNode> nodes = new ArrayList<>();
    private final String name = "sample-e2e-" + UUID.randomUUID();

    private SampleCluster(int size) {
        int[] ports = java.util.stream.IntStream.range(0, 2 * size).map(i -> LoopbackPorts.free()).toArray();
        String members = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> "127.0.0.1:" + ports[size + i]).collect(Collectors.joining(","));
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(SampleNode.start("node-" + (i + 1), ports[i], ports[size + i], name, members));
            }
            awaitFormed();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Starts three nodes, node-1 to node-3, and waits until each sees all three. */
    public static SampleCluster start() {
        return new SampleCluster(3);
    }

    public SampleNode node(int number) {
        return nodes.get(number - 1);
    }

    public List<SampleNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The node names {@code node} lists in {@code GET /api/cluster} (empty while it does not answer). */
    public static Set<String> visibleNodes(SampleNode node) {
        try {
            Http.Response response = Http.get(node.uri("/api/cluster"));
            Set<String> names = new TreeSet<>();
            if (response.status() == 200) {
                for (JsonNode name : response.body().path("nodes")) {
                    names.add(name.asString());
                }
            }
            return names;
        } catch (RuntimeException notUp) {
            return Set.of();
        }
    }

    /** Waits until every running node sees exactly the running nodes. */
    public void awaitFormed() {
        Set<String> expected = nodes.stream().filter(SampleNode::isAlive).map(SampleNode::name)
                .collect(Collectors.toCollection(TreeSet::new));
        for (SampleNode node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            await("cluster seen from " + node).atMost(STARTUP).pollInterval(Duration.ofMillis(250))
                    .failFast("a node exited; see its log", () -> nodes.stream().anyMatch(n -> !n.isAlive()
                            && expected.contains(n.name())))
                    .until(() -> visibleNodes(node), expected::equals);
        }
    }

    /** The logs' ends, for a failure message. */
    public String logs() {
        StringBuilder text = new StringBuilder();
        nodes.forEach(node -> text.append("\n--- ").append(node).append('\n').append(node.logTail()));
        return text.toString();
    }

    @Override
    public void close() {
        nodes.forEach(SampleNode::close);
    }
}
