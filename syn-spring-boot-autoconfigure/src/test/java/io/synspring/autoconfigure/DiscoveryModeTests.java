package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.JoinConfig;
import com.hazelcast.logging.Logger;
import com.hazelcast.spi.discovery.DiscoveryStrategy;
import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.discovery.SynDiscoveryAutoConfiguration;
import io.synspring.process.SynProcess;
import io.synspring.testing.LoopbackPorts;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

/**
 * {@code syn.cluster.discovery=spring-cloud}: nodes find each other through the application's DiscoveryClient,
 * here Spring Cloud's simple static discovery client, so no registry server is needed.
 */
class DiscoveryModeTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynDiscoveryAutoConfiguration.class,
                    SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
                    UtilAutoConfiguration.class));

    @Test
    void peersAreFoundThroughStaticSimpleDiscoveryInstances() {
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        // both nodes see the same static list: one instance with its Hazelcast port as the URI's port, one with
        // an HTTP port and its Hazelcast port in the syn-port metadata
        String[] discovery = {"syn.cluster.discovery=spring-cloud", "syn.cluster.discovery-service-id=gateway",
                "spring.cloud.discovery.client.simple.instances.gateway[0].uri=http://127.0.0.1:" + portA,
                "spring.cloud.discovery.client.simple.instances.gateway[1].uri=http://127.0.0.1:8080",
                "spring.cloud.discovery.client.simple.instances.gateway[1].metadata.syn-port=" + portB};
        runner.withPropertyValues(TestClusters.node("a", cluster, portA)).withPropertyValues(discovery)
                .run(contextA -> {
                    assertThat(contextA).hasNotFailed();
                    NodeRegistry a = contextA.getBean(NodeRegistry.class);
                    JoinConfig join = a.hazelcast().getConfig().getNetworkConfig().getJoin();
                    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
                    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
                    assertThat(join.getDiscoveryConfig().getDiscoveryStrategyConfigs()).hasSize(1);

                    runner.withPropertyValues(TestClusters.node("b", cluster, portB)).withPropertyValues(discovery)
                            .run(contextB -> {
                                NodeRegistry b = contextB.getBean(NodeRegistry.class);
                                await().until(() -> a.nodes().size() == 2 && b.nodes().size() == 2);
                                SynProcess process = b.spawn((message, ctx) -> {});
                                b.registry().register("device-9", process.ref());
                                await().until(() -> a.registry().lookup("device-9").isPresent());
                            });
                });
    }

    @Test
    void serviceIdDefaultsToTheApplicationName() {
        int port = LoopbackPorts.free();
        runner.withPropertyValues(TestClusters.node("solo", TestClusters.uniqueName(), port))
                .withPropertyValues("syn.cluster.discovery=spring-cloud", "spring.application.name=devices",
                        "spring.cloud.discovery.client.simple.instances.devices[0].uri=http://127.0.0.1:" + port)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    NodeRegistry syn = context.getBean(NodeRegistry.class);
                    DiscoveryStrategy strategy = syn.hazelcast().getConfig().getNetworkConfig().getJoin()
                            .getDiscoveryConfig().getDiscoveryStrategyConfigs().iterator().next()
                            .getDiscoveryStrategyFactory()
                            .newDiscoveryStrategy(null, Logger.getLogger(DiscoveryModeTests.class), Map.of());
                    assertThat(strategy.discoverNodes()).singleElement().satisfies(node -> {
                        assertThat(node.getPrivateAddress().getHost()).isEqualTo("127.0.0.1");
                        assertThat(node.getPrivateAddress().getPort()).isEqualTo(port);
                    });
                });
    }
}
