package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.sample.support.DeviceClient;
import io.synspring.sample.support.Gateways;
import io.synspring.sample.support.Gateways.Gateway;
import io.synspring.sample.support.Http;
import io.synspring.testing.LoopbackPorts;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The same device connected to two gateways that do not see each other (a split cluster), then the split heals:
 * conflict resolution keeps the most recent connection and closes the other socket with a reason that says so.
 * Two real gateway contexts in this JVM, each with its web server and its Hazelcast member on 127.0.0.1.
 */
class SplitBrainConflictTests {

    private final Gateways gateways = new Gateways("split-test");

    @AfterEach
    void stop() {
        gateways.close();
    }

    @Test
    void theOlderConnectionOfADeviceConnectedOnBothSidesOfASplitIsClosedByConflictResolution() throws Exception {
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        // each node knows only its own address: two clusters, as on both sides of a net split
        Gateway a = start("gw-a", portA, "127.0.0.1:" + portA);
        int httpA = a.http();
        DeviceClient onA = gateways.connect(a, "twin-7");
        await().atMost(Duration.ofSeconds(10)).until(() -> !onA.frames("welcome").isEmpty());
        Gateway b = start("gw-b", portB, "127.0.0.1:" + portB);
        int httpB = b.http();
        assertThat(Http.get(uri(httpB, "/api/devices/twin-7")).status()).as("B does not see A").isEqualTo(404);
        DeviceClient onB = gateways.connect(b, "twin-7");
        await().atMost(Duration.ofSeconds(10)).until(() -> !onB.frames("welcome").isEmpty());

        // the split heals: A's merge check reads its member list each time, and now finds B
        a.context().getBean(NodeRegistry.class).hazelcast().getConfig().getNetworkConfig().getJoin().getTcpIpConfig()
                .setMembers(List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB));
        // both nodes see each other, and one twin-7 survives everywhere: the newer, on B
        DeviceClient.Closed closed = onA.closed().get(60, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(4001);
        assertThat(closed.reason()).isEqualTo("conflict resolution: device twin-7 is connected to another node");
        for (int http : List.of(httpA, httpB)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode view = Http.get(uri(http, "/api/cluster")).body();
                assertThat(view.path("nodes").toString()).contains("gw-a").contains("gw-b");
                JsonNode device = Http.get(uri(http, "/api/devices/twin-7")).body();
                assertThat(device.path("node").asString()).isEqualTo("gw-b");
                assertThat(view.path("devices").asInt()).isEqualTo(1);
            });
        }
        assertThat(onB.closed()).isNotDone();
        assertThat(Http.post(uri(httpA, "/api/devices/twin-7/commands"), "{\"open\":true}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !onB.frames("command").isEmpty());
    }

    /** A gateway with failure detection and merge checks quick enough for a test. */
    private Gateway start(String name, int clusterPort, String members) {
        return gateways.start(name, clusterPort, members, "syn.cluster.heartbeat-interval=1s",
                "syn.cluster.failure-timeout=5s", "syn.cluster.merge-interval=1s");
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
