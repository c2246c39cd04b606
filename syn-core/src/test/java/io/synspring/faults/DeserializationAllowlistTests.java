package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.gadgets.Payload;
import io.synspring.RejectedValue;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.Registration;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deserialization allowlist is on by default: a class a node does not allow is never instantiated
 * there when it arrives over the network, and the registry loses nothing because of it.
 */
class DeserializationAllowlistTests {

    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3);
        cluster.startNode(0, settings -> settings.allowedClassPrefixes(List.of("com.example.")));
        cluster.startNode(1, settings -> settings);
        cluster.startNode(2, settings -> settings.allowedClassPrefixes(List.of("com.example.")));
        cluster.awaitFullyConnected();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void metadataOfAForbiddenClassIsRefusedButTheEntryAndLaterChangesArrive() {
        SynProcess process = cluster.node(0).spawn((message, context) -> {});
        cluster.node(0).registry().register("gadget", process.ref(), new Payload("evil"));
        cluster.node(0).registry().register("plain", process.ref(), "fine");

        await().until(() -> cluster.nodes().stream().allMatch(node -> node.registry().lookup("plain").isPresent()));
        assertThat(cluster.node(2).registry().lookup("gadget")).get().extracting(Registration::meta)
                .isEqualTo(new Payload("evil"));
        assertThat(cluster.node(1).registry().lookup("gadget")).get().extracting(Registration::meta)
                .isInstanceOf(RejectedValue.class)
                .extracting(meta -> ((RejectedValue) meta).reason()).asString().contains("com.example.gadgets.Payload");
        assertThat(cluster.node(1).registry().lookup("gadget").get().process()).isEqualTo(process.ref());
    }

    @Test
    void aNodeRefusesAtTheCallMetadataItsOwnAllowlistWouldRefuse() {
        SynProcess process = cluster.node(1).spawn((message, context) -> {});
        assertThatThrownBy(() -> cluster.node(1).registry().register("refused", process.ref(), new Payload("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowlist");
        assertThat(cluster.node(1).registry().lookup("refused")).isEmpty();
    }

    @Test
    void aMessageOfAForbiddenClassIsDroppedAndLaterMessagesStillArrive() {
        List<Object> received = new CopyOnWriteArrayList<>();
        SynProcess target = cluster.node(1).spawn((message, context) -> received.add(message));
        cluster.node(1).registry().register("target", target.ref());
        await().until(() -> cluster.node(0).registry().lookup("target").isPresent());

        assertThat(cluster.node(0).registry().send("target", new Payload("evil"))).isEqualTo(SendResult.SENT);
        assertThat(cluster.node(0).registry().send("target", "after")).isEqualTo(SendResult.SENT);

        await().until(() -> received.contains("after"));
        assertThat(received).containsExactly("after");
        assertThat(target.isAlive()).isTrue();
    }
}
