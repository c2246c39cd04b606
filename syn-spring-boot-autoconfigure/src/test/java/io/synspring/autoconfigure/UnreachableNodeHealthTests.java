package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.autoconfigure.health.SynHealthIndicator;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.transport.Transport;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * A member that Hazelcast lists but this node's links cannot reach (a partial split, a frozen node) makes the
 * node {@code OUT_OF_SERVICE} with the member in {@code unreachableNodes}: its replica of that node may be stale,
 * and an operator must see it rather than a healthy cluster.
 */
class UnreachableNodeHealthTests {

    @Test
    void aMemberTheLinksCannotReachShowsInHealthUntilItIsReachedAgain() {
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        try (NodeRegistry a = node(cluster, "a", portA, portB); NodeRegistry b = node(cluster, "b", portB, portA)) {
            SynHealthIndicator health = new SynHealthIndicator(a);
            await().until(() -> health.health().getStatus().equals(Status.UP) && a.nodes().size() == 2);

            // only Syn's links: Hazelcast still lists both members
            transport(a).block(b.node());
            transport(b).block(a.node());
            await().until(() -> health.health().getStatus().equals(Status.OUT_OF_SERVICE));
            assertThat(health.health().getDetails()).containsEntry("unreachableNodes", List.of(b.node().toString()));
            assertThat(a.nodes()).contains(b.node());

            transport(a).unblock(b.node());
            transport(b).unblock(a.node());
            await().until(() -> health.health().getStatus().equals(Status.UP));
            assertThat(health.health().getDetails()).doesNotContainKey("unreachableNodes");
        }
    }

    private static NodeRegistry node(String cluster, String name, int port, int other) {
        return NodeRegistry.create(new EmbeddedMember(cluster, "127.0.0.1", port, List.of("127.0.0.1:" + other),
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5)).toConfig(),
                SynSettings.builder().nodeName(name).unreachableAfter(Duration.ofMillis(500)).build());
    }

    private static Transport transport(NodeRegistry node) {
        return (Transport) node.hazelcast().getUserContext().get(HazelcastCluster.TRANSPORT_CONTEXT_KEY);
    }
}
