package io.synspring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.events.NodeEvent;
import io.synspring.internal.transport.Transport;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The other nodes' lifecycle as a node's listeners see it: up, synced once this node holds all their
 * entries, unsynced while it catches up after losing some, and down, told apart by whether they said goodbye.
 */
class NodeEventsTests {

    @Test
    void aNodeIsUpThenSyncedAndDownSaysWhetherItLeft() {
        try (TestCluster cluster = new TestCluster(3)) {
            NodeRegistry watcher = cluster.startNode(0, settings -> settings);
            EventLog log = EventLog.on(cluster, 0);
            NodeRegistry leaver = cluster.startNode(1, settings -> settings);
            SynProcess device = leaver.spawn((message, ctx) -> {});
            assertThat(leaver.registry().register("device", device.ref())).isEqualTo(RegisterResult.OK);
            NodeRegistry crasher = cluster.startNode(2, settings -> settings.scopes("other"));
            NodeId leaverId = leaver.node();
            NodeId crasherId = crasher.node();
            await().until(() -> log.nodeEvents().stream().filter(NodeEvent.Synced.class::isInstance).count() == 2);

            List<NodeEvent> ofLeaver = of(log, leaverId);
            assertThat(ofLeaver).extracting(Object::getClass).containsExactly(NodeEvent.Up.class,
                    NodeEvent.Synced.class);
            assertThat(((NodeEvent.Up) ofLeaver.get(0)).scopes()).isEqualTo(Set.of(SynSettings.DEFAULT_SCOPE));
            // synced means its entries are here: a listener may read them at once
            assertThat(watcher.registry().lookup("device")).isPresent();
            // a node sharing no scope has nothing to sync: synced as soon as it is up
            assertThat(of(log, crasherId)).extracting(Object::getClass)
                    .containsExactly(NodeEvent.Up.class, NodeEvent.Synced.class);

            cluster.shutdown(1);
            cluster.terminate(2);
            await().until(() -> log.nodeEvents().stream().filter(NodeEvent.Down.class::isInstance).count() == 2);
            assertThat(of(log, leaverId)).extracting(Object::getClass)
                    .containsExactly(NodeEvent.Up.class, NodeEvent.Synced.class, NodeEvent.Down.class);
            assertThat(of(log, leaverId)).last().isInstanceOfSatisfying(NodeEvent.Down.class,
                    down -> assertThat(down.left()).isTrue());
            assertThat(of(log, crasherId)).extracting(Object::getClass)
                    .containsExactly(NodeEvent.Up.class, NodeEvent.Synced.class, NodeEvent.Down.class);
            assertThat(of(log, crasherId)).last().isInstanceOfSatisfying(NodeEvent.Down.class,
                    down -> assertThat(down.left()).isFalse());
            assertThat(watcher.registry().lookup("device")).isEmpty();
        }
    }

    @Test
    void aNodeWhoseChangesWereLostIsUnsyncedUntilItsSnapshotArrives() {
        try (TestCluster cluster = TestCluster.start(2)) {
            NodeRegistry owner = cluster.node(0);
            NodeRegistry observer = cluster.node(1);
            EventLog log = EventLog.on(cluster, 1);
            // the owner's changes to the observer are lost while both stay members (see ResyncTests)
            Transport link = cluster.transport(0);
            link.block(observer.node());
            SynProcess device = owner.spawn((message, ctx) -> {});
            assertThat(owner.registry().register("device", device.ref())).isEqualTo(RegisterResult.OK);
            await().until(() -> owner.unreachableNodes().contains(observer.node()));
            link.disconnect(observer.node());
            link.unblock(observer.node());

            await().until(() -> observer.registry().lookup("device").isPresent()
                    && of(log, owner.node()).size() == 2);
            assertThat(of(log, owner.node())).extracting(Object::getClass)
                    .containsExactly(NodeEvent.Unsynced.class, NodeEvent.Synced.class);
            assertThat(observer.unsyncedNodes()).isEmpty();
        }
    }

    private static List<NodeEvent> of(EventLog log, NodeId node) {
        return log.nodeEvents().stream().filter(event -> event.node().equals(node)).toList();
    }
}
