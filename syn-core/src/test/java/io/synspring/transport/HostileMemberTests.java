package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.client.impl.protocol.codec.MCChangeClusterStateCodec;
import com.hazelcast.client.impl.spi.impl.ClientInvocation;
import com.hazelcast.cluster.ClusterState;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.synspring.NodeRegistry;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;
import io.synspring.SynSettings;
import java.security.AccessControlException;
import org.junit.jupiter.api.Test;

/**
 * A plain Hazelcast member, no Syn at all, that knows the cluster name and one address: Hazelcast's open-source
 * edition lets it join and call the cluster-wide operations any member may call. Nodes with secure links
 * refuse its shutdown and undo its cluster-state changes; without secure links, it shuts the cluster down. A
 * plain Hazelcast client cannot call the management center's operations on an embedded member.
 */
class HostileMemberTests {

    private static final UnaryOperator<SynSettings.Builder> SECURE =
            settings -> settings.clusterSecret("correct horse battery staple");

    @Test
    void nodesWithSecureLinksSurviveAMembersShutdownAndStateChanges() {
        try (TestCluster cluster = new TestCluster(3)) {
            NodeRegistry a = cluster.startNode(0, SECURE);
            NodeRegistry b = cluster.startNode(1, SECURE);
            HazelcastInstance intruder = intruder(cluster);
            try {
                await().until(() -> a.hazelcast().getCluster().getMembers().size() == 3);

                for (ClusterState state : new ClusterState[] {ClusterState.FROZEN, ClusterState.PASSIVE}) {
                    intruder.getCluster().changeClusterState(state);
                    await("state " + state + " undone").atMost(Duration.ofSeconds(30))
                            .until(() -> a.hazelcast().getCluster().getClusterState() == ClusterState.ACTIVE);
                }

                shutDownTheCluster(intruder);

                await("the intruder alone stopped").atMost(Duration.ofSeconds(60))
                        .until(() -> !intruder.getLifecycleService().isRunning()
                                && a.hazelcast().getCluster().getMembers().size() == 2
                                && a.hazelcast().getCluster().getClusterState() == ClusterState.ACTIVE);
                assertThat(a.hazelcast().getLifecycleService().isRunning()).isTrue();
                assertThat(b.hazelcast().getLifecycleService().isRunning()).isTrue();
            } finally {
                intruder.getLifecycleService().terminate();
            }

            // the nodes keep serving, and a node can still join
            assertThat(a.registry().register("device-42", a.spawn((message, ctx) -> {}).ref()))
                    .isEqualTo(RegisterResult.OK);
            await().until(() -> b.registry().lookup("device-42").isPresent());
            NodeRegistry c = cluster.startNode(2, SECURE);
            cluster.awaitFullyConnected();
            await().until(() -> c.registry().lookup("device-42").isPresent());
        }
    }

    @Test
    void withoutSecureLinksAMemberShutsTheClusterDown() {
        try (TestCluster cluster = new TestCluster(3)) {
            // no secret, even when the suite runs over secure links (-Dsyn.test.cluster-secret)
            NodeRegistry a = cluster.startNode(0, settings -> settings.clusterSecret(null));
            NodeRegistry b = cluster.startNode(1, settings -> settings.clusterSecret(null));
            HazelcastInstance intruder = intruder(cluster);
            try {
                await().until(() -> a.hazelcast().getCluster().getMembers().size() == 3);
                shutDownTheCluster(intruder);
                await("every member stopped").atMost(Duration.ofSeconds(60))
                        .until(() -> !a.hazelcast().getLifecycleService().isRunning()
                                && !b.hazelcast().getLifecycleService().isRunning());
            } finally {
                intruder.getLifecycleService().terminate();
            }
        }
    }

    @Test
    void aClientCannotCallManagementCenterOperations() {
        try (TestCluster cluster = TestCluster.start(1)) {
            NodeRegistry a = cluster.node(0);
            ClientConfig config = new ClientConfig().setClusterName(a.hazelcast().getConfig().getClusterName());
            config.getNetworkConfig().addAddress("127.0.0.1:" + a.hazelcast().getCluster().getLocalMember()
                    .getAddress().getPort());
            HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
            try {
                ClientInvocation freeze = new ClientInvocation(((HazelcastClientProxy) client).client,
                        MCChangeClusterStateCodec.encodeRequest(ClusterState.FROZEN.getId()), null);
                assertThatThrownBy(() -> freeze.invoke().joinInternal())
                        .isInstanceOf(AccessControlException.class);
                assertThat(a.hazelcast().getCluster().getClusterState()).isEqualTo(ClusterState.ACTIVE);
            } finally {
                client.shutdown();
            }
        }
    }

    /** The plain member, on the slot of node 3: the right cluster name and the others' addresses. */
    private static HazelcastInstance intruder(TestCluster cluster) {
        Config config = cluster.memberConfig(2).toConfig();
        config.setInstanceName("intruder-" + UUID.randomUUID());
        // how long Cluster.shutdown() waits for the others to stop (15 minutes by default)
        config.setProperty("hazelcast.cluster.shutdown.timeout.seconds", "5");
        return Hazelcast.newHazelcastInstance(config);
    }

    private static void shutDownTheCluster(HazelcastInstance intruder) {
        try {
            intruder.getCluster().shutdown();
        } catch (RuntimeException refused) {
            // the intruder may give up waiting for the others: what matters is what they did
        }
    }
}
