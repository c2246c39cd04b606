package io.synspring.autoconfigure;

import io.synspring.hazelcast.MemberAttributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.autoconfigure.health.SynHealthContributorAutoConfiguration;
import io.synspring.autoconfigure.health.SynHealthIndicator;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A node is {@code OUT_OF_SERVICE} while it does not yet hold the entries of a node it sees, and {@code UP}
 * once it does: what a load balancer's readiness check relies on not to send traffic to a node that would
 * answer "no such device" for devices that exist.
 */
class HealthWhileSyncingTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(SynAutoConfiguration.class, SynHealthContributorAutoConfiguration.class));

    @Test
    void outOfServiceUntilItHoldsTheEntriesOfEveryNodeItSees() {
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        // b: a member that carries a Syn node id and scope, whose Syn node has not started yet, so it sends
        // nothing: a's replica cannot hold b's entries
        SynSettings settingsB = SynSettings.builder().nodeName("b").build();
        HazelcastInstance memberB = Hazelcast.newHazelcastInstance(NodeRegistry.configure(new EmbeddedMember(cluster,
                "127.0.0.1", portB, List.of("127.0.0.1:" + portA), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5)).toConfig(), settingsB));
        try {
            String nodeB = memberB.getCluster().getLocalMember().getAttribute(MemberAttributes.NODE);
            runner.withPropertyValues(TestClusters.node("a", cluster, portA, portB)).run(context -> {
                NodeRegistry a = context.getBean(NodeRegistry.class);
                SynHealthIndicator indicator = context.getBean(SynHealthIndicator.class);
                // a lists b among its nodes a moment before its engines follow b: wait for the latter
                await().until(() -> a.unsyncedNodes().contains(NodeId.parse(nodeB)));

                Health syncing = indicator.health();
                assertThat(syncing.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                assertThat(syncing.getDetails()).containsEntry("unsyncedNodes", List.of(nodeB))
                        .containsEntry("clusterSize", 2);

                try (NodeRegistry b = NodeRegistry.start(memberB, settingsB)) {
                    await().untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
                    assertThat(indicator.health().getDetails()).doesNotContainKey("unsyncedNodes");
                    assertThat(b.node().toString()).isEqualTo(nodeB);
                }
            });
        } finally {
            memberB.shutdown();
        }
    }
}
