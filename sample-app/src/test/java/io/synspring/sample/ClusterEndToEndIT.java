package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.sample.support.DeviceClient;
import io.synspring.sample.support.EventStream;
import io.synspring.sample.support.Http;
import io.synspring.sample.support.SampleCluster;
import io.synspring.sample.support.SampleNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The sample app as a user runs it: three JVMs from the packaged jar on 127.0.0.1, devices on real WebSockets,
 * everything else over the HTTP API, a node killed with {@code kill -9} and started again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndIT {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClusterEndToEndIT.class);

    /** Propagation between nodes takes milliseconds; this is only how long we are willing to wait. */
    private static final Duration PROPAGATION = Duration.ofSeconds(15);
    /**
     * How long after a {@code kill -9} the other nodes may still hold the dead node's devices: Hazelcast's failure
     * detection (heartbeat 1 s, failure timeout 5 s; a refused connection is noticed sooner) plus its member
     * removal, with room for a busy machine.
     */
    private static final Duration NODE_DOWN_DETECTION = SampleCluster.FAILURE_TIMEOUT.plusSeconds(10);

    private static SampleCluster cluster;
    private final List<AutoCloseable> closeAfterTest = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = SampleCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeClients(TestInfo test) throws Exception {
        for (AutoCloseable closeable : closeAfterTest) {
            closeable.close();
        }
    }

    @Test
    @Order(1)
    void devicesConnectedToOneNodeAreFoundAndReachedFromEveryNode() {
        SampleNode node1 = cluster.node(1);
        SampleNode node2 = cluster.node(2);
        SampleNode node3 = cluster.node(3);

        DeviceClient thermostat = device(node1, "thermostat-1", "acme", true);
        DeviceClient meter = device(node1, "meter-1", "acme", true);
        DeviceClient silent = device(node1, "silent-1", "globex", false);
        DeviceClient gate = device(node3, "gate-1", "acme", true);
        for (DeviceClient client : List.of(thermostat, meter, silent, gate)) {
            await("welcome frame of " + client.id()).atMost(PROPAGATION)
                    .until(() -> !client.frames("welcome").isEmpty());
        }

        // node 3 finds a device connected to node 1, with its metadata
        Http.Response found = awaitFound(node3, "thermostat-1");
        assertThat(found.body().path("id").asString()).isEqualTo("thermostat-1");
        assertThat(found.body().path("node").asString()).isEqualTo("node-1");
        assertThat(found.body().path("process").asString()).startsWith("<node-1#");
        assertThat(found.body().path("meta").path("tenant").asString()).isEqualTo("acme");
        assertThat(found.body().path("meta").path("node").asString()).isEqualTo("node-1");
        assertThat(found.body().path("meta").path("connectedAt").asString()).isNotBlank();

        // node 3 sends it a command: it arrives on the device's socket on node 1
        Http.Response sent =
                Http.post(node3.uri("/api/devices/thermostat-1/commands"), "{\"action\":\"set\",\"celsius\":21}");
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        assertThat(sent.body().path("node").asString()).isEqualTo("node-1");
        await("command on the socket").atMost(PROPAGATION)
                .until(() -> thermostat.received(frame -> "command".equals(frame.path("type").asString(""))
                        && "node-3".equals(frame.path("from").asString(""))
                        && frame.path("body").path("celsius").asInt() == 21));
        assertThat(meter.frames("command")).as("only the addressed device gets the command").isEmpty();

        // simulated devices on node 2: now tenant acme has devices on all three nodes
        Http.Response simulated = Http.post(node2.uri("/api/simulate?count=3&prefix=sim-acme-&tenant=acme"), "");
        assertThat(simulated.status()).isEqualTo(200);
        assertThat(simulated.body().path("started").asInt()).isEqualTo(3);
        assertThat(simulated.body().has("millis")).isTrue();
        for (SampleNode node : cluster.nodes()) {
            await("devices seen from " + node.name()).atMost(PROPAGATION).untilAsserted(() -> {
                JsonNode view = Http.get(node.uri("/api/cluster")).body();
                assertThat(view.path("node").asString()).isEqualTo(node.name());
                assertThat(view.path("devices").asInt()).isEqualTo(7);
                assertThat(view.path("devicesByNode").path("node-1").asInt()).isEqualTo(3);
                assertThat(view.path("devicesByNode").path("node-2").asInt()).isEqualTo(3);
                assertThat(view.path("devicesByNode").path("node-3").asInt()).isEqualTo(1);
            });
        }

        // a broadcast from node 2 reaches acme's devices on every node, and only them
        Http.Response broadcast = Http.post(node2.uri("/api/tenants/acme/broadcast"), "{\"alert\":\"storm\"}");
        assertThat(broadcast.status()).isEqualTo(200);
        assertThat(broadcast.body().path("recipients").asInt()).isEqualTo(6);
        for (DeviceClient client : List.of(thermostat, meter, gate)) {
            await("broadcast on " + client.id()).atMost(PROPAGATION)
                    .until(() -> client.received(frame -> "broadcast".equals(frame.path("type").asString(""))
                            && "storm".equals(frame.path("body").path("alert").asString(""))
                            && "acme".equals(frame.path("tenant").asString(""))));
        }

        // a ping from node 2 is answered by every acme device: sockets on nodes 1 and 3, simulated on node 2
        Http.Response ping = Http.post(node2.uri("/api/tenants/acme/ping?timeoutMs=5000"), "");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ids(ping.body().path("replies")))
                .containsExactly("gate-1", "meter-1", "sim-acme-0", "sim-acme-1", "sim-acme-2", "thermostat-1");
        assertThat(ping.body().path("badReplies").size()).isZero();
        for (JsonNode reply : ping.body().path("replies")) {
            assertThat(reply.path("reply").path("type").asString()).isEqualTo("pong");
            String expectedNode = reply.path("id").asString().startsWith("sim-") ? "node-2"
                    : reply.path("id").asString().equals("gate-1") ? "node-3" : "node-1";
            assertThat(reply.path("node").asString()).isEqualTo(expectedNode);
            if (!reply.path("id").asString().startsWith("sim-")) {
                // the socket device's own pong frame is the reply
                assertThat(reply.path("reply").path("device").asString()).isEqualTo(reply.path("id").asString());
            }
        }

        // a device that does not answer is a bad reply once the timeout is over
        Http.Response unanswered = Http.post(node3.uri("/api/tenants/globex/ping?timeoutMs=500"), "");
        assertThat(unanswered.body().path("replies").size()).isZero();
        assertThat(unanswered.body().path("badReplies").get(0).path("id").asString()).isEqualTo("silent-1");
        assertThat(unanswered.body().path("badReplies").get(0).path("node").asString()).isEqualTo("node-1");
        assertThat(silent.frames("ping")).hasSize(1);

        // closing a socket ends the device everywhere
        meter.close();
        for (SampleNode node : List.of(node2, node3)) {
            await("meter-1 gone from " + node.name()).atMost(PROPAGATION)
                    .until(() -> Http.get(node.uri("/api/devices/meter-1")).status() == 404);
        }
        assertThat(Http.post(node3.uri("/api/devices/meter-1/commands"), "{}").status()).isEqualTo(404);

        // simulated devices stop on request, and vanish everywhere
        Http.Response stopped = Http.delete(node2.uri("/api/simulate?prefix=sim-acme-"));
        assertThat(stopped.body().path("stopped").asInt()).isEqualTo(3);
        await("simulated devices gone from node-1").atMost(PROPAGATION)
                .until(() -> Http.get(node1.uri("/api/devices/sim-acme-0")).status() == 404);
    }

    @Test
    @Order(2)
    void aKilledNodesDevicesVanishFromTheOthersAndComeBackWhenItRestarts() {
        SampleNode node1 = cluster.node(1);
        SampleNode node2 = cluster.node(2);
        SampleNode node3 = cluster.node(3);
        List<String> ids = List.of("pump-1", "pump-2", "pump-3");
        List<DeviceClient> devices = new ArrayList<>();
        for (String id : ids) {
            devices.add(device(node1, id, "kilo", true));
        }
        for (SampleNode node : List.of(node2, node3)) {
            for (String id : ids) {
                awaitFound(node, id);
            }
        }
        EventStream dashboard2 = track(EventStream.open(node2.httpPort()));
        EventStream dashboard3 = track(EventStream.open(node3.httpPort()));
        await("dashboards connected").atMost(PROPAGATION)
                .until(() -> !dashboard2.events().isEmpty() && !dashboard3.events().isEmpty());

        long killed = System.nanoTime();
        node1.kill();

        for (SampleNode node : List.of(node2, node3)) {
            for (String id : ids) {
                await(id + " gone from " + node.name() + " after kill -9 of node-1")
                        .atMost(NODE_DOWN_DETECTION.multipliedBy(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> Http.get(node.uri("/api/devices/" + id)).status() == 404);
            }
            assertThat(SampleCluster.visibleNodes(node)).containsExactly("node-2", "node-3");
        }
        Duration detected = Duration.ofNanos(System.nanoTime() - killed);
        log.info("nodes 2 and 3 dropped the devices of the killed node-1 after {} ms", detected.toMillis());
        assertThat(detected).as("time until nodes 2 and 3 dropped node-1's devices").isLessThan(NODE_DOWN_DETECTION);
        for (DeviceClient device : devices) {
            await("socket of " + device.id() + " broken").atMost(PROPAGATION).until(() -> device.closed().isDone());
        }
        for (EventStream dashboard : List.of(dashboard2, dashboard3)) {
            await("NODE_DOWN unregistrations on a dashboard").atMost(PROPAGATION).untilAsserted(() -> {
                Set<String> dropped = new TreeSet<>();
                for (JsonNode event : dashboard.synEvents()) {
                    if ("UNREGISTERED".equals(event.path("type").asString(""))
                            && "NODE_DOWN".equals(event.path("reasonType").asString(""))
                            && "node-1".equals(event.path("reasonNode").asString(""))) {
                        dropped.add(event.path("name").asString());
                    }
                }
                assertThat(dropped).containsAll(ids);
            });
            assertThat(dashboard.hasSynEvent(event -> "LEFT".equals(event.path("type").asString(""))
                    && "tenant:kilo".equals(event.path("group").asString(""))
                    && "NODE_DOWN".equals(event.path("reasonType").asString("")))).isTrue();
        }

        // node 1 comes back under the same name, and its devices reconnect to it
        node1.restart();
        cluster.awaitFormed();
        List<DeviceClient> reconnected = new ArrayList<>();
        for (String id : ids) {
            reconnected.add(device(node1, id, "kilo", true));
        }
        for (SampleNode node : List.of(node2, node3)) {
            for (String id : ids) {
                Http.Response found = awaitFound(node, id);
                assertThat(found.body().path("node").asString()).isEqualTo("node-1");
            }
        }
        String oldProcess = dashboard2.synEvents().stream()
                .filter(event -> "pump-1".equals(event.path("name").asString("")))
                .map(event -> event.path("process").asString()).findFirst().orElseThrow();
        assertThat(Http.get(node2.uri("/api/devices/pump-1")).body().path("process").asString())
                .as("the restarted node is a new incarnation").isNotEqualTo(oldProcess);
        await("dashboard of node-2 shows the new registrations").atMost(PROPAGATION)
                .until(() -> dashboard2.hasSynEvent(event -> "REGISTERED".equals(event.path("type").asString(""))
                        && "pump-2".equals(event.path("name").asString(""))
                        && !oldProcess.equals(event.path("process").asString(""))));
        Http.Response sent = Http.post(node2.uri("/api/devices/pump-3/commands"), "{\"action\":\"prime\"}");
        assertThat(sent.status()).isEqualTo(202);
        DeviceClient pump3 = reconnected.get(2);
        await("command reaches the reconnected pump-3").atMost(PROPAGATION)
                .until(() -> pump3.received(frame -> "command".equals(frame.path("type").asString(""))
                        && "prime".equals(frame.path("body").path("action").asString(""))));
    }

    private DeviceClient device(SampleNode node, String id, String tenant, boolean answersPings) {
        DeviceClient client = DeviceClient.connect(node.httpPort(), id, tenant, answersPings);
        closeAfterTest.add(client);
        return client;
    }

    private EventStream track(EventStream stream) {
        closeAfterTest.add(stream);
        return stream;
    }

    private static Http.Response awaitFound(SampleNode node, String id) {
        return await(id + " found from " + node.name()).atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(node.uri("/api/devices/" + id)), response -> response.status() == 200);
    }

    private static List<String> ids(JsonNode entries) {
        List<String> ids = new ArrayList<>();
        entries.forEach(entry -> ids.add(entry.path("id").asString()));
        return ids;
    }
}
