package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nodes sharing a cluster secret: a member that joins Hazelcast with the right cluster name but without the
 * secret (or with another one) is not a Syn node. Nothing it sends is applied, no real node lists it, it reads
 * nothing, and the real nodes keep serving.
 */
class ClusterSecretTests {

    private static final String SECRET = "correct horse battery staple";

    @ParameterizedTest(name = "intruder secret: {0}")
    @ValueSource(strings = {"", "a-different-secret-of-enough-length"})
    void aMemberWithoutTheSecretIsNotANode(String intruderSecret) {
        try (TestCluster cluster = new TestCluster(3)) {
            NodeRegistry a = cluster.startNode(0, settings -> settings.clusterSecret(SECRET));
            NodeRegistry b = cluster.startNode(1, settings -> settings.clusterSecret(SECRET));
            NodeRegistry intruder = cluster.startNode(2, settings -> settings
                    .clusterSecret(intruderSecret.isEmpty() ? null : intruderSecret)
                    .backpressureWait(Duration.ofMillis(100)).maxBufferedBytes(64 * 1024));
            LongAdder received = new LongAdder();
            SynProcess device = a.spawn((message, ctx) -> received.increment());
            assertThat(a.registry().register("device-42", device.ref())).isEqualTo(RegisterResult.OK);
            await().until(() -> b.registry().lookup("device-42").isPresent());

            // it tries to take the name, to send to the device (its reference is easy to guess), to read the registry
            SynProcess squatter = intruder.spawn((message, ctx) -> {});
            assertThat(intruder.registry().register("device-42", squatter.ref())).isEqualTo(RegisterResult.OK);
            ProcessRef guessed = new ProcessRef(a.node(), device.ref().id());
            SendResult sent;
            do {
                sent = intruder.send(guessed, "open the door");
            } while (sent == SendResult.SENT);
            assertThat(sent).isEqualTo(SendResult.BACKPRESSURE); // its link never got through

            await().until(() -> a.transportCounts().refused() > 0 && b.transportCounts().refused() > 0);
            Set<?> real = Set.of(a.node(), b.node());
            assertThat(a.nodes()).isEqualTo(real);
            assertThat(b.nodes()).isEqualTo(real);
            assertThat(a.unsyncedNodes()).isEmpty();
            assertThat(b.registry().lookup("device-42").orElseThrow().process()).isEqualTo(device.ref());
            assertThat(received.sum()).isZero();
            assertThat(intruder.registry().lookup("device-42").orElseThrow().process()).isEqualTo(squatter.ref());
            assertThat(intruder.registry().count()).isEqualTo(1); // nothing of the real nodes reached it

            // the real nodes keep serving each other
            b.registry().register("device-43", b.spawn((message, ctx) -> {}).ref());
            await().until(() -> a.registry().lookup("device-43").isPresent());
            assertThat(b.registry().send("device-42", "hello")).isEqualTo(SendResult.SENT);
            await().until(() -> received.sum() == 1);
        }
    }

    @Test
    void aShortSecretIsRefusedWhenTheNodeIsConfigured() {
        assertThatThrownBy(() -> SynSettings.builder().clusterSecret("too-short").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
    }
}
