package io.synspring.autoconfigure;

import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.registry.ConflictResolver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link SynProperties} into the engine's {@link SynSettings} and the embedded member's configuration,
 * checking every value first so that a mistake fails startup with the property's name and the fix.
 */
public final class SynSettingsFactory {

    /** A host name, or an IPv4 address with Hazelcast's ranges ({@code 10.0.0.1-5}) and wildcards. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9._*-]*[A-Za-z0-9*])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%]*");

    private SynSettingsFactory() {}

    /**
     * The node's settings; {@code resolver} replaces the default conflict resolution when not null;
     * {@code sslBundles} provide the bundle named by {@code syn.transport.ssl.bundle}.
     */
    public static SynSettings settings(SynProperties properties, @Nullable ConflictResolver resolver,
            @Nullable SslBundles sslBundles) {
        SynSettings.Builder builder = SynSettings.builder();
        String nodeName = properties.getNodeName();
        if (nodeName != null) {
            if (nodeName.isBlank() || nodeName.contains("#") || nodeName.contains(",")) {
                throw new InvalidSynPropertyException("syn.node-name", nodeName,
                        "a node name must be non-blank and contain neither '#' nor ','",
                        "Set syn.node-name to a plain name such as 'gateway-1', or remove it to use the host name.");
            }
            builder.nodeName(nodeName.trim());
        }
        for (String scope : properties.getScopes()) {
            if (scope == null || scope.isBlank() || scope.contains(",")) {
                throw new InvalidSynPropertyException("syn.scopes", properties.getScopes(),
                        "every scope must be a non-blank name",
                        "List scope names separated by commas, e.g. syn.scopes=devices,users.");
            }
        }
        builder.scopes(properties.getScopes().stream().map(String::trim)
                .collect(Collectors.toSet()));
        builder.strictMode(properties.isStrictMode());
        builder.multiCallTimeout(positive("syn.multi-call-timeout", properties.getMultiCallTimeout()));
        builder.requestTimeout(positive("syn.request-timeout", properties.getRequestTimeout()));
        builder.syncRetry(positive("syn.sync-retry", properties.getSyncRetry()));
        Integer workers = properties.getWorkerThreads();
        if (workers != null) {
            builder.workerThreads(positive("syn.worker-threads", workers));
        }
        SynProperties.Limits limits = properties.getLimits();
        builder.maxNameLength(positive("syn.limits.max-name-length", limits.getMaxNameLength()));
        builder.maxMetadataBytes(bytes("syn.limits.max-metadata-size", limits.getMaxMetadataSize()));
        builder.maxMessageBytes(bytes("syn.limits.max-message-size", limits.getMaxMessageSize()));
        builder.maxMailboxSize(positive("syn.limits.max-mailbox-size", limits.getMaxMailboxSize()));
        List<String> allowed = properties.getSerialization().getAllowedClasses();
        for (String prefix : allowed) {
            if (prefix == null || prefix.isBlank()) {
                throw new InvalidSynPropertyException("syn.serialization.allowed-classes", allowed,
                        "an empty prefix would allow every class to be deserialized from the network",
                        "List package prefixes of your own classes, e.g. syn.serialization.allowed-classes="
                                + "com.example.devices.");
            }
        }
        builder.allowedClassPrefixes(allowed.stream().map(String::trim).toList());
        if (resolver != null) {
            builder.conflictResolver(resolver);
        }
        transport(builder, properties.getTransport(), sslBundles);
        String secret = properties.getCluster().getSecret();
        if (secret != null) {
            if (secret.getBytes(StandardCharsets.UTF_8).length < 16) {
                // the value is never shown: it is a secret
                throw new InvalidSynPropertyException("syn.cluster.secret", "(hidden)",
                        "it is shorter than 16 characters, too easy to guess",
                        "Set syn.cluster.secret to the same long random value on every node, e.g. the output of "
                                + "'openssl rand -base64 32', from an environment variable or a secret store.");
            }
            builder.clusterSecret(secret);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidSynPropertyException("syn.*", null, String.valueOf(e.getMessage()),
                    "Correct the syn.* properties.");
        }
    }

