package io.synspring.registry;

import static io.synspring.registry.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synspring.NodeRegistry;
import io.synspring.UnknownScopeException;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.process.ExitReason;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scopes are independent namespaces held only by the nodes configured for them. Node 1 is in scopes A and
 * B, node 2 in A, node 3 in B (every node is in {@code default}).
 */
class ScopesTests {

    private static TestCluster cluster;
    private static List<EventLog> logs;

    @BeforeAll
    static void startCluster() {
        cluster = new TestCluster(3);
        cluster.startNode(0, settings -> settings.scopes("scopeA", "scopeB"));
        cluster.startNode(1, settings -> settings.scopes("scopeA"));
        cluster.startNode(2, settings -> settings.scopes("scopeB"));
        cluster.awaitFullyConnected();
        logs = EventLog.onEveryNode(cluster);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static NodeRegistry node(int index) {
        return cluster.node(index);
    }

    @Test
    void aNodeOutsideAScopeHoldsNoneOfItAndCallsOnItFailClearly() {
        SynProcess process = node(0).spawn((message, ctx) -> {});
        assertThat(node(0).registry("scopeA").register("scoped-a", process.ref(), "a")).isEqualTo(RegisterResult.OK);
        await().until(() -> node(1).registry("scopeA").lookup("scoped-a").isPresent());
        // a later change in a scope node 3 shares with node 1 is the barrier
        assertThat(node(0).registry("scopeB").register("scoped-b", process.ref())).isEqualTo(RegisterResult.OK);
        await().until(() -> node(2).registry("scopeB").lookup("scoped-b").isPresent());

        assertThat(node(2).scopes()).containsExactlyInAnyOrder("default", "scopeB");
        assertThatThrownBy(() -> node(2).registry("scopeA")).isInstanceOf(UnknownScopeException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("this node is not in scope 'scopeA'")
                .hasMessageContaining("default").hasMessageContaining("scopeB")
                .hasMessageContaining("syn.scopes");
        assertThatThrownBy(() -> node(1).registry("scopeB")).isInstanceOf(UnknownScopeException.class);
        assertThatThrownBy(() -> node(0).registry("no-such-scope")).isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("'no-such-scope'");
        assertThatThrownBy(() -> node(2).groups("scopeA")).isInstanceOf(UnknownScopeException.class);
        assertThatThrownBy(() -> node(0).registry(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("scope");
        assertThat(logs.get(2).all()).noneMatch(event -> event.scope().equals("scopeA"));
        assertThat(logs.get(1).all()).noneMatch(event -> event.scope().equals("scopeB"));
        // nor did the entry leak into another scope of the nodes that have it
        assertThat(node(2).registry().lookup("scoped-a")).isEmpty();
        assertThat(node(2).registry("scopeB").lookup("scoped-a")).isEmpty();
        assertThat(node(1).registry().lookup("scoped-a")).isEmpty();
    }

    @Test
    void theSameNameInDifferentScopesNamesDifferentProcesses() {
        SynProcess inDefault = node(1).spawn((message, ctx) -> {});
        SynProcess inA = node(0).spawn((message, ctx) -> {});
        SynProcess inB = node(2).spawn((message, ctx) -> {});
        assertThat(node(1).registry().register("same-name", inDefault.ref())).isEqualTo(RegisterResult.OK);
        assertThat(node(0).registry("scopeA").register("same-name", inA.ref())).isEqualTo(RegisterResult.OK);
        assertThat(node(2).registry("scopeB").register("same-name", inB.ref())).isEqualTo(RegisterResult.OK);

        await().until(() -> node(0).registry().lookup("same-name").isPresent()
                && node(1).registry("scopeA").lookup("same-name").isPresent()
                && node(0).registry("scopeB").lookup("same-name").isPresent());
        for (NodeRegistry node : cluster.nodes()) {
            await().until(() -> node.registry().lookup("same-name").isPresent());
            assertThat(node.registry().lookup("same-name")).map(Registration::process).contains(inDefault.ref());
        }
        assertThat(node(1).registry("scopeA").lookup("same-name")).map(Registration::process).contains(inA.ref());
        assertThat(node(0).registry("scopeB").lookup("same-name")).map(Registration::process).contains(inB.ref());

        // unregistering in one scope leaves the others alone
        assertThat(node(0).registry("scopeA").unregister("same-name")).isEqualTo(UnregisterResult.OK);
        await().until(() -> node(1).registry("scopeA").lookup("same-name").isEmpty());
        assertThat(node(1).registry().lookup("same-name")).isPresent();
        assertThat(node(0).registry("scopeB").lookup("same-name")).isPresent();
    }

    @Test
    void aProcessExitRemovesItsNamesInEveryScope() {
        SynProcess process = node(0).spawn((message, ctx) -> {});
        node(0).registry().register("exit-everywhere", process.ref());
        node(0).registry("scopeA").register("exit-everywhere", process.ref());
        node(0).registry("scopeB").register("exit-everywhere", process.ref());
        await().until(() -> node(1).registry("scopeA").lookup("exit-everywhere").isPresent()
                && node(2).registry("scopeB").lookup("exit-everywhere").isPresent());

        process.exit(ExitReason.KILLED);

        await().until(() -> node(1).registry("scopeA").lookup("exit-everywhere").isEmpty()
                && node(2).registry("scopeB").lookup("exit-everywhere").isEmpty()
                && node(1).registry().lookup("exit-everywhere").isEmpty()
                && node(2).registry().lookup("exit-everywhere").isEmpty());
        await().until(() -> logs.get(0).about("exit-everywhere", SynEvent.Unregistered.class).size() == 3);
        assertThat(logs.get(0).about("exit-everywhere", SynEvent.Unregistered.class))
                .extracting(SynEvent::scope).containsExactlyInAnyOrder("default", "scopeA", "scopeB");
        await().until(() -> logs.get(2).about("exit-everywhere", SynEvent.Unregistered.class).size() == 2);
        assertThat(logs.get(2).about("exit-everywhere", SynEvent.Unregistered.class))
                .allMatch(event -> event.reason().equals(new Reason.ProcessExited(ExitReason.KILLED)))
                .extracting(SynEvent::scope).containsExactlyInAnyOrder("default", "scopeB");
    }

    @Test
    void registeringInAScopeAProcessOfANodeOutsideItFailsClearly() {
        // node 3 is not in scope A: its processes cannot hold names there
        SynProcess outsider = node(2).spawn((message, ctx) -> {});
        long start = System.nanoTime();
        assertThatThrownBy(() -> node(0).registry("scopeA").register("outsider", outsider.ref()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scopeA").hasMessageContaining(node(2).node().toString());
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                .as("fails at once, not after the request timeout").isLessThan(java.time.Duration.ofSeconds(2));
        assertThat(node(0).registry("scopeA").lookup("outsider")).isEmpty();
    }
}
