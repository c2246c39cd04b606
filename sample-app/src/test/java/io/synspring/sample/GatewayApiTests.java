package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.sample.device.DeviceSocketHandler;
import io.synspring.sample.support.DeviceClient;
import io.synspring.sample.support.EventStream;
import io.synspring.sample.support.Http;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One gateway node with its real web server, WebSockets and Syn node (standalone, loopback, a cluster name of its
 * own), driven over HTTP and WebSocket: the exact paths and JSON shapes of the API, device tokens and origins.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"syn.node-name=solo",
        "server.address=127.0.0.1", "sample.devices.key=" + DeviceClient.KEY,
        "sample.dashboard.allowed-origins=" + GatewayApiTests.CONSOLE})
class GatewayApiTests {

    /** The one other origin this node's pages may come from (sample.dashboard.allowed-origins). */
    static final String CONSOLE = "https://console.example.com";
    private static final Duration SOON = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void uniqueCluster(DynamicPropertyRegistry properties) {
        properties.add("syn.cluster.name", () -> "gateway-api-test-" + UUID.randomUUID());
    }

    @LocalServerPort
    int port;

    @Autowired
    NodeRegistry syn;

    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        Http.delete(uri("/api/simulate"));
    }

    @Test
    void aConnectedDeviceIsRegisteredWithItsMetadataAndJoinedToItsTenantUntilItsSocketCloses() {
        DeviceClient device = connect("lamp-1", "acme", true);
        JsonNode welcome = awaitFrame(device, "welcome");
        assertThat(welcome.path("id").asString()).isEqualTo("lamp-1");
        assertThat(welcome.path("tenant").asString()).isEqualTo("acme");
        assertThat(welcome.path("node").asString()).isEqualTo("solo");

        Http.Response found = Http.get(uri("/api/devices/lamp-1"));
        assertThat(found.status()).isEqualTo(200);
        assertThat(fieldNames(found.body())).containsExactly("id", "node", "process", "meta");
        assertThat(found.body().path("id").asString()).isEqualTo("lamp-1");
        assertThat(found.body().path("node").asString()).isEqualTo("solo");
        assertThat(found.body().path("process").asString()).isEqualTo(welcome.path("process").asString());
        JsonNode meta = found.body().path("meta");
        assertThat(meta.path("tenant").asString()).isEqualTo("acme");
        assertThat(meta.path("node").asString()).isEqualTo("solo");
        assertThat(Instant.parse(meta.path("connectedAt").asString())).isBeforeOrEqualTo(Instant.now());
        assertThat(meta.path("kind").asString()).isEqualTo("websocket");
        JsonNode group = Http.get(uri("/actuator/syn/devices/groups/tenant:acme")).body();
        assertThat(group.path("total").asInt()).isEqualTo(1);

        device.close();
        await().atMost(SOON).until(() -> Http.get(uri("/api/devices/lamp-1")).status() == 404);
        assertThat(Http.get(uri("/api/devices/lamp-1")).body().path("error").asString()).contains("lamp-1");
        await().atMost(SOON).until(() -> Http.get(uri("/actuator/syn/devices/groups/tenant:acme")).status() == 404);
    }

    @Test
    void commandsAndBroadcastsAreWrittenToTheDevicesSockets() {
        DeviceClient lamp = connect("lamp-2", "acme", true);
        DeviceClient fan = connect("fan-2", "acme", true);
        DeviceClient other = connect("pump-2", "globex", true);
        awaitFrame(lamp, "welcome");
        awaitFrame(fan, "welcome");
        awaitFrame(other, "welcome");

        Http.Response accepted = Http.post(uri("/api/devices/lamp-2/commands"), "{\"on\":true,\"level\":[1,2]}");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(fieldNames(accepted.body())).containsExactly("node");
        assertThat(accepted.body().path("node").asString()).isEqualTo("solo");
        JsonNode command = awaitFrame(lamp, "command");
        assertThat(command.path("from").asString()).isEqualTo("solo");
        assertThat(command.path("body").path("on").asBoolean()).isTrue();
        assertThat(command.path("body").path("level").get(1).asInt()).isEqualTo(2);

        Http.Response broadcast = Http.post(uri("/api/tenants/acme/broadcast"), "{\"msg\":\"hello\"}");
        assertThat(broadcast.status()).isEqualTo(200);
        assertThat(fieldNames(broadcast.body())).containsExactly("recipients");
        assertThat(broadcast.body().path("recipients").asInt()).isEqualTo(2);
        assertThat(awaitFrame(fan, "broadcast").path("body").path("msg").asString()).isEqualTo("hello");
        assertThat(awaitFrame(lamp, "broadcast").path("tenant").asString()).isEqualTo("acme");
        assertThat(Http.post(uri("/api/tenants/nobody/broadcast"), "{}").body().path("recipients").asInt()).isZero();

        assertThat(Http.post(uri("/api/devices/ghost/commands"), "{}").status()).isEqualTo(404);
        assertThat(Http.post(uri("/api/devices/lamp-2/commands"), "{not json").status()).isEqualTo(400);
        assertThat(Http.post(uri("/api/tenants/bad%20tenant/broadcast"), "{}").status()).isEqualTo(400);
        assertThat(other.frames("command")).isEmpty();
        assertThat(other.frames("broadcast")).isEmpty();
    }

    @Test
    void aPingIsAnsweredBySocketsAndSimulatedDevicesAndTimesOutForSilentOnes() {
        DeviceClient answering = connect("probe-1", "ping-t", true);
        DeviceClient silent = connect("probe-2", "ping-t", false);
        awaitFrame(answering, "welcome");
        awaitFrame(silent, "welcome");
        assertThat(Http.post(uri("/api/simulate?count=2&prefix=probe-sim-&tenant=ping-t"), "").status()).isEqualTo(200);

        Http.Response ping = Http.post(uri("/api/tenants/ping-t/ping?timeoutMs=700"), "");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(fieldNames(ping.body())).containsExactly("replies", "badReplies");
        List<String> answered = new ArrayList<>();
        for (JsonNode reply : ping.body().path("replies")) {
            assertThat(fieldNames(reply)).containsExactly("id", "node", "reply");
            assertThat(reply.path("node").asString()).isEqualTo("solo");
            assertThat(reply.path("reply").path("type").asString()).isEqualTo("pong");
            answered.add(reply.path("id").asString());
        }
        assertThat(answered).containsExactly("probe-1", "probe-sim-0", "probe-sim-1");
        assertThat(ping.body().path("badReplies")).hasSize(1);
        assertThat(fieldNames(ping.body().path("badReplies").get(0))).containsExactly("id", "node");
        assertThat(ping.body().path("badReplies").get(0).path("id").asString()).isEqualTo("probe-2");
        // the socket device's reply is its own pong frame, which echoes the ping it was sent
        JsonNode frame = awaitFrame(answering, "ping");
        JsonNode reply = ping.body().path("replies").get(0).path("reply");
        assertThat(reply.path("id").asString()).isEqualTo(frame.path("id").asString());
        assertThat(reply.path("device").asString()).isEqualTo("probe-1");

        assertThat(Http.post(uri("/api/tenants/empty/ping"), "").body().path("replies")).isEmpty();
        assertThat(Http.post(uri("/api/tenants/ping-t/ping?timeoutMs=0"), "").status()).isEqualTo(400);
    }

    @Test
    void simulatedDevicesAreRegisteredAndJoinedLikeRealOnesAndStopByPrefix() {
        Http.Response started = Http.post(uri("/api/simulate?count=25&prefix=sensor-&tenant=sim-t"), "");
        assertThat(started.status()).isEqualTo(200);
        assertThat(fieldNames(started.body())).containsExactly("started", "millis");
        assertThat(started.body().path("started").asInt()).isEqualTo(25);
        assertThat(
                Http.post(uri("/api/simulate?count=5&prefix=gauge-&tenant=sim-t"), "").body().path("started").asInt())
                .isEqualTo(5);
        assertThat(
                Http.post(uri("/api/simulate?count=3&prefix=sensor-&tenant=sim-t"), "").body().path("started").asInt())
                .as("names already held are skipped").isZero();

        JsonNode sensor = Http.get(uri("/api/devices/sensor-24")).body();
        assertThat(sensor.path("meta").path("kind").asString()).isEqualTo("simulated");
        assertThat(sensor.path("meta").path("tenant").asString()).isEqualTo("sim-t");
        assertThat(Http.get(uri("/api/devices/sensor-25")).status()).isEqualTo(404);
        assertThat(Http.get(uri("/actuator/syn/devices/groups/tenant:sim-t")).body().path("total").asInt())
                .isEqualTo(30);
        assertThat(Http.post(uri("/api/devices/sensor-3/commands"), "{}").status()).isEqualTo(202);

        Http.Response stopped = Http.delete(uri("/api/simulate?prefix=sensor-"));
        assertThat(fieldNames(stopped.body())).containsExactly("stopped");
        assertThat(stopped.body().path("stopped").asInt()).isEqualTo(25);
        assertThat(Http.get(uri("/api/devices/sensor-0")).status()).isEqualTo(404);
        assertThat(Http.get(uri("/api/devices/gauge-0")).status()).isEqualTo(200);
        await().atMost(SOON).until(() -> Http.get(uri("/api/cluster")).body().path("devices").asInt() == 5);

        assertThat(Http.post(uri("/api/simulate?count=-1"), "").status()).isEqualTo(400);
        assertThat(Http.post(uri("/api/simulate?count=1&tenant=no%20spaces"), "").status()).isEqualTo(400);
    }

    @Test
    void aDeviceIdAlreadyConnectedIsRefusedWithACloseReason() throws Exception {
        DeviceClient first = connect("twin-1", "acme", true);
        awaitFrame(first, "welcome");
        DeviceClient second = connect("twin-1", "acme", true);
        DeviceClient.Closed closed = second.closed().get(10, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(4009);
        assertThat(closed.reason()).contains("twin-1 is already connected to solo");
        assertThat(second.frames("welcome")).isEmpty();
        assertThat(Http.post(uri("/api/devices/twin-1/commands"), "{\"n\":1}").status()).isEqualTo(202);
        awaitFrame(first, "command");
        assertThat(first.closed()).isNotDone();
    }

    @Test
    void whenConflictResolutionStopsADevicesProcessItsSocketIsClosedSayingSo() throws Exception {
        DeviceClient device = connect("clash-1", "acme", true);
        awaitFrame(device, "welcome");
        ProcessRef ref = syn.registry("devices").lookup("clash-1").orElseThrow().process();
        syn.process(ref).orElseThrow().exit(new ExitReason.ConflictResolved("devices", "clash-1"));
        DeviceClient.Closed closed = device.closed().get(10, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(4001);
        assertThat(closed.reason()).isEqualTo("conflict resolution: device clash-1 is connected to another node");
        assertThat(Http.get(uri("/api/devices/clash-1")).status()).isEqualTo(404);
    }

    @Test
    void anEmptyTenantIsRefusedLikeAnInvalidOne() throws Exception {
        DeviceClient emptyTenant = connect("empty-tenant-1", "", true);
        DeviceClient.Closed closed = emptyTenant.closed().get(10, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).contains("tenant");
        assertThat(Http.get(uri("/api/devices/empty-tenant-1")).status()).isEqualTo(404);
        Http.Response simulated = Http.post(uri("/api/simulate?count=1&prefix=empty-tenant-sim-&tenant="), "");
        assertThat(simulated.status()).isEqualTo(400);
        assertThat(simulated.body().toString()).contains("tenant");
        assertThat(syn.registry("devices").lookup("empty-tenant-sim-0")).isEmpty();
    }

    @Test
    void aDeviceIdWithASlashIsRefusedAtTheHandshake() {
        String id = "site/a/1";
        assertThatThrownBy(() -> clients.add(DeviceClient.connect(port, id, "slash-t")))
                .isInstanceOfSatisfying(DeviceClient.Refused.class, refused -> assertThat(refused.status())
                        .isEqualTo(400));
        assertThat(Http.post(uri("/api/simulate?count=1&prefix=site/&tenant=slash-t"), "").status()).isEqualTo(400);
        assertThat(syn.registry("devices").lookup(id)).isEmpty();
        assertThat(syn.registry("devices").lookup("site/0")).isEmpty();
    }

    @Test
    void framesUpToTheDocumentedLimitArriveAndALargerOneClosesTheSocketWith1009() throws Exception {
        DeviceClient device = connect("big-1", "big-t", true);
        awaitFrame(device, "welcome");
        // a 32 KB pong: over the WebSocket container's 8 KB default, within the gateway's 64 KB
        device.padPongs(32 * 1024);
        Http.Response ping = Http.post(uri("/api/tenants/big-t/ping?timeoutMs=5000"), "");
        assertThat(ping.body().path("replies")).singleElement().satisfies(reply -> assertThat(
                reply.path("reply").path("pad").asString()).hasSize(32 * 1024));
        assertThat(device.closed()).isNotDone();

        device.padPongs(DeviceSocketHandler.MAX_FRAME_CHARACTERS + 1);
        Http.post(uri("/api/tenants/big-t/ping?timeoutMs=2000"), "");
        assertThat(device.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1009);
        await().atMost(SOON).until(() -> Http.get(uri("/api/devices/big-1")).status() == 404);
    }

    @Test
    void aConnectionWithoutAValidIdOrTenantIsRefused() throws Exception {
        DeviceClient badTenant = connect("ok-id", "no spaces allowed", true);
        DeviceClient.Closed closed = badTenant.closed().get(10, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).contains("tenant");
        assertThat(Http.get(uri("/api/devices/ok-id")).status()).isEqualTo(404);
    }

    @Test
    void aDeviceWithoutItsOwnTokenIsRefusedAtTheHandshakeAndTheConnectedDeviceKeepsItsName() throws Exception {
        DeviceClient owner = connect("lock-1", "acme", true);
        awaitFrame(owner, "welcome");
        ProcessRef holder = syn.registry("devices").lookup("lock-1").orElseThrow().process();
        String othersToken = DeviceClient.token(DeviceClient.KEY, "lock-2");
        String ownTokenUnderAnotherKey = DeviceClient.token("another-key-of-at-least-32-characters", "lock-1");
        Map<String, Map<String, String>> wrongHeaders = new LinkedHashMap<>();
        wrongHeaders.put("another device's token", Map.of("Authorization", "Bearer " + othersToken));
        wrongHeaders.put("its id under another key", Map.of("Authorization", "Bearer " + ownTokenUnderAnotherKey));
        wrongHeaders.put("not base64url", Map.of("Authorization", "Bearer lock-1"));
        for (var attempt : wrongHeaders.entrySet()) {
            assertRefused(attempt.getKey(), "lock-1", "tenant=acme", attempt.getValue(), "invalid_token");
        }
        assertRefused("another device's token in the query", "lock-1", "tenant=acme&token=" + othersToken, Map.of(),
                "invalid_token");
        assertRefused("no token", "lock-1", "tenant=acme", Map.of(), "");
        assertRefused("not a bearer token", "lock-1", "tenant=acme",
                Map.of("Authorization", "Basic " + DeviceClient.token(DeviceClient.KEY, "lock-1")), "");
        // a name nobody holds is not taken either
        assertRefused("another device's token, free name", "lock-3", "tenant=acme",
                Map.of("Authorization", "Bearer " + othersToken), "invalid_token");
        assertThat(syn.registry("devices").lookup("lock-3")).isEmpty();

        assertThat(syn.registry("devices").lookup("lock-1").orElseThrow().process()).isEqualTo(holder);
        assertThat(owner.closed()).isNotDone();
        assertThat(Http.post(uri("/api/devices/lock-1/commands"), "{\"open\":false}").status()).isEqualTo(202);
        awaitFrame(owner, "command");
    }

    @Test
    void aBrowserMayGiveTheTokenInTheQuery() {
        DeviceClient browser = DeviceClient.open(DeviceClient.uri(port, "tab-1", "tenant=web&token="
                + DeviceClient.token(DeviceClient.KEY, "tab-1")), "tab-1", true, Map.of());
        clients.add(browser);
        assertThat(awaitFrame(browser, "welcome").path("id").asString()).isEqualTo("tab-1");
    }

    @Test
    void pagesOfOtherOriginsAreRefusedByTheApiTheEventStreamAndTheDeviceEndpoint() {
        String own = "http://127.0.0.1:" + port;
        String foreign = "https://attacker.example";

        assertThatThrownBy(() -> EventStream.open(port, foreign)).hasMessage("GET /api/events answered 403");
        try (EventStream ownPage = EventStream.open(port, own); EventStream console = EventStream.open(port, CONSOLE)) {
            await().atMost(SOON).until(() -> !ownPage.events().isEmpty() && !console.events().isEmpty());
        }
        Http.Response fromConsole = Http.get(uri("/api/cluster"), "Origin", CONSOLE);
        assertThat(fromConsole.status()).isEqualTo(200);
        assertThat(fromConsole.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);

        // what a foreign page could make a visitor's browser send: refused before it does anything
        assertThat(Http.post(uri("/api/simulate?count=1&prefix=csrf-"), "", "Origin", foreign).status()).isEqualTo(403);
        assertThat(Http.get(uri("/api/devices/csrf-0")).status()).isEqualTo(404);
        assertThat(Http.post(uri("/api/simulate?count=1&prefix=own-"), "", "Origin", own).status()).isEqualTo(200);

        String withToken = "tenant=web&token=" + DeviceClient.token(DeviceClient.KEY, "tab-2");
        assertThatThrownBy(() -> DeviceClient.open(DeviceClient.uri(port, "tab-2", withToken), "tab-2", true,
                Map.of("Origin", foreign))).isInstanceOfSatisfying(DeviceClient.Refused.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
        assertThat(syn.registry("devices").lookup("tab-2")).isEmpty();
        DeviceClient fromOwnPage = DeviceClient.open(DeviceClient.uri(port, "tab-2", withToken), "tab-2", true,
                Map.of("Origin", own));
        clients.add(fromOwnPage);
        awaitFrame(fromOwnPage, "welcome");
        DeviceClient fromConsolePage = DeviceClient.open(DeviceClient.uri(port, "tab-3", "tenant=web&token="
                + DeviceClient.token(DeviceClient.KEY, "tab-3")), "tab-3", true, Map.of("Origin", CONSOLE));
        clients.add(fromConsolePage);
        awaitFrame(fromConsolePage, "welcome");
    }

    @Test
    void theClusterViewTheDashboardAndTheActuatorAreServed() {
        assertThat(Http.post(uri("/api/simulate?count=3&prefix=view-&tenant=v"), "").status()).isEqualTo(200);
        JsonNode cluster = Http.get(uri("/api/cluster")).body();
        assertThat(fieldNames(cluster)).containsExactly("node", "nodes", "devices", "devicesByNode");
        assertThat(cluster.path("node").asString()).isEqualTo("solo");
        assertThat(cluster.path("nodes").get(0).asString()).isEqualTo("solo");
        assertThat(cluster.path("devices").asInt()).isEqualTo(3);
        assertThat(cluster.path("devicesByNode").path("solo").asInt()).isEqualTo(3);

        Http.Response page = Http.get(uri("/"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("<title>Syn gateway").contains("dashboard.js");
        try (EventStream events = EventStream.open(port)) {
            await().atMost(SOON).until(() -> !events.events().isEmpty());
            EventStream.Event first = events.events().get(0);
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.data().path("node").asString()).isEqualTo("solo");
            assertThat(first.data().path("devices").asInt()).isEqualTo(3);
            await().atMost(SOON)
                    .until(() -> events.hasSynEvent(event -> "view-2".equals(event.path("name").asString(""))
                            && "REGISTERED".equals(event.path("type").asString(""))));
        }

        assertThat(Http.get(uri("/actuator/health")).body().path("status").asString()).isEqualTo("UP");
        assertThat(Http.get(uri("/actuator/syn")).body().path("scopes").path("devices").path("names").asInt())
                .isEqualTo(3);
        assertThat(Http.get(uri("/actuator/syn/devices/names/view-1")).body().path("name").asString())
                .isEqualTo("view-1");
        assertThat(Http.get(uri("/actuator/info")).body().path("build").path("artifact").asString())
                .isEqualTo("sample-app");
        assertThat(Http.get(uri("/actuator/metrics")).status()).isEqualTo(200);
        assertThat(Http.get(uri("/actuator/prometheus")).text()).contains("syn_");
    }

    private DeviceClient connect(String id, String tenant, boolean answersPings) {
        DeviceClient client = DeviceClient.connect(port, id, tenant, answersPings);
        clients.add(client);
        return client;
    }

    /** The handshake is refused with 401 (no socket, nothing registered), saying why in WWW-Authenticate. */
    private void assertRefused(String attempt, String id, String query, Map<String, String> headers, String error) {
        assertThatThrownBy(() -> clients.add(DeviceClient.open(DeviceClient.uri(port, id, query), id, true, headers)))
                .as(attempt).isInstanceOfSatisfying(DeviceClient.Refused.class, refused -> {
                    assertThat(refused.status()).as(attempt).isEqualTo(401);
                    assertThat(refused.challenge()).as(attempt).startsWith("Bearer realm=\"devices\"");
                    if (!error.isEmpty()) {
                        assertThat(refused.challenge()).as(attempt).contains("error=\"" + error + "\"");
                    }
                });
    }

    private static JsonNode awaitFrame(DeviceClient device, String type) {
        return await(type + " frame on " + device.id()).atMost(SOON).until(() -> device.frames(type),
                frames -> !frames.isEmpty()).get(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static List<String> fieldNames(JsonNode node) {
        return new ArrayList<>(node.propertyNames());
    }
}
