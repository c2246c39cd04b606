package io.synspring;

import static io.synspring.testing.EventAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.Groups;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registry;
import io.synspring.registry.UpdateResult;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device that drops its connection and reconnects at once to the same node: its old process exits and a
 * fresh one takes the name (or joins the group) right away. From the moment the old process exited, nothing
 * on its node treats it as a holder, and every node sees the old entry go, with the exit reason, before the
 * new one comes.
 */
class ReconnectTests {

    private static final int ROUNDS = 120;

    private static TestCluster cluster;
    private static List<EventLog> logs;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2);
        logs = EventLog.onEveryNode(cluster);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void aFreshProcessTakesTheNameOfOneThatJustExited() {
        NodeRegistry gateway = cluster.node(0);
        Registry registry = gateway.registry();
        SynProcess old = gateway.spawn((message, ctx) -> {});
        assertThat(registry.register("device-1", old.ref())).isEqualTo(RegisterResult.OK);
        List<SynEvent> expected = new ArrayList<>();
        expected.add(new SynEvent.Registered("default", "device-1", old.ref(), null, Reason.NORMAL));

        for (int round = 0; round < ROUNDS; round++) {
            ExitReason exit = round % 2 == 0 ? ExitReason.NORMAL : ExitReason.KILLED;
            old.exit(exit);
            assertThat(registry.lookup("device-1")).isEmpty();
            assertThat(registry.send("device-1", "ping")).isEqualTo(SendResult.NO_SUCH_NAME);
            assertThat(registry.update("device-1", (process, meta) -> "changed").status())
                    .isEqualTo(UpdateResult.Status.UNDEFINED);
            SynProcess fresh = gateway.spawn((message, ctx) -> {});
            assertThat(registry.register("device-1", fresh.ref())).as("round %d", round).isEqualTo(RegisterResult.OK);
            expected.add(
                    new SynEvent.Unregistered("default", "device-1", old.ref(), null, new Reason.ProcessExited(exit)));
            expected.add(new SynEvent.Registered("default", "device-1", fresh.ref(), null, Reason.NORMAL));
            old = fresh;
        }

        SynProcess last = old;
        for (EventLog log : logs) {
            await().until(() -> log.about("device-1").size() >= expected.size()
                    && cluster.node(log.index()).registry().lookup("device-1").isPresent()
                    && cluster.node(log.index()).registry().lookup("device-1").get().process().equals(last.ref()));
            assertThatEvents(log.about("device-1")).as("events of node %d", log.index() + 1)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aFreshProcessJoinsTheGroupOfOneThatJustExited() {
        NodeRegistry gateway = cluster.node(0);
        Groups groups = gateway.groups();
        SynProcess old = gateway.spawn((message, ctx) -> {});
        assertThat(groups.join("tenant-1", old.ref())).isEqualTo(JoinResult.OK);
        List<SynEvent> expected = new ArrayList<>();
        expected.add(new SynEvent.Joined("default", "tenant-1", old.ref(), null, Reason.NORMAL));

        for (int round = 0; round < ROUNDS; round++) {
            ExitReason exit = round % 2 == 0 ? ExitReason.NORMAL : ExitReason.KILLED;
            old.exit(exit);
            assertThat(groups.isMember("tenant-1", old.ref())).isFalse();
            assertThat(groups.members("tenant-1")).isEmpty();
            assertThat(groups.leave("tenant-1", old.ref())).isEqualTo(LeaveResult.NOT_IN_GROUP);
            SynProcess fresh = gateway.spawn((message, ctx) -> {});
            assertThat(groups.join("tenant-1", fresh.ref())).as("round %d", round).isEqualTo(JoinResult.OK);
            expected.add(new SynEvent.Left("default", "tenant-1", old.ref(), null, new Reason.ProcessExited(exit)));
            expected.add(new SynEvent.Joined("default", "tenant-1", fresh.ref(), null, Reason.NORMAL));
            old = fresh;
        }

        SynProcess last = old;
        for (EventLog log : logs) {
            await().until(() -> groupEvents(log, "tenant-1").size() >= expected.size()
                    && cluster.node(log.index()).groups().members("tenant-1").stream().map(Membership::process)
                            .toList().equals(List.of(last.ref())));
            assertThatEvents(groupEvents(log, "tenant-1")).as("events of node %d", log.index() + 1)
                    .containsExactlyElementsOf(expected);
        }
    }

    private static List<SynEvent> groupEvents(EventLog log, String group) {
        return log.all().stream()
                .filter(event -> event instanceof SynEvent.Joined joined && joined.group().equals(group)
                        || event instanceof SynEvent.Left left && left.group().equals(group))
                .toList();
    }
}
