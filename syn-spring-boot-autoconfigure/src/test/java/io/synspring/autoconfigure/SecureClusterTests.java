package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.autoconfigure.discovery.SynDiscoveryAutoConfiguration;
import io.synspring.autoconfigure.discovery.SynDiscoveryClient;
import io.synspring.autoconfigure.health.SynHealthContributorAutoConfiguration;
import io.synspring.autoconfigure.health.SynHealthIndicator;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Two applications sharing {@code syn.cluster.secret} and a member that joins their Hazelcast cluster without
 * it: the applications list only each other (nodes, discovery client), stay healthy, and never see the
 * member's names.
 */
class SecureClusterTests {

    private static final String SECRET = "a-shared-secret-of-32-characters";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynDiscoveryAutoConfiguration.class,
                    SynHealthContributorAutoConfiguration.class))
            .withPropertyValues("syn.cluster.secret=" + SECRET, "syn.discovery-client.enabled=true");

    @Test
    void aMemberWithoutTheSecretIsNoNodeOfTheApplications() {
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        int portIntruder = LoopbackPorts.free();
        runner.withPropertyValues(TestClusters.node("a", cluster, portA, portB)).run(
                contextA -> runner.withPropertyValues(TestClusters.node("b", cluster, portB, portA)).run(contextB -> {
                    NodeRegistry a = contextA.getBean(NodeRegistry.class);
                    NodeRegistry b = contextB.getBean(NodeRegistry.class);
                    await().until(() -> a.nodes().size() == 2 && b.nodes().size() == 2);
                    try (NodeRegistry intruder = NodeRegistry.create(new EmbeddedMember(cluster, "127.0.0.1",
                            portIntruder, List.of("127.0.0.1:" + portA), Duration.ofSeconds(1), Duration.ofSeconds(5),
                            Duration.ofSeconds(5)).toConfig(), SynSettings.builder().nodeName("intruder").build())) {
                        intruder.registry().register("device-42", intruder.spawn((message, ctx) -> {}).ref());
                        await().until(() -> a.hazelcast().getCluster().getMembers().size() == 3
                                && a.transportCounts().refused() > 0);

                        assertThat(a.nodes()).containsExactlyInAnyOrder(a.node(), b.node());
                        assertThat(a.registry().lookup("device-42")).isEmpty();
                        assertThat(contextA.getBean(SynDiscoveryClient.class).getInstances("syn"))
                                .extracting(ServiceInstance::getInstanceId)
                                .containsExactlyInAnyOrder(a.node().toString(), b.node().toString());
                        assertThat(contextA.getBean(SynHealthIndicator.class).health().getStatus())
                                .isEqualTo(Status.UP);
                    }
                }));
    }

    @Test
    void aShortSecretFailsStartupWithoutShowingIt() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class))
                .withPropertyValues(TestClusters.standalone()).withPropertyValues("syn.cluster.secret=hunter2")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    assertThat(new SynFailureAnalyzer().analyze(failure).getDescription())
                            .contains("'syn.cluster.secret'").doesNotContain("hunter2");
                });
    }
}
