package io.synspring.faults;

import static io.synspring.testing.EventAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.internal.transport.Transport;
import io.synspring.process.ExitReason;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.UnregisterResult;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import org.junit.jupiter.api.Test;

/**
 * A node that misses some of another node's changes while both stay in the cluster (messages lost, no
 * member removed) catches up from that node's snapshot; the events of what it learns that way say
 * {@code RESYNC}, not {@code NORMAL}: it cannot tell an API call from a process exit it never heard of.
 */
class ResyncTests {

    private static final String MARKER = "registered-while-cut-off";

    @Test
    void changesLearnedFromASnapshotSayResync() {
        try (TestCluster cluster = TestCluster.start(2)) {
            NodeRegistry owner = cluster.node(0);
            NodeRegistry observer = cluster.node(1);
            EventLog log = EventLog.on(cluster, 1);
            SynProcess killed = owner.spawn((message, ctx) -> {});
            SynProcess unregistered = owner.spawn((message, ctx) -> {});
            SynProcess added = owner.spawn((message, ctx) -> {});
            assertThat(owner.registry().register("killed", killed.ref())).isEqualTo(RegisterResult.OK);
            owner.groups().join("tenant", killed.ref());
            assertThat(owner.registry().register("unregistered", unregistered.ref())).isEqualTo(RegisterResult.OK);
            await().until(() -> observer.registry().count() == 2 && observer.groups().memberCount("tenant") == 1);

            // the owner's messages to the observer are lost while both stay members: they wait on a link that
            // cannot connect, and that link is then dropped with them (the next message opens a new one)
            Transport link = cluster.transport(0);
            link.block(observer.node());
            killed.exit(ExitReason.KILLED);
            assertThat(owner.registry().unregister("unregistered")).isEqualTo(UnregisterResult.OK);
            assertThat(owner.registry().register(MARKER, added.ref())).isEqualTo(RegisterResult.OK);
            // by the time the owner reports the observer unreachable, its changes have long been on the link
            await().until(() -> owner.groups().memberCount("tenant") == 0
                    && owner.unreachableNodes().contains(observer.node()));
            link.disconnect(observer.node());
            link.unblock(observer.node());

            await().until(() -> observer.registry().count() == 1 && observer.registry().lookup(MARKER).isPresent()
                    && observer.groups().memberCount("tenant") == 0);
            Reason resync = Reason.RESYNC;
            assertThatEvents(log.about("killed")).containsExactly(
                    new SynEvent.Registered("default", "killed", killed.ref(), null, Reason.NORMAL),
                    new SynEvent.Unregistered("default", "killed", killed.ref(), null, resync));
            assertThatEvents(log.of(SynEvent.Left.class)).containsExactly(
                    new SynEvent.Left("default", "tenant", killed.ref(), null, resync));
            assertThatEvents(log.about("unregistered")).containsExactly(
                    new SynEvent.Registered("default", "unregistered", unregistered.ref(), null, Reason.NORMAL),
                    new SynEvent.Unregistered("default", "unregistered", unregistered.ref(), null, resync));
            assertThatEvents(log.about(MARKER)).containsExactly(
                    new SynEvent.Registered("default", MARKER, added.ref(), null, resync));
            assertThat(observer.nodes()).hasSize(2); // it stayed in the cluster: no NODE_DOWN, no NODE_UP
        }
    }

}
