package io.synspring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.groups.Groups;
import io.synspring.groups.JoinResult;
import io.synspring.process.ExitReason;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registry;
import io.synspring.registry.UpdateResult;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ending a process removes its names and memberships, in every scope, before {@code exit} returns: a thread
 * that ends a device's process and reads the registry next finds nothing of it on that node. Ended from inside
 * the registry (an update's function), it neither deadlocks nor leaves anything behind.
 */
class ProcessExitTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2, "devices");
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void whenExitReturnsItsNamesAndMembershipsAreGoneFromItsNode() {
        NodeRegistry gateway = cluster.node(0);
        Registry registry = gateway.registry();
        Registry devices = gateway.registry("devices");
        Groups groups = gateway.groups("devices");
        List<SynProcess> processes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            SynProcess process = gateway.spawn((message, ctx) -> {});
            assertThat(registry.register("exit-" + i, process.ref())).isEqualTo(RegisterResult.OK);
            assertThat(devices.register("exit-device-" + i, process.ref())).isEqualTo(RegisterResult.OK);
            assertThat(groups.join("exit-tenant", process.ref())).isEqualTo(JoinResult.OK);
            processes.add(process);
        }

        for (int i = 0; i < processes.size(); i++) {
            SynProcess process = processes.get(i);
            process.exit(i % 2 == 0 ? ExitReason.KILLED : ExitReason.NORMAL);

            assertThat(registry.namesOf(process.ref())).as("process %d", i).isEmpty();
            assertThat(devices.namesOf(process.ref())).as("process %d", i).isEmpty();
            assertThat(groups.groupsOf(process.ref())).as("process %d", i).isEmpty();
            assertThat(groups.memberCount("exit-tenant")).isEqualTo(processes.size() - i - 1);
        }

        NodeRegistry other = cluster.node(1);
        await().atMost(WAIT).until(() -> other.registry("devices").count(gateway.node()) == 0
                && other.groups("devices").memberCount("exit-tenant") == 0
                && processes.stream().allMatch(process -> other.registry().namesOf(process.ref()).isEmpty()));
    }

    /**
     * Two threads, each inside an update's function in one scope (holding that scope), end a process registered
     * in both scopes. Were the names removed on the spot, each thread would wait for the scope the other holds.
     */
    @Test
    void processesEndedInsideUpdatesOfTwoScopesAtOnceLeaveNothingBehind() throws Exception {
        NodeRegistry gateway = cluster.node(0);
        Registry registry = gateway.registry();
        Registry devices = gateway.registry("devices");
        SynProcess first = gateway.spawn((message, ctx) -> {});
        SynProcess second = gateway.spawn((message, ctx) -> {});
        for (SynProcess process : List.of(first, second)) {
            assertThat(registry.register("both-" + process.ref().id(), process.ref())).isEqualTo(RegisterResult.OK);
            assertThat(devices.register("both-" + process.ref().id(), process.ref())).isEqualTo(RegisterResult.OK);
        }
        CountDownLatch bothInside = new CountDownLatch(2);

        CompletableFuture<UpdateResult> inDefault = CompletableFuture.supplyAsync(
                () -> registry.update("both-" + first.ref().id(), (process, meta) -> {
                    awaitOther(bothInside);
                    first.exit(ExitReason.KILLED);
                    return meta;
                }));
        CompletableFuture<UpdateResult> inDevices = CompletableFuture.supplyAsync(
                () -> devices.update("both-" + second.ref().id(), (process, meta) -> {
                    awaitOther(bothInside);
                    second.exit(ExitReason.KILLED);
                    return meta;
                }));

        assertThat(inDefault.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(UpdateResult.Status.OK);
        assertThat(inDevices.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(UpdateResult.Status.OK);
        for (NodeRegistry node : List.of(gateway, cluster.node(1))) {
            await().atMost(WAIT).until(() -> List.of(first, second).stream()
                    .allMatch(process -> node.registry().namesOf(process.ref()).isEmpty()
                            && node.registry("devices").namesOf(process.ref()).isEmpty()));
        }
    }

    private static void awaitOther(CountDownLatch bothInside) {
        bothInside.countDown();
        try {
            assertThat(bothInside.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
