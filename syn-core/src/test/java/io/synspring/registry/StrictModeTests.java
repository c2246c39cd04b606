package io.synspring.registry;

import static io.synspring.registry.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeRegistry;
import io.synspring.process.SynProcess;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strict mode: only a process itself, from inside its own handler, may register a name for itself or
 * update its registration. Every node runs in strict mode.
 */
class StrictModeTests {

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new TestCluster(3);
        for (int i = 0; i < 3; i++) {
            cluster.startNode(i, settings -> settings.strictMode(true));
        }
        cluster.awaitFullyConnected();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Registry registry(int index) {
        return cluster.node(index).registry();
    }

    /** A process of node {@code index} that runs each function it receives and reports the result. */
    private static SynProcess actor(int index, BlockingQueue<Object> results) {
        return cluster.node(index).spawn((message, ctx) -> {
            @SuppressWarnings("unchecked")
            Function<SynProcess, Object> action = (Function<SynProcess, Object>) message;
            results.add(action.apply(ctx.self()));
        });
    }

    private static Object ask(SynProcess actor, BlockingQueue<Object> results, Function<SynProcess, Object> action)
            throws InterruptedException {
        actor.tell(action);
        Object result = results.poll(10, TimeUnit.SECONDS);
        assertThat(result).as("the actor answered").isNotNull();
        return result;
    }

    @Test
    void nobodyButTheProcessItselfMayRegisterIt() {
        SynProcess local = cluster.node(0).spawn((message, ctx) -> {});
        SynProcess remote = cluster.node(1).spawn((message, ctx) -> {});

        assertThat(registry(0).register("strict-outside", local.ref())).isEqualTo(RegisterResult.NOT_SELF);
        assertThat(registry(0).register("strict-outside", remote.ref())).isEqualTo(RegisterResult.NOT_SELF);
        assertThat(registry(1).register("strict-outside", remote.ref(), "meta")).isEqualTo(RegisterResult.NOT_SELF);
        assertThat(registry(0).lookup("strict-outside")).isEmpty();
        assertThat(registry(1).lookup("strict-outside")).isEmpty();
    }

    @Test
    void aProcessRegistersAndUpdatesItselfFromItsHandler() throws Exception {
        BlockingQueue<Object> results = new LinkedBlockingQueue<>();
        SynProcess actor = actor(1, results);
        Registry registry = registry(1);

        assertThat(ask(actor, results, self -> registry.register("strict-self", self.ref(), "v1")))
                .isEqualTo(RegisterResult.OK);
        assertThat(ask(actor, results, self -> registry.register("strict-self-2", self.ref())))
                .isEqualTo(RegisterResult.OK);
        for (NodeRegistry node : cluster.nodes()) {
            await().until(() -> node.registry().namesOf(actor.ref()).size() == 2);
            assertThat(node.registry().namesOf(actor.ref())).containsExactlyInAnyOrder("strict-self", "strict-self-2");
        }
        // the same meta again, then another meta, from inside
        assertThat(ask(actor, results, self -> registry.register("strict-self", self.ref(), Map.of("v", 2))))
                .isEqualTo(RegisterResult.OK);
        Object updated = ask(actor, results, self -> registry.update("strict-self", (ref, meta) -> "v3"));
        assertThat(updated).isInstanceOf(UpdateResult.class);
        assertThat(((UpdateResult) updated).status()).isEqualTo(UpdateResult.Status.OK);
        for (NodeRegistry node : cluster.nodes()) {
            await().until(() -> node.registry().lookup("strict-self").map(Registration::meta).orElse("")
                    .equals("v3"));
        }
        // from outside the process, on its node or another: refused
        assertThat(registry(1).update("strict-self", (ref, meta) -> "outside").status())
                .isEqualTo(UpdateResult.Status.NOT_SELF);
        assertThat(registry(0).update("strict-self", (ref, meta) -> "outside").status())
                .isEqualTo(UpdateResult.Status.NOT_SELF);
        assertThat(registry(2).register("strict-self", actor.ref(), "outside")).isEqualTo(RegisterResult.NOT_SELF);
        assertThat(registry(1).lookup("strict-self")).map(Registration::meta).contains("v3");
    }

    @Test
    void aProcessCannotRegisterOrUpdateAnotherProcessFromItsHandler() throws Exception {
        BlockingQueue<Object> results = new LinkedBlockingQueue<>();
        SynProcess actor = actor(2, results);
        SynProcess neighbour = actor(2, new LinkedBlockingQueue<>());
        SynProcess farAway = cluster.node(0).spawn((message, ctx) -> {});
        Registry registry = registry(2);

        assertThat(ask(actor, results, self -> registry.register("strict-other", neighbour.ref())))
                .isEqualTo(RegisterResult.NOT_SELF);
        assertThat(ask(actor, results, self -> registry.register("strict-other", farAway.ref())))
                .isEqualTo(RegisterResult.NOT_SELF);
        // the neighbour registers itself; the actor may not change it
        BlockingQueue<Object> neighbourResults = new LinkedBlockingQueue<>();
        SynProcess owner = actor(2, neighbourResults);
        assertThat(ask(owner, neighbourResults, self -> registry.register("strict-owned", self.ref(), "mine")))
                .isEqualTo(RegisterResult.OK);
        Object update = ask(actor, results, self -> registry.update("strict-owned", (ref, meta) -> "stolen"));
        assertThat(((UpdateResult) update).status()).isEqualTo(UpdateResult.Status.NOT_SELF);
        assertThat(registry.lookup("strict-owned")).map(Registration::meta).contains("mine");
        assertThat(registry.lookup("strict-other")).isEmpty();
    }

    @Test
    void unregisteringIsNotRestrictedAsInSyn() {
        // strict mode governs register and update; a name can be removed by anyone (Syn v3 does the same)
        BlockingQueue<Object> results = new LinkedBlockingQueue<>();
        SynProcess actor = actor(0, results);
        actor.tell((Function<SynProcess, Object>) self -> registry(0).register("strict-unregister", self.ref()));
        await().until(() -> registry(2).lookup("strict-unregister").isPresent());

        assertThat(registry(2).unregister("strict-unregister")).isEqualTo(UnregisterResult.OK);
        await().until(() -> List.of(0, 1, 2).stream().allMatch(i -> registry(i).lookup("strict-unregister").isEmpty()));
        assertThat(actor.isAlive()).isTrue();
    }
}
