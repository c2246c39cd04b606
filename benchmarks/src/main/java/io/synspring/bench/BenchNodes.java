package io.synspring.bench;

import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * How every benchmark JVM starts its Syn node: loopback TCP/IP members, never multicast. With the environment
 * variable {@code SYN_BENCH_CLUSTER_SECRET} set (every JVM inherits it), the nodes share it as cluster secret.
 */
final class BenchNodes {

    /** The environment variable holding the nodes' cluster secret, if any. */
    static final String CLUSTER_SECRET = "SYN_BENCH_CLUSTER_SECRET";

    /**
     * A system property: {@code on} gives each node an {@link ObservationRegistry} that times its observations in a
     * meter registry, as Spring Boot's actuator does; otherwise none.
     */
    static final String OBSERVATIONS = "syn.bench.observations";

    private BenchNodes() {}

    static ObservationRegistry observations() {
        if (!"on".equals(System.getProperty(OBSERVATIONS))) {
            return ObservationRegistry.NOOP;
        }
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
        return registry;
    }

    static Config config(String cluster, int port, List<String> members) {
        return new EmbeddedMember(cluster, "127.0.0.1", port, members, Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(1)).toConfig();
    }

    /**
     * Starts a node; {@code listener} (if any) is registered in the Hazelcast config, so it is called before
     * Syn's own membership listener and its timestamps are not late.
     */
    static NodeRegistry start(Config config, String nodeName, MembershipListener listener) {
        return start(config, nodeName, listener, null);
    }

    /**
     * As {@link #start(Config, String, MembershipListener)}, with mutual TLS on the links when {@code ssl} is set:
     * one throw-away certificate for every node, so certificates need not name their node.
     */
    static NodeRegistry start(Config config, String nodeName, MembershipListener listener, SSLContext ssl) {
        if (listener != null) {
            config.addListenerConfig(new ListenerConfig(listener));
        }
        return NodeRegistry.create(config, SynSettings.builder().nodeName(nodeName)
                .requestTimeout(Duration.ofSeconds(30)).transportSsl(ssl).nodeNameInCertificate(false)
                .clusterSecret(System.getenv(CLUSTER_SECRET))
                .observationRegistry(observations()).build());
    }
}
