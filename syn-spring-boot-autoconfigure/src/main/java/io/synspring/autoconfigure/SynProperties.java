package io.synspring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Syn node, under {@code syn.*}. Every property has a default: with none set, the
 * application runs one standalone node, bound to loopback, that joins nothing.
 */
@ConfigurationProperties("syn")
public class SynProperties {

    /**
     * Stable name of this node, shown wherever a node is named (an incarnation is added at each start).
     * Default: host name and process id.
     */
    private @Nullable String nodeName;

    /** Scopes this node takes part in, besides "default" which every node is in. */
    private List<String> scopes = new ArrayList<>();

    /** Whether only a process itself may register, join, leave or update itself. */
    private boolean strictMode;

    /** Default time a group multi-call waits for replies. */
    private Duration multiCallTimeout = Duration.ofSeconds(5);

    /** How long an operation routed to the node of a remote process waits for its answer. */
    private Duration requestTimeout = Duration.ofSeconds(5);

    /** How long a node waits for missing changes or a snapshot before asking the owner again. */
    private Duration syncRetry = Duration.ofSeconds(1);

    /**
     * Threads running process handlers and the engine's work. Default: the number of processors, at least 2.
     */
    private @Nullable Integer workerThreads;

    private final Limits limits = new Limits();

    private final Serialization serialization = new Serialization();

    private final Cluster cluster = new Cluster();

    private final Transport transport = new Transport();

    private final Events events = new Events();

    private final Metrics metrics = new Metrics();

    private final Observations observations = new Observations();

    private final DiscoveryClient discoveryClient = new DiscoveryClient();

    public @Nullable String getNodeName() {
        return nodeName;
    }

    public void setNodeName(@Nullable String nodeName) {
        this.nodeName = nodeName;
    }

    public List<String> getScopes() {
        return scopes;
    }

    public void setScopes(List<String> scopes) {
        this.scopes = scopes;
    }

    public boolean isStrictMode() {
        return strictMode;
    }

    public void setStrictMode(boolean strictMode) {
        this.strictMode = strictMode;
    }

    public Duration getMultiCallTimeout() {
        return multiCallTimeout;
    }

