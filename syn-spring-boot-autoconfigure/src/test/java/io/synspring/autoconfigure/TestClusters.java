package io.synspring.autoconfigure;

import io.synspring.testing.LoopbackPorts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** Loopback cluster settings for tests: a unique cluster name and free ports, fast failure detection. */
public final class TestClusters {

    private TestClusters() {}

    /** A cluster name no other test (or other build on this machine) uses. */
    public static String uniqueName() {
        return "syn-test-" + UUID.randomUUID();
    }

    /**
     * Properties of a node of {@code cluster} listening on {@code port} and contacting {@code members}
     * (the ports of the others, on 127.0.0.1).
     */
    public static String[] node(String nodeName, String cluster, int port, int... members) {
        List<String> properties = new ArrayList<>(List.of("syn.node-name=" + nodeName, "syn.cluster.name=" + cluster,
                "syn.cluster.port=" + port, "syn.cluster.interface=127.0.0.1", "syn.cluster.heartbeat-interval=1s",
                "syn.cluster.failure-timeout=5s", "syn.cluster.merge-interval=5s", "syn.sync-retry=200ms"));
        if (members.length > 0) {
            properties.add("syn.cluster.members=" + Arrays.stream(members).mapToObj(p -> "127.0.0.1:" + p)
                    .collect(Collectors.joining(",")));
        }
        return properties.toArray(String[]::new);
    }

    /** Properties of a standalone node on a free port of its own cluster. */
    public static String[] standalone() {
        return node("solo", uniqueName(), LoopbackPorts.free());
    }
}