    private static void transport(SynSettings.Builder builder, SynProperties.Transport transport,
            @Nullable SslBundles sslBundles) {
        if (transport.getPort() < 0 || transport.getPort() > 65535) {
            throw new InvalidSynPropertyException("syn.transport.port", transport.getPort(),
                    "a port is between 1 and 65535 (0: any free port)",
                    "Set syn.transport.port to a free port, e.g. 6701, or to 0.");
        }
        builder.transportPort(transport.getPort());
        DataSize maxBuffered = transport.getMaxBuffered();
        if (maxBuffered == null || maxBuffered.toBytes() <= 0) {
            throw new InvalidSynPropertyException("syn.transport.max-buffered", maxBuffered,
                    "it must be a positive size", "Set syn.transport.max-buffered to a size such as 64MB.");
        }
        builder.maxBufferedBytes(maxBuffered.toBytes());
        Duration wait = transport.getBackpressureWait();
        if (wait == null || wait.isNegative()) {
            throw new InvalidSynPropertyException("syn.transport.backpressure-wait", wait,
                    "it must be zero (refuse at once) or a positive duration",
                    "Set syn.transport.backpressure-wait to a duration such as 5s, or 0 to refuse at once.");
        }
        builder.backpressureWait(wait);
        builder.unreachableAfter(positive("syn.transport.unreachable-after", transport.getUnreachableAfter()));
        builder.nodeNameInCertificate(transport.getSsl().isNodeNameInCertificate());
        String bundle = transport.getSsl().getBundle();
        if (bundle != null) {
            if (sslBundles == null) {
                throw new InvalidSynPropertyException("syn.transport.ssl.bundle", bundle,
                        "there are no SSL bundles in this application",
                        "Define the bundle under spring.ssl.bundle.jks." + bundle + " or spring.ssl.bundle.pem."
                                + bundle + ", or remove syn.transport.ssl.bundle for plain TCP.");
            }
            try {
                builder.transportSsl(sslBundles.getBundle(bundle).createSslContext());
            } catch (NoSuchSslBundleException e) {
                throw new InvalidSynPropertyException("syn.transport.ssl.bundle", bundle,
                        "there is no SSL bundle named '" + bundle + "'",
                        "Define it under spring.ssl.bundle.jks." + bundle + " or spring.ssl.bundle.pem." + bundle
                                + " (a key store with this node's certificate, a trust store with the cluster's), "
                                + "or correct the name.");
            }
        }
    }