    public void setMultiCallTimeout(Duration multiCallTimeout) {
        this.multiCallTimeout = multiCallTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getSyncRetry() {
        return syncRetry;
    }

    public void setSyncRetry(Duration syncRetry) {
        this.syncRetry = syncRetry;
    }

    public @Nullable Integer getWorkerThreads() {
        return workerThreads;
    }

    public void setWorkerThreads(@Nullable Integer workerThreads) {
        this.workerThreads = workerThreads;
    }

    public Limits getLimits() {
        return limits;
    }

    public Serialization getSerialization() {
        return serialization;
    }

    public Cluster getCluster() {
        return cluster;
    }

    public Events getEvents() {
        return events;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Observations getObservations() {
        return observations;
    }

    public Transport getTransport() {
        return transport;
    }

    public DiscoveryClient getDiscoveryClient() {
        return discoveryClient;
    }

    /** Size limits, checked where a call is made (a violation throws there, naming the limit). */
    public static class Limits {

        /** Longest name or group name accepted, in characters. */
        private int maxNameLength = 1024;

        /** Largest metadata accepted for a name or a membership, serialized. */
        private DataSize maxMetadataSize = DataSize.ofKilobytes(64);

        /** Largest message accepted for a process on another node, serialized. */
        private DataSize maxMessageSize = DataSize.ofMegabytes(8);

        /** Most messages a process may have waiting; a send beyond it is refused (MAILBOX_FULL). */
        private int maxMailboxSize = 100_000;

        public int getMaxNameLength() {
            return maxNameLength;
        }

        public void setMaxNameLength(int maxNameLength) {
            this.maxNameLength = maxNameLength;
        }

        public DataSize getMaxMetadataSize() {
            return maxMetadataSize;
        }

        public void setMaxMetadataSize(DataSize maxMetadataSize) {
            this.maxMetadataSize = maxMetadataSize;
        }

        public DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public int getMaxMailboxSize() {
            return maxMailboxSize;
        }

        public void setMaxMailboxSize(int maxMailboxSize) {
            this.maxMailboxSize = maxMailboxSize;
        }
    }

    /** What may cross the network in metadata and messages. */
    public static class Serialization {

        /**
         * Class-name prefixes (e.g. "com.example.devices.") allowed to cross the network in metadata, messages
         * and replies, whatever their serialization (Java or Compact), besides java.*, Hazelcast's and Syn's own
         * and classes with a registered Compact serializer. Anything else is refused at the call and on arrival.
         */
        private List<String> allowedClasses = new ArrayList<>();

        public List<String> getAllowedClasses() {
            return allowedClasses;
        }

        public void setAllowedClasses(List<String> allowedClasses) {
            this.allowedClasses = allowedClasses;
        }
    }

    /**
     * The embedded Hazelcast member Syn starts when the application has no HazelcastInstance of its own.
     * Ignored when it has one (then its own Hazelcast configuration applies).
     */
    public static class Cluster {

        /**
         * Hazelcast cluster name: only members with the same name form a cluster. Default: "syn"; a
         * standalone node (no members, static discovery) gets a name of its own, so no other member joins it.
         */
        private @Nullable String name;

        /** Port the member listens on; 0 means the first free port from 5701. */
        private int port;

        /**
         * A secret shared by every node (at least 16 characters, e.g. 32 random ones): a member is a Syn node
         * only once its link proved it holds it. Lighter than mutual TLS (syn.transport.ssl.bundle): it keeps
         * out members without it, but does not encrypt what the links carry.
         */
        private @Nullable String secret;

        /**
         * Address to bind and to publish to the other members. Default: loopback only (127.0.0.1), or with
         * syn.cluster.discovery=kubernetes the pod's own address.
         */
        private @Nullable String interfaceAddress;

        /**
         * Members to contact, comma-separated host:port, with syn.cluster.discovery=static. Empty (the
         * default): a standalone node that joins nothing.
         */
        private List<String> members = new ArrayList<>();

        /**
         * How peers are found: static (syn.cluster.members), spring-cloud (the application's DiscoveryClient) or
         * kubernetes (syn.cluster.kubernetes.*).
         */
        private Discovery discovery = Discovery.STATIC;

        /**
         * Service id whose instances are the peers, with syn.cluster.discovery=spring-cloud. An instance's
         * Hazelcast port is its "syn-port" metadata, else its port. Default: spring.application.name, else "syn".
         */
        private @Nullable String discoveryServiceId;

        private final Kubernetes kubernetes = new Kubernetes();

        /** How often members send heartbeats (whole seconds). */
        private Duration heartbeatInterval = Duration.ofSeconds(1);

        /**
         * How long a silent member stays in the cluster before it is removed and its entries dropped (whole
         * seconds; Hazelcast's own default is 60 s).
         */
        private Duration failureTimeout = Duration.ofSeconds(10);

        /**
         * How often a member looks for a split cluster to merge with after a net split (whole seconds;
         * Hazelcast's own default is 5 minutes for the first run, then 3 minutes).
         */
        private Duration mergeInterval = Duration.ofSeconds(10);

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public @Nullable String getSecret() {
            return secret;
        }

        public void setSecret(@Nullable String secret) {
            this.secret = secret;
        }

        /** The {@code syn.cluster.interface} property ({@code interface} is a Java keyword). */
        public @Nullable String getInterface() {
            return interfaceAddress;
        }

        public void setInterface(@Nullable String interfaceAddress) {
            this.interfaceAddress = interfaceAddress;
        }

        public List<String> getMembers() {
            return members;
        }

        public void setMembers(List<String> members) {
            this.members = members;
        }

        public Discovery getDiscovery() {
            return discovery;
        }

        public void setDiscovery(Discovery discovery) {
            this.discovery = discovery;
        }

        public @Nullable String getDiscoveryServiceId() {
            return discoveryServiceId;
        }

        public void setDiscoveryServiceId(@Nullable String discoveryServiceId) {
            this.discoveryServiceId = discoveryServiceId;
        }

        public Kubernetes getKubernetes() {
            return kubernetes;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getFailureTimeout() {
            return failureTimeout;
        }

        public void setFailureTimeout(Duration failureTimeout) {
            this.failureTimeout = failureTimeout;
        }

        public Duration getMergeInterval() {
            return mergeInterval;
        }

        public void setMergeInterval(Duration mergeInterval) {
            this.mergeInterval = mergeInterval;
        }
    }

    /** How the embedded member finds its peers. */
    public enum Discovery {
        /** The fixed list in syn.cluster.members. */
        STATIC,
        /** The instances of syn.cluster.discovery-service-id in the application's Spring Cloud DiscoveryClient. */
        SPRING_CLOUD,
        /** The pods behind a Kubernetes service, through Hazelcast's Kubernetes discovery (syn.cluster.kubernetes.*). */
        KUBERNETES
    }

    /**
     * Peers on Kubernetes, with syn.cluster.discovery=kubernetes: the pods behind a headless service, found by a
     * DNS lookup of its name (service-dns) or through the Kubernetes API (service-name, namespace).
     */
    public static class Kubernetes {

        /**
         * DNS name of the headless service whose addresses are the pods, e.g. syn-hz.my-namespace.svc.cluster.local
         * (DNS mode: no API access needed).
         */
        private @Nullable String serviceDns;

        /** Name of the service whose endpoints are the pods (API mode: needs read access to endpoints). */
        private @Nullable String serviceName;

        /** Namespace of the service in API mode. Default: the pod's own namespace. */
        private @Nullable String namespace;

        /** Hazelcast port of the pods. Default: syn.cluster.port, or 5701 when that is 0. */
        private int servicePort;

        public @Nullable String getServiceDns() {
            return serviceDns;
        }

        public void setServiceDns(@Nullable String serviceDns) {
            this.serviceDns = serviceDns;
        }

        public @Nullable String getServiceName() {
            return serviceName;
        }

        public void setServiceName(@Nullable String serviceName) {
            this.serviceName = serviceName;
        }

        public @Nullable String getNamespace() {
            return namespace;
        }

        public void setNamespace(@Nullable String namespace) {
            this.namespace = namespace;
        }

        public int getServicePort() {
            return servicePort;
        }

        public void setServicePort(int servicePort) {
            this.servicePort = servicePort;
        }
    }

    /** Publication of registry and group events as Spring application events. */
    public static class Events {

        /** Whether every registry and group event is published as a Spring ApplicationEvent. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Micrometer observations of what crosses nodes: syn.send and syn.receive. */
    public static class Observations {

        /**
         * Whether Syn reports its observations of what crosses nodes (timers; spans whose trace context travels with
         * messages, when tracing is set up) to the application's ObservationRegistry, when it has one. Off by
         * default, as for Spring's messaging clients: each observed message costs throughput on busy links.
         */
        private boolean enabled;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Micrometer meters under syn.*. */
    public static class Metrics {

        /** Whether Syn's meters are registered (when Micrometer is present). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * The Spring Cloud DiscoveryClient listing each Syn node of the cluster as the application it is (its
     * service id and HTTP port), with its node id, scopes and Hazelcast address in metadata.
     */
    public static class DiscoveryClient {

        /**
         * Whether the Syn nodes are offered as a DiscoveryClient (when Spring Cloud Commons is present). Off by
         * default: an application with a service registry already lists its instances.
         */
        private boolean enabled;

        /** Service id under which this node is listed. Default: spring.application.name, else "syn". */
        private @Nullable String serviceId;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getServiceId() {
            return serviceId;
        }

        public void setServiceId(@Nullable String serviceId) {
            this.serviceId = serviceId;
        }
    }

    /** The links between nodes that carry every message; Hazelcast only says which nodes are members. */
    public static class Transport {

        /**
         * Port the node's links listen on, on the member's interface; 0 means any free port (its address is
         * published with the node's membership).
         */
        private int port;

        /** Most message bytes held for one other node, sent and not yet acknowledged; beyond it, sends wait. */
        private DataSize maxBuffered = DataSize.ofMegabytes(64);

        /** How long a send waits for room in a full link before it answers BACKPRESSURE. */
        private Duration backpressureWait = Duration.ofSeconds(5);

        /**
         * How long a link to a member may go without delivering before that node counts as unreachable (in
         * health, the endpoint and the syn.nodes.unreachable meter) and its connection is opened anew.
         */
        private Duration unreachableAfter = Duration.ofSeconds(3);

        private final Ssl ssl = new Ssl();

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public DataSize getMaxBuffered() {
            return maxBuffered;
        }

        public void setMaxBuffered(DataSize maxBuffered) {
            this.maxBuffered = maxBuffered;
        }

        public Duration getBackpressureWait() {
            return backpressureWait;
        }

        public void setBackpressureWait(Duration backpressureWait) {
            this.backpressureWait = backpressureWait;
        }

        public Duration getUnreachableAfter() {
            return unreachableAfter;
        }

        public void setUnreachableAfter(Duration unreachableAfter) {
            this.unreachableAfter = unreachableAfter;
        }

        public Ssl getSsl() {
            return ssl;
        }

        /** Mutual TLS for the links. */
        public static class Ssl {

            /**
             * Name of the SSL bundle (spring.ssl.bundle.*) whose key store holds this node's certificate and
             * whose trust store holds what the other nodes' certificates are checked against. Unset: plain TCP.
             */
            private @Nullable String bundle;

            /**
             * Whether a node's certificate must name it (its common name or a DNS subject alternative name is
             * the node name), so that no node can speak for another. Turn off only with one certificate for the
             * whole cluster.
             */
            private boolean nodeNameInCertificate = true;

            public boolean isNodeNameInCertificate() {
                return nodeNameInCertificate;
            }

            public void setNodeNameInCertificate(boolean nodeNameInCertificate) {
                this.nodeNameInCertificate = nodeNameInCertificate;
            }

            public @Nullable String getBundle() {
                return bundle;
            }

            public void setBundle(@Nullable String bundle) {
                this.bundle = bundle;
            }
        }
    }
}
