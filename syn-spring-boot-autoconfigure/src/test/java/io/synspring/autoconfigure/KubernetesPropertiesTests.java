package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.NetworkConfig;
import io.synspring.testing.LoopbackPorts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code syn.cluster.discovery=kubernetes}: the properties become Hazelcast's Kubernetes discovery, DNS or API
 * mode, and without {@code syn.cluster.interface} the member binds the pod's address instead of loopback. Each
 * member's configuration is read as Syn built it; the test then turns it back into a standalone loopback member
 * so that no test looks for a Kubernetes cluster.
 */
class KubernetesPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class));

    @Test
    void dnsModeLooksUpTheHeadlessServiceAndBindsThePodsAddress() {
        Seen seen = new Seen();
        runner.withPropertyValues("syn.node-name=pod-1", "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-dns=syn-hz.shop.svc.cluster.local")
                .withBean(SynMemberConfigCustomizer.class, () -> seen)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Config config = seen.config.get();
                    JoinConfig join = config.getNetworkConfig().getJoin();
                    assertThat(seen.kubernetes).containsEntry("service-dns", "syn-hz.shop.svc.cluster.local")
                            .containsEntry("service-port", "5701").doesNotContainKeys("service-name", "namespace");
                    assertThat(seen.kubernetesEnabled).isTrue();
                    assertThat(seen.tcpIpEnabled).isFalse();
                    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
                    // the pod's address: no interface, bound as Hazelcast picks it; one fixed port per pod
                    assertThat(seen.interfacesEnabled).isFalse();
                    assertThat(seen.bindAny).isEqualTo("true");
                    assertThat(seen.port).isEqualTo(5701);
                    assertThat(seen.autoIncrement).isFalse();
                    assertThat(seen.clusterName).isEqualTo("syn");
                });
    }

    @Test
    void apiModeReadsTheServicesEndpointsIncludingPodsNotReadyYet() {
        Seen seen = new Seen();
        runner.withPropertyValues("syn.node-name=pod-1", "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-name=syn-hz", "syn.cluster.kubernetes.namespace=shop",
                "syn.cluster.port=5801", "syn.cluster.interface=10.1.2.3")
                .withBean(SynMemberConfigCustomizer.class, () -> seen)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(seen.kubernetes).containsEntry("service-name", "syn-hz")
                            .containsEntry("namespace", "shop").containsEntry("resolve-not-ready-addresses", "true")
                            .containsEntry("service-port", "5801").doesNotContainKey("service-dns");
                    // an interface that is set is kept
                    assertThat(seen.interfacesEnabled).isTrue();
                    assertThat(seen.interfaces).containsExactly("10.1.2.3");
                    assertThat(seen.bindAny).isEqualTo("false");
                    assertThat(seen.port).isEqualTo(5801);
                });
    }

    @Test
    void theServicePortCanDifferFromTheMembersPort() {
        Seen seen = new Seen();
        runner.withPropertyValues("syn.node-name=pod-1", "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-dns=syn-hz", "syn.cluster.kubernetes.service-port=6000")
                .withBean(SynMemberConfigCustomizer.class, () -> seen)
                .run(context -> assertThat(seen.kubernetes).containsEntry("service-port", "6000"));
    }

    @Test
    void staticDiscoveryStillDefaultsToLoopback() {
        Seen seen = new Seen();
        runner.withPropertyValues("syn.node-name=n1", "syn.cluster.name=" + TestClusters.uniqueName())
                .withBean(SynMemberConfigCustomizer.class, () -> seen)
                .run(context -> {
                    assertThat(seen.kubernetesEnabled).isFalse();
                    assertThat(seen.interfaces).containsExactly("127.0.0.1");
                    assertThat(seen.bindAny).isEqualTo("false");
                });
    }

    @Test
    void wrongCombinationsAreRefusedNamingTheProperty() {
        refused("syn.cluster.kubernetes.service-dns", "syn.cluster.discovery=kubernetes");
        refused("syn.cluster.kubernetes.service-dns", "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-dns=syn-hz", "syn.cluster.kubernetes.service-name=syn-hz");
        refused("syn.cluster.kubernetes.namespace", "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-dns=syn-hz", "syn.cluster.kubernetes.namespace=shop");
        refused("syn.cluster.kubernetes.service-port", "syn.cluster.discovery=kubernetes",
                "syn.cluster.kubernetes.service-dns=syn-hz", "syn.cluster.kubernetes.service-port=70000");
    }

    private void refused(String property, String... properties) {
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidSynPropertyException.class);
            InvalidSynPropertyException invalid = (InvalidSynPropertyException) Throwables
                    .getRootCause(context.getStartupFailure());
            assertThat(invalid.getProperty()).isEqualTo(property);
            assertThat(invalid.getAction()).contains("syn.cluster.kubernetes.");
        });
    }

    /**
     * Records the member's configuration as Syn built it, then makes it a standalone loopback member on a free
     * port, so the context starts without a Kubernetes cluster.
     */
    static final class Seen implements SynMemberConfigCustomizer {
        final AtomicReference<Config> config = new AtomicReference<>();
        Map<String, String> kubernetes = Map.of();
        boolean kubernetesEnabled;
        boolean tcpIpEnabled;
        boolean interfacesEnabled;
        List<String> interfaces = List.of();
        String bindAny;
        int port;
        boolean autoIncrement;
        String clusterName;

        @Override
        public void customize(Config config) {
            this.config.set(config);
            NetworkConfig network = config.getNetworkConfig();
            KubernetesConfig k8s = network.getJoin().getKubernetesConfig();
            kubernetes = Map.copyOf(k8s.getProperties());
            kubernetesEnabled = k8s.isEnabled();
            tcpIpEnabled = network.getJoin().getTcpIpConfig().isEnabled();
            interfacesEnabled = network.getInterfaces().isEnabled();
            interfaces = List.copyOf(network.getInterfaces().getInterfaces());
            bindAny = config.getProperty("hazelcast.socket.bind.any");
            port = network.getPort();
            autoIncrement = network.isPortAutoIncrement();
            clusterName = config.getClusterName();

            k8s.setEnabled(false);
            network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of());
            network.getInterfaces().setEnabled(true).clear().addInterface("127.0.0.1");
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.setPort(LoopbackPorts.free()).setPortAutoIncrement(false);
            config.setClusterName(TestClusters.uniqueName());
        }
    }
}