    /**
     * The embedded member from {@code syn.cluster.*}; {@code members} are the peers to contact. Without
     * {@code syn.cluster.name}, the cluster is {@code syn}, or one of its own for a standalone node (no members,
     * static discovery): then no other member, even one listing its address, can join it.
     */
    public static EmbeddedMember embeddedMember(SynProperties.Cluster cluster, List<String> members) {
        String name = cluster.getName();
        if (name == null) {
            boolean standalone = members.isEmpty() && cluster.getDiscovery() == SynProperties.Discovery.STATIC;
            name = standalone ? "syn-standalone-" + UUID.randomUUID() : "syn";
        } else if (name.isBlank()) {
            throw new InvalidSynPropertyException("syn.cluster.name", name,
                    "the cluster name must not be blank", "Set syn.cluster.name to the name all nodes share.");
        }
        if (cluster.getPort() < 0 || cluster.getPort() > 65535) {
            throw new InvalidSynPropertyException("syn.cluster.port", cluster.getPort(),
                    "a port is between 1 and 65535 (0: the first free port from 5701)",
                    "Set syn.cluster.port to a free port, e.g. 5701, or to 0.");
        }
        String bind = cluster.getInterface();
        if (bind != null && bind.isBlank()) {
            throw new InvalidSynPropertyException("syn.cluster.interface", bind,
                    "the member needs an address to bind", "Set syn.cluster.interface, e.g. 127.0.0.1 or 10.0.0.5, "
                            + "or remove it for the default.");
        }
        for (String member : cluster.getMembers()) {
            checkMember(member, cluster.getMembers());
        }
        Duration heartbeat = seconds("syn.cluster.heartbeat-interval", cluster.getHeartbeatInterval());
        Duration failure = seconds("syn.cluster.failure-timeout", cluster.getFailureTimeout());
        Duration merge = seconds("syn.cluster.merge-interval", cluster.getMergeInterval());
        if (failure.compareTo(heartbeat) <= 0) {
            throw new InvalidSynPropertyException("syn.cluster.failure-timeout", failure,
                    "the failure timeout must be longer than the heartbeat interval (" + heartbeat + ")",
                    "Set syn.cluster.failure-timeout to several heartbeat intervals, e.g. 10s.");
        }
        return new EmbeddedMember(name.trim(), bind == null ? "127.0.0.1" : bind.trim(), cluster.getPort(),
                members, heartbeat, failure, merge);
    }

    private static void checkMember(String member, List<String> all) {
        if (!validMember(member == null ? "" : member.trim())) {
            throw new InvalidSynPropertyException("syn.cluster.members", String.join(",", all),
                    "'" + member + "' is not a host:port address (a host name, an IPv4 address or range, or an "
                            + "IPv6 address in brackets, and a port from 1 to 65535)",
                    "List the other members as host:port separated by commas, e.g. "
                            + "syn.cluster.members=10.0.0.5:5701,10.0.0.6:5701.");
        }
    }

    /** Whether Hazelcast can contact {@code member}: {@code host}, {@code host:port} or {@code [ipv6]:port}. */
    static boolean validMember(String member) {
        String host = member;
        String port = null;
        if (member.startsWith("[")) {
            int end = member.indexOf(']');
            if (end < 0) {
                return false;
            }
            host = member.substring(1, end);
            String rest = member.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return false;
                }
                port = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches()) {
                return false;
            }
        } else {
            int colon = member.lastIndexOf(':');
            if (colon >= 0 && member.indexOf(':') != colon) {
                return IPV6.matcher(member).matches(); // an IPv6 address without brackets, hence without a port
            }
            if (colon >= 0) {
                host = member.substring(0, colon);
                port = member.substring(colon + 1);
            }
            if (!HOST.matcher(host).matches()) {
                return false;
            }
        }
        if (port == null) {
            return true;
        }
        try {
            int number = Integer.parseInt(port);
            return number > 0 && number <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Duration positive(String property, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidSynPropertyException(property, value, "it must be a positive duration",
                    "Set " + property + " to a positive duration such as 5s or 500ms.");
        }
        return value;
    }

    private static Duration seconds(String property, @Nullable Duration value) {
        if (value == null || value.toSeconds() < 1) {
            throw new InvalidSynPropertyException(property, value,
                    "Hazelcast counts this in whole seconds, so it must be at least 1s",
                    "Set " + property + " to a whole number of seconds, e.g. 1s or 10s.");
        }
        return value;
    }

    private static int positive(String property, int value) {
        if (value <= 0) {
            throw new InvalidSynPropertyException(property, value, "it must be a positive number",
                    "Set " + property + " to a number greater than 0, or remove it to use the default.");
        }
        return value;
    }

    private static int bytes(String property, @Nullable DataSize value) {
        if (value == null || value.toBytes() <= 0 || value.toBytes() > Integer.MAX_VALUE) {
            throw new InvalidSynPropertyException(property, value, "it must be a positive size below 2GB",
                    "Set " + property + " to a size such as 64KB or 8MB.");
        }
        return (int) value.toBytes();
    }
}
