package io.synspring.testing;

import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.FirewallingNodeContext;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.server.FirewallingServer;
import com.hazelcast.test.Accessors;
import com.hazelcast.test.SplitBrainTestSupport;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Real embedded Hazelcast members on loopback for tests: a unique cluster name, free ports, TCP/IP join
 * (never multicast) and fast failure detection. Members run Hazelcast's firewalling server (from its test
 * support) over real sockets, so a test can cut and heal the links between them: a net split.
 * Close it to stop every node still running.
 */
public final class TestCluster implements AutoCloseable {

    /**
     * A system property: when set, every node shares this cluster secret unless its test says otherwise, so
     * that a cluster suite can be run again over secure links ({@code -Dsyn.test.cluster-secret=...}).
     */
    public static final String SECRET_PROPERTY = "syn.test.cluster-secret";

    private final String clusterName = "syn-test-" + UUID.randomUUID();
    private final List<Integer> ports = new ArrayList<>();
    private final List<NodeRegistry> nodes = new ArrayList<>();
    /** Cuts in place: the two nodes, as they were when cut (either may have stopped or restarted since). */
    private final List<Cut> cuts = new ArrayList<>();

    private record Cut(NodeRegistry a, Address addressA, NodeRegistry b, Address addressB) {}

    /** Starts {@code count} nodes named {@code node-1..count} in the given scopes and waits until all see each other. */
    public static TestCluster start(int count, String... scopes) {
        TestCluster cluster = new TestCluster(count);
        for (int i = 0; i < count; i++) {
            cluster.startNode(i, builder -> builder.scopes(scopes));
        }
        cluster.awaitFullyConnected();
        return cluster;
    }

    /** Reserves {@code size} ports; start the nodes with {@link #startNode}. */
    public TestCluster(int size) {
        for (int i = 0; i < size; i++) {
            ports.add(LoopbackPorts.free());
            nodes.add(null);
        }
    }

    /** Starts node {@code index} (named {@code node-(index+1)}), replacing a stopped one in that slot. */
    public NodeRegistry startNode(int index, UnaryOperator<SynSettings.Builder> settings) {
        return startNode(index, allIndexes(), settings);
    }

    /**
     * Starts node {@code index} with a TCP/IP member list holding only the nodes {@code seeds} (and itself):
     * it joins those of them that run, or forms a cluster of its own, and never looks for the others
     * until {@link #discoverAll(int)}. This is how a test builds two clusters with the same cluster name that
     * cannot see each other (a net split from the start).
     */
    public NodeRegistry startNode(int index, Collection<Integer> seeds, UnaryOperator<SynSettings.Builder> settings) {
        SynSettings built = settings.apply(SynSettings.builder().nodeName("node-" + (index + 1))
                .syncRetry(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(10))
                .clusterSecret(System.getProperty(SECRET_PROPERTY))).build();
        HazelcastInstance hazelcast = HazelcastInstanceFactory.newHazelcastInstance(
                NodeRegistry.configure(memberConfig(index, seeds).toConfig(), built),
                "syn-" + clusterName + "-" + index + "-" + UUID.randomUUID(), new FirewallingNodeContext());
        NodeRegistry node = NodeRegistry.start(hazelcast, built);
        nodes.set(index, node);
        return node;
    }

    /**
     * Starts node {@code index} again on a new port: a restart on another address, which links cut from
     * the old address do not affect.
     */
    public NodeRegistry restartOnNewPort(int index, UnaryOperator<SynSettings.Builder> settings) {
        if (nodes.get(index) != null) {
            throw new IllegalStateException("node " + index + " is still running");
        }
        ports.set(index, LoopbackPorts.free());
        return startNode(index, settings);
    }

    public EmbeddedMember memberConfig(int index) {
        return memberConfig(index, allIndexes());
    }

    /** The member config of node {@code index} whose TCP/IP member list holds {@code seeds} and itself. */
    public EmbeddedMember memberConfig(int index, Collection<Integer> seeds) {
        Set<Integer> listed = new TreeSet<>(seeds);
        listed.add(index);
        List<String> members = listed.stream().map(this::address).collect(Collectors.toList());
        return new EmbeddedMember(clusterName, "127.0.0.1", ports.get(index), members, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(3));
    }

    /**
     * Adds every node of this test cluster to the TCP/IP member list of running node {@code index}. If it
     * is the master of a cluster smaller than another one it now finds, Hazelcast's split-brain handler
     * merges its cluster into that one at its next run (every merge interval, 3 s here): the net split
     * heals. Hazelcast reads the member list of the running member's configuration at each run.
     */
    public void discoverAll(int index) {
        TcpIpConfig tcpIp = node(index).hazelcast().getConfig().getNetworkConfig().getJoin().getTcpIpConfig();
        for (int other : allIndexes()) {
            String address = address(other);
            if (!tcpIp.getMembers().contains(address)) {
                tcpIp.addMember(address);
            }
        }
    }

