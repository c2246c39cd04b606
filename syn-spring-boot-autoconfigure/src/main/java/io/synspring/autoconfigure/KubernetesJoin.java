package io.synspring.autoconfigure;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.NetworkConfig;
import org.jspecify.annotations.Nullable;

/**
 * With {@code syn.cluster.discovery=kubernetes}, the embedded member finds its peers through Hazelcast's own
 * Kubernetes discovery (in the Hazelcast jar): the addresses of a headless service by DNS
 * ({@code syn.cluster.kubernetes.service-dns}), or the endpoints of a service through the Kubernetes API
 * ({@code syn.cluster.kubernetes.service-name}, {@code namespace}). Pods not ready yet are found too, so that a
 * node still synchronizing (and so not ready) can join. Without {@code syn.cluster.interface}, the member binds
 * the pod's address, as Hazelcast picks it.
 */
final class KubernetesJoin {

    private static final int DEFAULT_PORT = 5701;

    private KubernetesJoin() {}

    /** Switches {@code config}, built from {@code cluster}, to Kubernetes discovery. */
    static void apply(SynProperties.Cluster cluster, Config config) {
        SynProperties.Kubernetes kubernetes = cluster.getKubernetes();
        String dns = blankToNull(kubernetes.getServiceDns());
        String service = blankToNull(kubernetes.getServiceName());
        String namespace = blankToNull(kubernetes.getNamespace());
        if ((dns == null) == (service == null)) {
            throw new InvalidSynPropertyException("syn.cluster.kubernetes.service-dns", dns,
                    dns == null ? "syn.cluster.discovery=kubernetes needs the service whose pods are the peers"
                            : "it cannot be set together with syn.cluster.kubernetes.service-name",
                    "Set syn.cluster.kubernetes.service-dns to the DNS name of the headless service (e.g. "
                            + "syn-hz.my-namespace.svc.cluster.local), or syn.cluster.kubernetes.service-name (and "
                            + "namespace) to find the pods through the Kubernetes API, not both.");
        }
        if (dns != null && namespace != null) {
            throw new InvalidSynPropertyException("syn.cluster.kubernetes.namespace", namespace,
                    "it applies to the API mode (service-name) only; the DNS name already names the namespace",
                    "Remove syn.cluster.kubernetes.namespace, or use syn.cluster.kubernetes.service-name instead "
                            + "of service-dns.");
        }
        int port = kubernetes.getServicePort();
        if (port < 0 || port > 65535) {
            throw new InvalidSynPropertyException("syn.cluster.kubernetes.service-port", port,
                    "a port is between 1 and 65535 (0: syn.cluster.port, else 5701)",
                    "Set syn.cluster.kubernetes.service-port to the Hazelcast port of the pods, e.g. 5701.");
        }
        if (port == 0) {
            port = cluster.getPort() > 0 ? cluster.getPort() : DEFAULT_PORT;
        }
        NetworkConfig network = config.getNetworkConfig();
        JoinConfig join = network.getJoin();
        join.getTcpIpConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        KubernetesConfig discovery = join.getKubernetesConfig().setEnabled(true);
        if (dns != null) {
            discovery.setProperty("service-dns", dns);
        } else {
            discovery.setProperty("service-name", service);
            discovery.setProperty("resolve-not-ready-addresses", "true");
            if (namespace != null) {
                discovery.setProperty("namespace", namespace);
            }
        }
        discovery.setProperty("service-port", Integer.toString(port));
        if (cluster.getPort() == 0) {
            // one pod, one address: every member listens on the port the others look for
            network.setPort(port).setPortAutoIncrement(false);
        }
        if (cluster.getInterface() == null) {
            network.getInterfaces().setEnabled(false).clear();
            config.setProperty("hazelcast.socket.bind.any", "true");
        }
    }

    /** How the peers are found, for the start-up log. */
    static String describe(SynProperties.Kubernetes kubernetes) {
        String dns = blankToNull(kubernetes.getServiceDns());
        return dns != null ? "peers from the DNS name " + dns
                : "peers from the endpoints of Kubernetes service " + kubernetes.getServiceName()
                        + (kubernetes.getNamespace() == null ? "" : " in namespace " + kubernetes.getNamespace());
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
