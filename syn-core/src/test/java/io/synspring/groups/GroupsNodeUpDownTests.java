package io.synspring.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent.Joined;
import io.synspring.events.SynEvent.Left;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members of a node that leaves vanish everywhere (NODE_DOWN); when it comes back they reappear (NODE_UP). */
class GroupsNodeUpDownTests {

    @Test
    void aTerminatedNodesMembersDisappearWithNodeDownOnTheOthersOnly() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            SynProcess survivor = cluster.node(0).spawn((m, c) -> {});
            SynProcess doomed = cluster.node(2).spawn((m, c) -> {});
            cluster.node(0).groups().join("g", survivor.ref());
            cluster.node(2).groups().join("g", doomed.ref(), "meta");
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.groups().memberCount("g") == 2));
            NodeId doomedNode = cluster.node(2).node();

            cluster.terminate(2);

            for (int i = 0; i < 2; i++) {
                NodeRegistry node = cluster.node(i);
                await().until(() -> node.groups().memberCount("g") == 1);
                assertThat(node.groups().members("g")).extracting(Membership::process).containsExactly(survivor.ref());
                assertThat(node.groups().groupCount(doomedNode)).isZero();
                int index = i;
                await().until(() -> !logs.get(index).of(Left.class).isEmpty());
                assertThat(logs.get(i).of(Left.class)).singleElement().satisfies(left -> {
                    assertThat(left.process()).isEqualTo(doomed.ref());
                    assertThat(left.meta()).isEqualTo("meta");
                    assertThat(left.reason()).isEqualTo(new Reason.NodeDown(doomedNode));
                });
            }
        }
    }

    @Test
    void membershipsOfBothSidesOfASplitUnionWhenItHeals() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<EventLog> logs = EventLog.onEveryNode(cluster);
            SynProcess a = cluster.node(0).spawn((m, c) -> {});
            SynProcess c = cluster.node(2).spawn((m, ctx) -> {});
            cluster.node(0).groups().join("g", a.ref());
            cluster.node(2).groups().join("g", c.ref());
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.groups().memberCount("g") == 2));
            NodeId isolated = cluster.node(2).node();

            cluster.split(2);
            await().until(() -> cluster.node(0).groups().memberCount("g") == 1
                    && cluster.node(1).groups().memberCount("g") == 1
                    && cluster.node(2).groups().memberCount("g") == 1);
            assertThat(logs.get(0).of(Left.class)).singleElement().extracting(Left::reason)
                    .isEqualTo(new Reason.NodeDown(isolated));
            // both sides keep working during the split
            SynProcess b = cluster.node(1).spawn((m, ctx) -> {});
            SynProcess d = cluster.node(2).spawn((m, ctx) -> {});
            assertThat(cluster.node(1).groups().join("g", b.ref())).isEqualTo(JoinResult.OK);
            assertThat(cluster.node(2).groups().join("g", d.ref())).isEqualTo(JoinResult.OK);
            assertThat(cluster.node(2).groups().join("only-on-3", d.ref())).isEqualTo(JoinResult.OK);
            await().until(() -> cluster.node(0).groups().memberCount("g") == 2);
            logs.forEach(EventLog::clear);

            cluster.heal();

            await().until(() -> cluster.nodes().stream().allMatch(n -> n.groups().memberCount("g") == 4
                    && n.groups().memberCount("only-on-3") == 1));
            for (NodeRegistry node : cluster.nodes()) {
                assertThat(node.groups().members("g")).extracting(Membership::process)
                        .containsExactlyInAnyOrder(a.ref(), b.ref(), c.ref(), d.ref());
            }
            // the nodes that were apart see the isolated node's members arrive with NODE_UP, and vice versa
            await().untilAsserted(() -> assertThat(logs.get(0).of(Joined.class)).hasSize(3));
            assertThat(logs.get(0).of(Joined.class))
                    .allSatisfy(joined -> assertThat(joined.reason()).isEqualTo(new Reason.NodeUp(isolated)));
            await().until(() -> logs.get(2).of(Joined.class).size() == 2);
            assertThat(logs.get(2).of(Joined.class)).extracting(Joined::process)
                    .containsExactlyInAnyOrder(a.ref(), b.ref());
            assertThat(logs.get(2).of(Joined.class))
                    .allSatisfy(joined -> assertThat(joined.reason()).isInstanceOf(Reason.NodeUp.class));
        }
    }

}