    /** The number of node slots, running or not. */
    public int size() {
        return nodes.size();
    }

    public NodeRegistry node(int index) {
        return nodes.get(index);
    }

    public List<NodeRegistry> nodes() {
        return nodes.stream().filter(node -> node != null).collect(Collectors.toList());
    }

    /** Kills node {@code index} without a goodbye (its links cut, Hazelcast terminated: like a crash). */
    public void terminate(int index) {
        transport(index).close();
        NodeRegistry node = nodes.set(index, null);
        node.hazelcast().getLifecycleService().terminate();
        node.close();
    }

    /** Stops node {@code index} gracefully. */
    public void shutdown(int index) {
        NodeRegistry node = nodes.set(index, null);
        node.close();
        node.hazelcast().shutdown();
    }

    /**
     * Cuts every link between the nodes of {@code side} and all the other running nodes, and waits until
     * each side sees only itself.
     */
    public void split(int... side) {
        Set<Integer> a = Arrays.stream(side).boxed().collect(Collectors.toSet());
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) != null && !a.contains(i)) {
                b.add(i);
            }
        }
        for (int i : a) {
            for (int j : b) {
                cut(i, j);
            }
        }
        await("the split into " + a + " and " + b).atMost(Duration.ofSeconds(60))
                .until(() -> a.stream().allMatch(i -> node(i).nodes().size() == a.size())
                        && b.stream().allMatch(j -> node(j).nodes().size() == b.size()));
    }

    /**
     * Cuts the network between two nodes only (a partial split): Hazelcast's connections and Syn's links, both
     * ways. Hazelcast decides what becomes of the membership.
     */
    public void cut(int i, int j) {
        SplitBrainTestSupport.blockCommunicationBetween(node(i).hazelcast(), node(j).hazelcast());
        transport(i).block(node(j).node());
        transport(j).block(node(i).node());
        cuts.add(new Cut(node(i), Accessors.getNode(node(i).hazelcast()).getThisAddress(),
                node(j), Accessors.getNode(node(j).hazelcast()).getThisAddress()));
    }

    /** The links of node {@code index}. */
    public Transport transport(int index) {
        return transport(node(index));
    }

    private static Transport transport(NodeRegistry node) {
        return (Transport) node.hazelcast().getUserContext().get(HazelcastCluster.TRANSPORT_CONTEXT_KEY);
    }

    /**
     * Restores every cut link and waits until every running node sees all the others again. A cut from a node
     * that has stopped since is lifted on the side still running, so a node restarted on the same address is
     * not cut off by it.
     */
    public void heal() {
        liftCuts();
        awaitFullyConnected();
    }

    /** Restores every cut link at once, without waiting for anything: the end of a blip. */
    public void liftCuts() {
        for (Cut cut : cuts) {
            lift(cut.a(), cut.b(), cut.addressB());
            lift(cut.b(), cut.a(), cut.addressA());
        }
        cuts.clear();
    }

    /** Lets {@code from} hear from {@code other} again, if {@code from} still runs. */
    private static void lift(NodeRegistry from, NodeRegistry other, Address otherAddress) {
        if (!from.hazelcast().getLifecycleService().isRunning()) {
            return;
        }
        Node node = Accessors.getNode(from.hazelcast());
        ((FirewallingServer.FirewallingServerConnectionManager) node.getServer()
                .getConnectionManager(EndpointQualifier.MEMBER)).unblock(otherAddress);
        transport(from).unblock(other.node());
    }

    /** Waits until every running node sees exactly the running nodes (none gone, no former incarnation). */
    public void awaitFullyConnected() {
        List<NodeRegistry> running = nodes();
        Set<NodeId> ids = running.stream().map(NodeRegistry::node).collect(Collectors.toSet());
        await("every node sees " + ids).atMost(Duration.ofSeconds(60))
                .until(() -> running.stream().allMatch(node -> node.nodes().equals(ids)));
    }

    /**
     * Stops every node still running. The members are terminated rather than shut down gracefully: a test is
     * over, and a graceful Hazelcast shutdown of the last members of a cluster can take seconds.
     */
    @Override
    public void close() {
        nodes().forEach(node -> {
            try {
                node.hazelcast().getLifecycleService().terminate();
                node.close();
            } catch (RuntimeException ignored) {
                // best effort
            }
        });
    }

    private String address(int index) {
        return "127.0.0.1:" + ports.get(index);
    }

    private List<Integer> allIndexes() {
        return IntStream.range(0, ports.size()).boxed().collect(Collectors.toList());
    }
}
