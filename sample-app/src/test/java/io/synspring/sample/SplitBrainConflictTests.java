package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.sample.support.DeviceClient;
import io.synspring.sample.support.Http;
import io.synspring.testing.LoopbackPorts;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The same device connected to two gateways that do not see each other (a split cluster), then the split heals:
 * conflict resolution keeps the most recent connection and closes the other socket with a reason that says so.
 * Two real gateway contexts in this JVM, each with its web server and its Hazelcast member on 127.0.0.1.
 */
class SplitBrainConflictTests {

    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private final List<DeviceClient> devices = new ArrayList<>();

    @AfterEach
    void stop() {
        devices.forEach(DeviceClient::close);
        nodes.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void theOlderConnectionOfADeviceConnectedOnBothSidesOfASplitIsClosedByConflictResolution() throws Exception {
        String cluster = "split-test-" + UUID.randomUUID();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        // each node knows only its own address: two clusters, as on both sides of a net split
        int httpA = start("gw-a", cluster, portA, "127.0.0.1:" + portA);
        DeviceClient onA = connect(httpA, "twin-7");
        await().atMost(Duration.ofSeconds(10)).until(() -> !onA.frames("welcome").isEmpty());
        int httpB = start("gw-b", cluster, portB, "127.0.0.1:" + portB);
        assertThat(Http.get(uri(httpB, "/api/devices/twin-7")).status()).as("B does not see A").isEqualTo(404);
        DeviceClient onB = connect(httpB, "twin-7");
        await().atMost(Duration.ofSeconds(10)).until(() -> !onB.frames("welcome").isEmpty());

        // the split heals: A's merge check reads its member list each time, and now finds B
        nodes.get(0).getBean(NodeRegistry.class).hazelcast().getConfig().getNetworkConfig().getJoin().getTcpIpConfig()
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

    private int start(String name, String cluster, int clusterPort, String members) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).properties(
                "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                "syn.node-name=" + name, "syn.cluster.name=" + cluster, "syn.cluster.interface=127.0.0.1",
                "syn.cluster.port=" + clusterPort, "syn.cluster.members=" + members,
                "syn.cluster.heartbeat-interval=1s", "syn.cluster.failure-timeout=5s", "syn.cluster.merge-interval=1s",
                "spring.jmx.enabled=false", "sample.devices.key=" + DeviceClient.KEY).run();
        nodes.add(context);
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private DeviceClient connect(int http, String id) {
        DeviceClient client = DeviceClient.connect(http, id, "acme");
        devices.add(client);
        return client;
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
