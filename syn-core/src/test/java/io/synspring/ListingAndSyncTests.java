package io.synspring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.process.SynProcess;
import io.synspring.registry.Registration;
import io.synspring.testing.TestCluster;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The read-only accessors used by listings and health: streamed registrations and group names, sync state. */
class ListingAndSyncTests {

    @Test
    void listingsStreamTheReplicaAndSyncStateSettles() {
        try (TestCluster cluster = TestCluster.start(2)) {
            cluster.awaitFullyConnected();
            SynProcess process = cluster.node(0).spawn((message, ctx) -> {});
            cluster.node(0).registry().register("a", process.ref());
            cluster.node(0).registry().register("b", process.ref());
            cluster.node(0).groups().join("g", process.ref());

            await().until(() -> cluster.node(1).registry().count() == 2 && cluster.node(1).groups().groupCount() == 1);
            assertThat(cluster.node(1).registry().registrations().map(Registration::name).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("a", "b");
            assertThat(cluster.node(1).groups().groupNameStream()).containsExactly("g");
            await().until(() -> cluster.node(0).unsyncedNodes().isEmpty() && cluster.node(1).unsyncedNodes().isEmpty());
        }
    }
}
