package io.synspring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.Kind;
import io.synspring.NodeRegistry;
import io.synspring.groups.JoinResult;
import io.synspring.groups.MultiCallResult;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.UnregisterResult;
import io.synspring.registry.UpdateResult;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each operation that crosses nodes is observed on both nodes: {@code syn.send} where it starts, {@code syn.receive}
 * where it is done, with the scope, operation and outcome as low-cardinality key values and never a name.
 */
class ObservationTimersTests {

    static final TestObservationRegistry observedA = TestObservationRegistry.create();
    static final TestObservationRegistry observedB = TestObservationRegistry.create();
    static final TestObservationRegistry observedC = TestObservationRegistry.create();
    static TestCluster cluster;
    static NodeRegistry a;
    static NodeRegistry b;
    /** A node whose sends are named by a convention of the application's. */
    static NodeRegistry c;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3);
        a = cluster.startNode(0, settings -> settings.scopes("devices").observationRegistry(observedA));
        b = cluster.startNode(1, settings -> settings.scopes("devices").observationRegistry(observedB));
        c = cluster.startNode(2, settings -> settings.scopes("devices").observationRegistry(observedC)
                .senderObservationConvention(new DefaultSynSenderObservationConvention() {
                    @Override
                    public String getName() {
                        return "gateway.commands";
                    }
                }));
        cluster.awaitFullyConnected();
        await().until(() -> cluster.nodes().stream().allMatch(node -> node.unsyncedNodes().isEmpty()));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aSendIsTimedOnTheSenderAndItsHandlingOnTheReceiver() {
        SynProcess device = b.spawn((message, ctx) -> {});
        b.registry("devices").register("device-send", device.ref());
        await().until(() -> a.registry("devices").lookup("device-send").isPresent());

        assertThat(a.registry("devices").send("device-send", "hello")).isEqualTo(SendResult.SENT);

        await().untilAsserted(() -> assertThat(stopped(observedA, "syn.send", "send"))
                .anySatisfy(context -> assertKeys(context, "devices", "send", "SENT")));
        await().untilAsserted(() -> assertThat(stopped(observedB, "syn.receive", "send"))
                .anySatisfy(context -> assertKeys(context, "none", "send", "OK")));
        SynSenderContext sent = (SynSenderContext) stopped(observedA, "syn.send", "send").get(0);
        assertThat(sent.peer()).isEqualTo(b.node());
        assertThat(sent.getKind()).isEqualTo(Kind.PRODUCER);
    }

    @Test
    void aCallIsTimedUntilItsReplyAndAHandlerThatThrowsIsAnError() throws Exception {
        // a handler that throws crashes its process: the call fails with EXITED, its handling is an ERROR
        SynProcess echo = b.spawn((message, ctx) -> {
            if (message.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            ctx.reply(message);
        });
        b.registry("devices").register("echo", echo.ref());
        await().until(() -> a.registry("devices").lookup("echo").isPresent());

        assertThat(a.registry("devices").<String>call("echo", "ping", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                .isEqualTo("ping");
        a.registry("devices").call("echo", "boom", Duration.ofSeconds(5));

        await().untilAsserted(() -> assertThat(stopped(observedA, "syn.send", "call"))
                .anySatisfy(context -> assertKeys(context, "devices", "call", "REPLIED"))
                .anySatisfy(context -> assertKeys(context, "devices", "call", "EXITED")));
        await().untilAsserted(() -> assertThat(stopped(observedB, "syn.receive", "call"))
                .anySatisfy(context -> assertKeys(context, "none", "call", "OK"))
                .anySatisfy(context -> {
                    assertKeys(context, "none", "call", "ERROR");
                    assertThat(context.getError()).hasMessage("boom");
                }));
    }

    @Test
    void aMultiCallIsTimedAsAWhole() {
        SynProcess remote = b.spawn((message, ctx) -> ctx.reply("b"));
        SynProcess local = a.spawn((message, ctx) -> ctx.reply("a"));
        assertThat(b.groups("devices").join("multi", remote.ref())).isEqualTo(JoinResult.OK);
        assertThat(a.groups("devices").join("multi", local.ref())).isEqualTo(JoinResult.OK);
        await().until(() -> a.groups("devices").memberCount("multi") == 2);

        MultiCallResult<String> result = a.groups("devices").multiCall("multi", "ping", Duration.ofSeconds(5));

        assertThat(result.replies()).hasSize(2);
        assertThat(stopped(observedA, "syn.send", "multicall"))
                .anySatisfy(context -> assertKeys(context, "devices", "multicall", "REPLIED"));
    }

    @Test
    void routedRegistryAndGroupOperationsAreTimedOnTheCallerAndTheOwner() {
        SynProcess device = b.spawn((message, ctx) -> {});

        assertThat(a.registry("devices").register("routed", device.ref(), "v1")).isEqualTo(RegisterResult.OK);
        await().until(() -> a.registry("devices").lookup("routed").isPresent());
        assertThat(a.registry("devices").update("routed", (process, meta) -> "v2").status())
                .isEqualTo(UpdateResult.Status.OK);
        assertThat(a.groups("devices").join("routed-group", device.ref())).isEqualTo(JoinResult.OK);
        assertThat(a.registry("devices").unregister("routed")).isEqualTo(UnregisterResult.OK);

        for (String operation : List.of("register", "update", "join", "unregister")) {
            assertThat(stopped(observedA, "syn.send", operation))
                    .anySatisfy(context -> assertKeys(context, "devices", operation, "OK"));
            await().untilAsserted(() -> assertThat(stopped(observedB, "syn.receive", operation))
                    .anySatisfy(context -> assertKeys(context, "devices", operation, "OK")));
        }
        assertThat(contexts(observedA, "syn.send")).allSatisfy(context -> assertThat(context.getAllKeyValues())
                .noneMatch(keyValue -> keyValue.getValue().contains("routed"))); // never a name as a key value
    }

    @Test
    void anApplicationsConventionNamesTheObservations() {
        SynProcess device = b.spawn((message, ctx) -> {});
        b.registry("devices").register("device-named", device.ref());
        await().until(() -> c.registry("devices").lookup("device-named").isPresent());

        assertThat(c.registry("devices").send("device-named", "hello")).isEqualTo(SendResult.SENT);

        assertThat(stopped(observedC, "gateway.commands", "send"))
                .anySatisfy(context -> assertKeys(context, "devices", "send", "SENT"));
        assertThat(contexts(observedC, "syn.send")).isEmpty();
    }

    @Test
    void theSnapshotExchangeIsTimedOnBothNodes() {
        assertThat(stopped(observedA, "syn.send", "snapshot"))
                .anySatisfy(context -> assertKeys(context, "devices", "snapshot", "SENT"));
        assertThat(stopped(observedB, "syn.receive", "snapshot"))
                .anySatisfy(context -> assertKeys(context, "devices", "snapshot", "OK"));
    }

    @Test
    void operationsOnLocalProcessesAreNotObserved() throws Exception {
        SynProcess local = a.spawn((message, ctx) -> ctx.reply(message));
        a.registry("devices").register("local-only", local.ref());
        a.registry("devices").send("local-only", "hello");
        a.registry("devices").call("local-only", "ping", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

        assertThat(contexts(observedA, "syn.send"))
                .noneSatisfy(context -> assertThat(((SynSenderContext) context).peer()).isEqualTo(a.node()));
        assertThat(contexts(observedA, "syn.receive"))
                .noneSatisfy(context -> assertThat(((SynReceiverContext) context).peer()).isEqualTo(a.node()));
    }

    private static void assertKeys(Observation.Context context, String scope, String operation, String outcome) {
        assertThat(context.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(KeyValue.of("syn.scope", scope),
                KeyValue.of("syn.operation", operation), KeyValue.of("syn.outcome", outcome));
    }

    /** The contexts of observations named {@code name} of {@code operation} that have stopped. */
    private static List<Observation.Context> stopped(TestObservationRegistry registry, String name, String operation) {
        return contexts(registry, name).stream()
                .filter(context -> operation.equals(operationOf(context)))
                .filter(context -> !"UNKNOWN".equals(outcomeOf(context)))
                .toList();
    }

    private static List<Observation.Context> contexts(TestObservationRegistry registry, String name) {
        List<Observation.Context> found = new ArrayList<>();
        TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(contexts -> contexts.stream()
                .filter(context -> name.equals(context.getName()))
                .forEach(found::add));
        return found;
    }

    private static String outcomeOf(Observation.Context context) {
        return context instanceof SynSenderContext sender ? sender.outcome()
                : context instanceof SynReceiverContext receiver ? receiver.outcome() : "UNKNOWN";
    }

    private static String operationOf(Observation.Context context) {
        return context instanceof SynSenderContext sender ? sender.operation()
                : context instanceof SynReceiverContext receiver ? receiver.operation() : "";
    }
}
