package io.synspring;

import io.micrometer.observation.ObservationRegistry;
import io.synspring.observation.SynReceiverObservationConvention;
import io.synspring.observation.SynSenderObservationConvention;
import io.synspring.registry.ConflictResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How a node runs: its name, scopes, strictness, limits and timings. Immutable; build with
 * {@link #builder()}. Every value is checked when built, with a message naming the setting and the fix.
 *
 * @param nodeName the node's stable name (an incarnation is added at each start)
 * @param scopes the scopes this node takes part in; always contains {@value #DEFAULT_SCOPE}
 * @param strictMode whether only a process itself may register, join, leave or update itself
 * @param maxNameLength the longest name or group name accepted, in characters
 * @param maxMetadataBytes the largest metadata accepted, serialized, in bytes
 * @param maxMessageBytes the largest message accepted for another node, serialized, in bytes
 * @param maxMailboxSize the most messages a process may have waiting before sends to it are refused
 * @param requestTimeout how long an operation routed to another node waits for its answer
 * @param multiCallTimeout the default time a multi-call waits for replies
 * @param syncRetry how long a node waits for missing changes or a snapshot before asking again
 * @param workerThreads threads running process handlers and the engine's work
 * @param conflictResolver decides between two processes registered under one name
 * @param allowedClassPrefixes class-name prefixes (besides java, Hazelcast and Syn) that may arrive over the
 *     network in metadata and messages
 * @param transportPort the port this node's links listen on, on the Hazelcast member's interface ({@code 0}:
 *     any free port; its address travels with the node's membership)
 * @param maxBufferedBytes the most message bytes held for one other node, sent but not yet acknowledged;
 *     beyond it, sends wait for room
 * @param backpressureWait how long a send waits for room when the link to the process's node is full,
 *     before it answers {@link io.synspring.process.SendResult#BACKPRESSURE}
 * @param unreachableAfter how long a link to a member may go without delivering before that node counts as
 *     unreachable (and the connection is opened anew)
 * @param transportSsl mutual TLS for the links between nodes (every node needs a certificate the others
 *     trust), or {@code null} for plain TCP
 * @param nodeNameInCertificate with TLS, whether a node's certificate must name it (its common name or a DNS
 *     subject alternative name is the node name), so no node can speak for another
 * @param clusterSecret a secret shared by every node (at least 16 characters): a node's links must prove it
 *     holds it, or {@code null}. With TLS or a secret a node is a Syn node only once its link proved who it is
 * @param observationRegistry where the node reports its observations of what crosses nodes (timers, and spans
 *     whose trace context travels with messages and routed operations); {@link ObservationRegistry#NOOP}: none,
 *     and nothing is added to the wire
 * @param senderObservationConvention names and tags {@link io.synspring.observation.SynObservation#SEND}, or
 *     {@code null} for the default
 * @param receiverObservationConvention names and tags {@link io.synspring.observation.SynObservation#RECEIVE},
 *     or {@code null} for the default
 */
public record SynSettings(String nodeName, Set<String> scopes, boolean strictMode, int maxNameLength,
        int maxMetadataBytes, int maxMessageBytes, int maxMailboxSize, Duration requestTimeout,
        Duration multiCallTimeout, Duration syncRetry, int workerThreads, ConflictResolver conflictResolver,
        List<String> allowedClassPrefixes, int transportPort, long maxBufferedBytes, Duration backpressureWait,
        Duration unreachableAfter, @Nullable SSLContext transportSsl, boolean nodeNameInCertificate,
        @Nullable String clusterSecret, ObservationRegistry observationRegistry,
        @Nullable SynSenderObservationConvention senderObservationConvention,
        @Nullable SynReceiverObservationConvention receiverObservationConvention) {

    /** The scope every node is in. */
    public static final String DEFAULT_SCOPE = "default";

    public SynSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        if (nodeName.isBlank() || nodeName.contains("#") || nodeName.contains(",")) {
            throw new IllegalArgumentException("node name '" + nodeName
                    + "' is invalid: use a non-blank name without '#' or ','");
        }
        Set<String> all = new LinkedHashSet<>();
        all.add(DEFAULT_SCOPE);
        for (String scope : scopes) {
            if (scope == null || scope.isBlank() || scope.contains(",")) {
                throw new IllegalArgumentException(
                        "scope '" + scope + "' is invalid: use a non-blank name without ','");
            }
            all.add(scope.trim());
        }
        scopes = Set.copyOf(all);
        positive("maxNameLength", maxNameLength);
        positive("maxMetadataBytes", maxMetadataBytes);
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxMailboxSize", maxMailboxSize);
        positive("workerThreads", workerThreads);
        positive("requestTimeout", requestTimeout);
        positive("multiCallTimeout", multiCallTimeout);
        positive("syncRetry", syncRetry);
        Objects.requireNonNull(conflictResolver, "conflictResolver");
        allowedClassPrefixes = List.copyOf(allowedClassPrefixes);
        if (transportPort < 0 || transportPort > 65_535) {
            throw new IllegalArgumentException("transportPort must be 0 (any free port) or a port number, was "
                    + transportPort);
        }
        positive("maxBufferedBytes", maxBufferedBytes);
        if (backpressureWait == null || backpressureWait.isNegative()) {
            throw new IllegalArgumentException("backpressureWait must be zero or positive, was " + backpressureWait);
        }
        positive("unreachableAfter", unreachableAfter);
        if (clusterSecret != null && clusterSecret.getBytes(StandardCharsets.UTF_8).length < 16) {
            throw new IllegalArgumentException("clusterSecret is too short: use at least 16 random characters, the "
                    + "same on every node");
        }
        Objects.requireNonNull(observationRegistry, "observationRegistry (ObservationRegistry.NOOP for none)");
    }

    /**
     * Whether this node's links must prove who is at either end (mutual TLS, a cluster secret or both): then a
     * member is a Syn node only once its link did.
     */
    public boolean isSecure() {
        return transportSsl != null || clusterSecret != null;
    }

    @Override
    public String toString() {
        return "SynSettings[nodeName=" + nodeName + ", scopes=" + scopes + ", secure=" + isSecure() + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from the defaults. */
    public Builder toBuilder() {
        return new Builder().nodeName(nodeName).scopes(scopes).strictMode(strictMode).maxNameLength(maxNameLength)
                .maxMetadataBytes(maxMetadataBytes).maxMessageBytes(maxMessageBytes).maxMailboxSize(maxMailboxSize)
                .requestTimeout(requestTimeout).multiCallTimeout(multiCallTimeout).syncRetry(syncRetry)
                .workerThreads(workerThreads).conflictResolver(conflictResolver)
                .allowedClassPrefixes(allowedClassPrefixes).transportPort(transportPort)
                .maxBufferedBytes(maxBufferedBytes).backpressureWait(backpressureWait)
                .unreachableAfter(unreachableAfter).transportSsl(transportSsl)
                .nodeNameInCertificate(nodeNameInCertificate).clusterSecret(clusterSecret)
                .observationRegistry(observationRegistry).senderObservationConvention(senderObservationConvention)
                .receiverObservationConvention(receiverObservationConvention);
    }

    private static void positive(String setting, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(setting + " must be positive, was " + value);
        }
    }

    private static void positive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be a positive duration, was " + value);
        }
    }

    /** Builds {@link SynSettings}; every setting has a default. */
    public static final class Builder {
        private String nodeName = defaultNodeName();
        private Set<String> scopes = Set.of(DEFAULT_SCOPE);
        private boolean strictMode;
        private int maxNameLength = 1024;
        private int maxMetadataBytes = 64 * 1024;
        private int maxMessageBytes = 8 * 1024 * 1024;
        private int maxMailboxSize = 100_000;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration multiCallTimeout = Duration.ofSeconds(5);
        private Duration syncRetry = Duration.ofSeconds(1);
        private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private ConflictResolver conflictResolver = ConflictResolver.KEEP_MOST_RECENT;
        private List<String> allowedClassPrefixes = List.of();
        private int transportPort;
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Duration backpressureWait = Duration.ofSeconds(5);
        private Duration unreachableAfter = Duration.ofSeconds(3);
        private @Nullable SSLContext transportSsl;
        private boolean nodeNameInCertificate = true;
        private @Nullable String clusterSecret;
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private @Nullable SynSenderObservationConvention senderObservationConvention;
        private @Nullable SynReceiverObservationConvention receiverObservationConvention;

        private Builder() {}

        private static String defaultNodeName() {
            try {
                return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
            } catch (UnknownHostException e) {
                return "node-" + ProcessHandle.current().pid();
            }
        }

        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        public Builder scopes(Set<String> scopes) {
            this.scopes = scopes;
            return this;
        }

        public Builder scopes(String... scopes) {
            return scopes(Set.of(scopes));
        }

        public Builder strictMode(boolean strictMode) {
            this.strictMode = strictMode;
            return this;
        }

        public Builder maxNameLength(int maxNameLength) {
            this.maxNameLength = maxNameLength;
            return this;
        }

        public Builder maxMetadataBytes(int maxMetadataBytes) {
            this.maxMetadataBytes = maxMetadataBytes;
            return this;
        }

        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public Builder maxMailboxSize(int maxMailboxSize) {
            this.maxMailboxSize = maxMailboxSize;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder multiCallTimeout(Duration multiCallTimeout) {
            this.multiCallTimeout = multiCallTimeout;
            return this;
        }

        public Builder syncRetry(Duration syncRetry) {
            this.syncRetry = syncRetry;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        public Builder conflictResolver(ConflictResolver conflictResolver) {
            this.conflictResolver = conflictResolver;
            return this;
        }

        public Builder allowedClassPrefixes(List<String> allowedClassPrefixes) {
            this.allowedClassPrefixes = allowedClassPrefixes;
            return this;
        }

        public Builder transportPort(int transportPort) {
            this.transportPort = transportPort;
            return this;
        }

        public Builder maxBufferedBytes(long maxBufferedBytes) {
            this.maxBufferedBytes = maxBufferedBytes;
            return this;
        }

        public Builder backpressureWait(Duration backpressureWait) {
            this.backpressureWait = backpressureWait;
            return this;
        }

        public Builder unreachableAfter(Duration unreachableAfter) {
            this.unreachableAfter = unreachableAfter;
            return this;
        }

        /** Mutual TLS for the links between nodes; {@code null} for plain TCP. */
        public Builder transportSsl(@Nullable SSLContext transportSsl) {
            this.transportSsl = transportSsl;
            return this;
        }

        /** With TLS, whether a node's certificate must name it (common name or DNS subject alternative name). */
        public Builder nodeNameInCertificate(boolean nodeNameInCertificate) {
            this.nodeNameInCertificate = nodeNameInCertificate;
            return this;
        }

        /** A secret every node shares and its links must prove (at least 16 characters); {@code null}: none. */
        public Builder clusterSecret(@Nullable String clusterSecret) {
            this.clusterSecret = clusterSecret;
            return this;
        }

        /**
         * Where to report observations of what crosses nodes (timers; spans and trace propagation when a tracing
         * handler is registered); {@link ObservationRegistry#NOOP}, the default: none.
         */
        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            this.observationRegistry = observationRegistry;
            return this;
        }

        /** Replaces the default naming and tags of {@code syn.send}; {@code null}: the default. */
        public Builder senderObservationConvention(@Nullable SynSenderObservationConvention convention) {
            this.senderObservationConvention = convention;
            return this;
        }

        /** Replaces the default naming and tags of {@code syn.receive}; {@code null}: the default. */
        public Builder receiverObservationConvention(@Nullable SynReceiverObservationConvention convention) {
            this.receiverObservationConvention = convention;
            return this;
        }

        public SynSettings build() {
            return new SynSettings(nodeName, scopes, strictMode, maxNameLength, maxMetadataBytes, maxMessageBytes,
                    maxMailboxSize, requestTimeout, multiCallTimeout, syncRetry, workerThreads, conflictResolver,
                    allowedClassPrefixes, transportPort, maxBufferedBytes, backpressureWait, unreachableAfter,
                    transportSsl, nodeNameInCertificate, clusterSecret, observationRegistry,
                    senderObservationConvention, receiverObservationConvention);
        }
    }
}
