package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error at the call, and nothing is lost from the registry. */
class BadInputTests {

    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(2);
        for (int i = 0; i < 2; i++) {
            cluster.startNode(i, settings -> settings.maxMailboxSize(3).maxNameLength(20).maxMetadataBytes(512)
                    .maxMessageBytes(1024));
        }
        cluster.awaitFullyConnected();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aFullMailboxRefusesMoreMessagesUntilItDrains() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        NodeRegistry node = cluster.node(0);
        SynProcess busy = node.spawn((message, context) -> release.await(30, TimeUnit.SECONDS));
        node.registry().register("busy", busy.ref());

        assertThat(node.registry().send("busy", "first")).isEqualTo(SendResult.SENT);
        await().until(() -> node.registry().send("busy", "probe") == SendResult.MAILBOX_FULL);
        release.countDown();
        await().until(() -> node.registry().send("busy", "after") == SendResult.SENT);
        assertThat(busy.isAlive()).isTrue();
    }

    @Test
    void limitsAndUnserializableValuesAreRefusedAtTheCallWithAClearMessage() {
        NodeRegistry node = cluster.node(0);
        SynProcess process = node.spawn((message, context) -> {});
        SynProcess remote = cluster.node(1).spawn((message, context) -> {});

        assertThatThrownBy(() -> node.registry().register("x".repeat(21), process.ref()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("21 characters")
                .hasMessageContaining("20 allowed");
        assertThatThrownBy(() -> node.registry().register("big", process.ref(), "m".repeat(2000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512 allowed");
        assertThatThrownBy(() -> node.registry().register("thread", process.ref(), Thread.currentThread()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be serialized")
                .hasMessageContaining("java.lang.Thread");
        assertThatThrownBy(() -> node.send(remote.ref(), new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be serialized");
        assertThatThrownBy(() -> node.send(remote.ref(), new byte[4096]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024 allowed");
        // a local process receives any object: nothing crosses the wire
        assertThat(node.send(process.ref(), new Object())).isEqualTo(SendResult.SENT);
        assertThat(node.registry().count()).isZero();
        assertThat(cluster.node(1).registry().count()).isZero();
    }

    @Test
    void invalidSettingsAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> SynSettings.builder().maxMailboxSize(0).build())
                .hasMessageContaining("maxMailboxSize must be positive");
        assertThatThrownBy(() -> SynSettings.builder().requestTimeout(Duration.ZERO).build())
                .hasMessageContaining("requestTimeout must be a positive duration");
        assertThatThrownBy(() -> SynSettings.builder().nodeName("a#b").build()).hasMessageContaining("'#'");
        assertThatThrownBy(() -> SynSettings.builder().scopes("a,b").build()).hasMessageContaining("','");
        assertThat(SynSettings.builder().scopes("devices").build().scopes()).containsExactlyInAnyOrder("default",
                "devices");
    }

    @Test
    void sendingToADeadOrUnknownProcessSaysSo() {
        NodeRegistry node = cluster.node(0);
        SynProcess dead = node.spawn((message, context) -> {});
        dead.stop();
        assertThat(node.send(dead.ref(), "hello")).isEqualTo(SendResult.NOT_ALIVE);
        assertThat(node.send(new ProcessRef(node.node(), 999_999), "hello")).isEqualTo(SendResult.NOT_ALIVE);
        assertThat(node.registry().send("nobody", "hello")).isEqualTo(SendResult.NO_SUCH_NAME);
        assertThat(List.of(node.process(dead.ref()))).containsExactly(java.util.Optional.empty());
    }
}
