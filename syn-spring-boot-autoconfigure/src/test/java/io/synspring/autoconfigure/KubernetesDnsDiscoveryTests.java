package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.testing.LoopbackPorts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code syn.cluster.discovery=kubernetes} in DNS mode, for real: Hazelcast's Kubernetes discovery looks up the
 * headless service's name and joins the member at the address it resolves to. The name resolves only through
 * the hosts file this JVM is given ({@code jdk.net.hosts.file}, set by the {@code kubernetes-dns} surefire
 * execution), standing in for the cluster's DNS: no network, no Kubernetes.
 */
class KubernetesDnsDiscoveryTests {

    private static final String SERVICE_DNS = "syn-hz.syn-test.svc.cluster.local";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class));

    @Test
    void aPodFindsTheOtherThroughTheHeadlessServicesDnsName() throws UnknownHostException {
        assumeThat(System.getProperty("jdk.net.hosts.file")).as("runs in the kubernetes-dns surefire execution")
                .isNotNull();
        assertThat(InetAddress.getAllByName(SERVICE_DNS)).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.1");

        String cluster = TestClusters.uniqueName();
        int servicePort = LoopbackPorts.free();
        int otherPort = LoopbackPorts.free();
        String[] kubernetes = {"syn.cluster.name=" + cluster, "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-dns=" + SERVICE_DNS,
                "syn.cluster.kubernetes.service-port=" + servicePort, "syn.cluster.interface=127.0.0.1",
                "syn.sync-retry=200ms"};
        // the first pod listens on the service's port; the second, on the same host here, on another port, looks
        // the name up and joins the first (in a real cluster every pod has its own address and the same port)
        runner.withPropertyValues(kubernetes).withPropertyValues("syn.node-name=pod-0",
                "syn.cluster.port=" + servicePort).run(first -> {
                    assertThat(first).hasNotFailed();
                    NodeRegistry pod0 = first.getBean(NodeRegistry.class);
                    runner.withPropertyValues(kubernetes).withPropertyValues("syn.node-name=pod-1",
                            "syn.cluster.port=" + otherPort).run(second -> {
                                assertThat(second).hasNotFailed();
                                NodeRegistry pod1 = second.getBean(NodeRegistry.class);
                                await().until(() -> pod0.nodes().size() == 2 && pod1.nodes().size() == 2);
                                pod1.registry().register("device-1", pod1.spawn((message, ctx) -> {}).ref());
                                await().until(() -> pod0.registry().lookup("device-1").isPresent());
                            });
                });
    }
}
