package io.synspring.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Hazelcast member configuration suited to a registry: TCP/IP join with an explicit member list (never
 * multicast, no auto-detection), bound to one interface, and failure detection and split-brain merging in
 * seconds rather than Hazelcast's defaults of a minute and more. Without members it contacts no one and forms
 * a cluster of its own. Hazelcast's doors that Syn does not use are shut: no REST or memcache endpoint, no Jet,
 * no management-center operations (shutdown, cluster state, scripts) from clients, no phone-home.
 *
 * @param clusterName the Hazelcast cluster name; only members with the same name join
 * @param bindInterface the address to bind and publish, e.g. {@code 127.0.0.1}
 * @param port the port to listen on ({@code 0}: the first free port from 5701)
 * @param members the members to contact, {@code host:port} each; empty for a standalone node (which members
 *        listing it can still join)
 * @param heartbeatInterval how often members send heartbeats
 * @param failureTimeout how long a silent member stays in the cluster
 * @param mergeInterval how often a member looks for a split cluster to merge with
 */
public record EmbeddedMember(String clusterName, String bindInterface, int port, List<String> members,
        Duration heartbeatInterval, Duration failureTimeout, Duration mergeInterval) {

    public EmbeddedMember {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(bindInterface, "bindInterface");
        members = List.copyOf(members);
    }

    /**
     * A pattern no client address matches: Hazelcast accepts management-center operations (shut the cluster
     * down, change its state, run scripts) from any client when the list of trusted interfaces is empty.
     */
    static final String NO_MANAGEMENT_CLIENT = "0.0.0.0";

    /** A standalone loopback member: the embedded default. */
    public static EmbeddedMember standalone(String clusterName) {
        return new EmbeddedMember(clusterName, "127.0.0.1", 0, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    public Config toConfig() {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.getManagementCenterConfig().setTrustedInterfaces(Set.of(NO_MANAGEMENT_CLIENT));
        config.getJetConfig().setEnabled(false);
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.heartbeat.interval.seconds", seconds(heartbeatInterval));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", seconds(failureTimeout));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", seconds(mergeInterval));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", seconds(mergeInterval));
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port == 0 ? 5701 : port).setPortAutoIncrement(port == 0);
        network.getInterfaces().setEnabled(true).addInterface(bindInterface);
        network.setPublicAddress(null);
        network.getRestApiConfig().setEnabled(false);
        network.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        // no members: an empty list, so no address is probed (an address without a port means ports 5701-5703).
        // TCP/IP join stays on: with no join method, Hazelcast stops members that list this one at their start.
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        return config;
    }

    private static String seconds(Duration duration) {
        return Long.toString(Math.max(1, duration.toSeconds()));
    }
}
