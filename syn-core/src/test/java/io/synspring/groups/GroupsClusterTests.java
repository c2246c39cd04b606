package io.synspring.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.UnknownScopeException;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent.GroupUpdated;
import io.synspring.events.SynEvent.Joined;
import io.synspring.events.SynEvent.Left;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.testing.EventLog;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Process groups on a real 3-member cluster: propagation, counts, events, publish and multi-call. */
class GroupsClusterTests {

    private static TestCluster cluster;
    private static List<EventLog> logs;
    private String group;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(3, "other");
        logs = EventLog.onEveryNode(cluster);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void uniqueGroup(TestInfo test) {
        group = "group-" + test.getTestMethod().orElseThrow().getName();
    }

    private static NodeRegistry node(int index) {
        return cluster.node(index);
    }

    private static Groups groups(int index) {
        return node(index).groups();
    }

    private static SynProcess spawnEcho(int index) {
        return node(index).spawn((message, context) -> context.reply("echo:" + message));
    }

    @Test
    void joinUpdateAndLeavePropagateToEveryNodeWithEvents() {
        SynProcess process = spawnEcho(0);

        assertThat(groups(0).join(group, process.ref(), Map.of("v", 1))).isEqualTo(JoinResult.OK);
        await().until(() -> allNodes(i -> groups(i).isMember(group, process.ref())));
        for (int i = 0; i < 3; i++) {
            assertThat(groups(i).member(group, process.ref())).get()
                    .extracting(Membership::meta).isEqualTo(Map.of("v", 1));
            int node = i;
            await().until(() -> logs.get(node).of(Joined.class, e -> e.group().equals(group)).size() == 1);
            Joined joined = logs.get(i).of(Joined.class, e -> e.group().equals(group)).get(0);
            assertThat(joined.process()).isEqualTo(process.ref());
            assertThat(joined.reason()).isEqualTo(Reason.NORMAL);
            assertThat(joined.scope()).isEqualTo("default");
        }

        assertThat(groups(0).join(group, process.ref(), Map.of("v", 2))).isEqualTo(JoinResult.OK);
        await().until(
                () -> allNodes(i -> logs.get(i).of(GroupUpdated.class, e -> e.group().equals(group)).size() == 1));
        GroupUpdated updated = logs.get(2).of(GroupUpdated.class, e -> e.group().equals(group)).get(0);
        assertThat(updated.meta()).isEqualTo(Map.of("v", 2));
        assertThat(updated.previousMeta()).isEqualTo(Map.of("v", 1));

        assertThat(groups(0).join(group, process.ref(), Map.of("v", 2))).isEqualTo(JoinResult.OK);

        assertThat(groups(1).leave(group, process.ref())).isEqualTo(LeaveResult.OK);
        await().until(() -> allNodes(i -> !groups(i).isMember(group, process.ref())));
        await().until(() -> allNodes(i -> logs.get(i).of(Left.class, e -> e.group().equals(group)).size() == 1));
        assertThat(logs.get(2).of(Left.class, e -> e.group().equals(group)).get(0).reason()).isEqualTo(Reason.NORMAL);
        // identical metadata on re-join changed nothing: one update event in all
        for (int i = 0; i < 3; i++) {
            assertThat(logs.get(i).of(GroupUpdated.class, e -> e.group().equals(group))).hasSize(1);
        }
    }

    @Test
    void membersLocalMembersCountsAndGroupNamesPerNodeOnEveryNode() {
        SynProcess a0 = spawnEcho(0);
        SynProcess b0 = spawnEcho(0);
        SynProcess a1 = spawnEcho(1);
        String other = group + "-other";
        groups(0).join(group, a0.ref());
        groups(0).join(group, b0.ref());
        groups(1).join(group, a1.ref(), "meta-a1");
        groups(1).join(other, a1.ref());

        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 3 && groups(i).memberCount(other) == 1));
        for (int i = 0; i < 3; i++) {
            Groups view = groups(i);
            assertThat(view.members(group)).extracting(Membership::process)
                    .containsExactlyInAnyOrder(a0.ref(), b0.ref(), a1.ref());
            assertThat(view.memberCount(group, node(0).node())).isEqualTo(2);
            assertThat(view.memberCount(group, node(1).node())).isEqualTo(1);
            assertThat(view.memberCount(group, node(2).node())).isZero();
            assertThat(view.groupNames()).contains(group, other);
            assertThat(view.groupNames(node(0).node())).contains(group).doesNotContain(other);
            assertThat(view.groupNames(node(1).node())).contains(group, other);
            assertThat(view.groupNames(node(2).node())).doesNotContain(group, other);
            assertThat(view.groupsOf(a1.ref())).containsExactlyInAnyOrder(group, other);
            assertThat(view.member(group, a1.ref())).get().extracting(Membership::meta).isEqualTo("meta-a1");
        }
        assertThat(groups(0).localMembers(group)).extracting(Membership::process)
                .containsExactlyInAnyOrder(a0.ref(), b0.ref());
        assertThat(groups(1).localMembers(group)).extracting(Membership::process).containsExactly(a1.ref());
        assertThat(groups(2).localMembers(group)).isEmpty();
        assertThat(groups(0).localMemberCount(group)).isEqualTo(2);
        assertThat(groups(0).isLocalMember(group, a0.ref())).isTrue();
        assertThat(groups(0).isLocalMember(group, a1.ref())).isFalse();
        assertThat(groups(1).isLocalMember(group, a1.ref())).isTrue();
        assertThat(groups(1).localGroupNames()).contains(group, other);
        assertThat(groups(1).groupCount(node(1).node())).isEqualTo(groups(1).localGroupCount());
        assertThat(groups(2).groupCount()).isEqualTo(groups(0).groupCount());
    }

    @Test
    void joiningARemoteProcessIsRoutedToItsNode() {
        SynProcess remote = spawnEcho(2);

        assertThat(groups(0).join(group, remote.ref(), "from-node-1")).isEqualTo(JoinResult.OK);
        // the requesting node reads its own write as soon as the call returns
        assertThat(groups(0).isMember(group, remote.ref())).isTrue();
        await().until(() -> allNodes(i -> groups(i).isMember(group, remote.ref())));

        GroupUpdateResult updated = groups(1).update(group, remote.ref(), (process, meta) -> meta + "+updated");
        assertThat(updated.isOk()).isTrue();
        assertThat(updated.membership().meta()).isEqualTo("from-node-1+updated");
        await().until(() -> allNodes(i -> "from-node-1+updated".equals(
                groups(i).member(group, remote.ref()).map(Membership::meta).orElse(null))));

        assertThat(groups(1).leave(group, remote.ref())).isEqualTo(LeaveResult.OK);
        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 0));
    }

    @Test
    void errorOutcomes() {
        SynProcess process = spawnEcho(0);
        SynProcess dead = spawnEcho(1);
        dead.stop();

        assertThat(groups(0).leave(group, process.ref())).isEqualTo(LeaveResult.NOT_IN_GROUP);
        assertThat(groups(2).leave(group, process.ref())).isEqualTo(LeaveResult.NOT_IN_GROUP);
        assertThat(groups(1).join(group, dead.ref())).isEqualTo(JoinResult.NOT_ALIVE);
        assertThat(groups(0).join(group, dead.ref())).isEqualTo(JoinResult.NOT_ALIVE);
        assertThat(groups(0).update(group, process.ref(), (p, meta) -> "x").status())
                .isEqualTo(GroupUpdateResult.Status.NOT_IN_GROUP);
        assertThatThrownBy(() -> groups(0).join(null, process.ref()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group name must not be null");
        assertThatThrownBy(() -> groups(0).join(" ", process.ref()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> groups(0).join("x".repeat(5000), process.ref()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-name-length");
        assertThatThrownBy(() -> groups(0).join(group, process.ref(), new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be serialized");
        assertThat(groups(0).isMember(group, process.ref())).isFalse();

        groups(0).join(group, process.ref(), "before");
        assertThatThrownBy(() -> groups(1).update(group, process.ref(), (p, meta) -> {
            throw new IllegalStateException("refused by the update function");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("refused by the update function");
        assertThat(groups(0).member(group, process.ref())).get().extracting(Membership::meta).isEqualTo("before");
    }

    @Test
    void aMemberThatExitsLeavesEveryGroupOnEveryNodeWithItsReason() {
        SynProcess crashing = node(1).spawn((message, context) -> {
            throw new IllegalArgumentException("boom");
        });
        SynProcess killed = spawnEcho(2);
        String other = group + "-2";
        groups(1).join(group, crashing.ref());
        groups(1).join(other, crashing.ref());
        groups(2).join(group, killed.ref());
        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 2));

        crashing.tell("crash now");
        killed.exit(ExitReason.KILLED);

        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 0 && groups(i).memberCount(other) == 0));
        for (int i = 0; i < 3; i++) {
            int node = i;
            await().until(() -> logs.get(node).of(Left.class, e -> e.group().startsWith(group)).size() == 3);
            List<Left> left = logs.get(i).of(Left.class, e -> e.group().startsWith(group));
            assertThat(left).filteredOn(e -> e.process().equals(killed.ref())).singleElement()
                    .extracting(Left::reason).isEqualTo(new Reason.ProcessExited(ExitReason.KILLED));
            assertThat(left).filteredOn(e -> e.process().equals(crashing.ref())).hasSize(2)
                    .allSatisfy(e -> assertThat(e.reason()).isEqualTo(new Reason.ProcessExited(
                            new ExitReason.Crashed(IllegalArgumentException.class.getName(), "boom"))));
        }
    }

    @Test
    void publishDeliversExactlyOnceToEveryMemberOnEveryNode() throws InterruptedException {
        Map<ProcessRef, List<Object>> received = new ConcurrentHashMap<>();
        List<SynProcess> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 2; k++) {
                SynProcess member = node(i).spawn((message, context) -> received
                        .computeIfAbsent(context.self().ref(), ref -> new CopyOnWriteArrayList<>()).add(message));
                groups(i).join(group, member.ref());
                members.add(member);
            }
        }
        SynProcess outsider = node(0).spawn((message, context) -> received.computeIfAbsent(
                context.self().ref(), ref -> new CopyOnWriteArrayList<>()).add(message));
        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 6));

        assertThat(groups(1).publish(group, "hello")).isEqualTo(6);

        await().until(() -> members.stream().allMatch(m -> received.getOrDefault(m.ref(), List.of()).size() == 1));
        members.forEach(m -> assertThat(received.get(m.ref())).containsExactly("hello"));
        assertThat(received).doesNotContainKey(outsider.ref());

        assertThat(groups(2).localPublish(group, "local")).isEqualTo(2);
        Set<ProcessRef> onNode3 = members.stream().map(SynProcess::ref)
                .filter(ref -> ref.node().equals(node(2).node())).collect(Collectors.toSet());
        await().until(() -> onNode3.stream().allMatch(ref -> received.get(ref).size() == 2));
        members.stream().filter(m -> !onNode3.contains(m.ref()))
                .forEach(m -> assertThat(received.get(m.ref())).containsExactly("hello"));
        assertThat(groups(0).publish(group + "-nobody", "x")).isZero();
    }

    @Test
    void multiCallGathersRepliesAndReportsSlowAndDyingMembers() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        SynProcess fast = node(0).spawn((message, context) -> context.reply("fast:" + message));
        SynProcess remoteFast = node(1).spawn((message, context) -> context.reply("remote:" + message));
        SynProcess slow = node(2).spawn((message, context) -> {
            release.await(30, TimeUnit.SECONDS);
            context.reply("too late");
        });
        SynProcess dying = node(1).spawn((message, context) -> context.self().exit(ExitReason.KILLED));
        groups(0).join(group, fast.ref(), "fast-meta");
        groups(1).join(group, remoteFast.ref());
        groups(2).join(group, slow.ref(), "slow-meta");
        groups(1).join(group, dying.ref(), "dying-meta");
        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 4));

        MultiCallResult<String> result = groups(0).multiCall(group, "ping", Duration.ofSeconds(2));
        release.countDown();

        assertThat(result.replies()).extracting(MultiCallResult.Reply::reply)
                .containsExactlyInAnyOrder("fast:ping", "remote:ping");
        assertThat(result.replies()).filteredOn(r -> r.process().equals(fast.ref())).singleElement()
                .extracting(MultiCallResult.Reply::meta).isEqualTo("fast-meta");
        assertThat(result.badReplies()).extracting(Membership::process)
                .containsExactlyInAnyOrder(slow.ref(), dying.ref());
        assertThat(result.badReplies()).extracting(Membership::meta).containsExactlyInAnyOrder("slow-meta",
                "dying-meta");
    }

    @Test
    void multiCallReturnsAsSoonAsEveryMemberAnswered() {
        for (int i = 0; i < 3; i++) {
            SynProcess member = node(i).spawn((message, context) -> context.reply(context.self().ref().node().name()));
            groups(i).join(group, member.ref());
        }
        await().until(() -> allNodes(i -> groups(i).memberCount(group) == 3));

        // with a one-minute timeout the test would time out (Awaitility's default is 10 s) if the call waited for it
        MultiCallResult<String> result = await().atMost(Duration.ofSeconds(10))
                .until(() -> groups(1).<String>multiCall(group, "who", Duration.ofMinutes(1)), r -> true);
        assertThat(result.replies()).extracting(MultiCallResult.Reply::reply)
                .containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(result.badReplies()).isEmpty();
        assertThat(groups(1).multiCall(group + "-empty", "who").replies()).isEmpty();
    }

    @Test
    void scopesAreIsolated() {
        SynProcess process = spawnEcho(0);
        node(0).groups("other").join(group, process.ref());
        await().until(() -> allNodes(i -> node(i).groups("other").isMember(group, process.ref())));
        for (int i = 0; i < 3; i++) {
            assertThat(groups(i).memberCount(group)).isZero();
            assertThat(groups(i).groupNames()).doesNotContain(group);
        }
        assertThatThrownBy(() -> node(0).groups("nowhere")).isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("not in scope 'nowhere'");
    }

    private static boolean allNodes(java.util.function.IntPredicate condition) {
        for (int i = 0; i < 3; i++) {
            if (!condition.test(i)) {
                return false;
            }
        }
        return true;
    }
}
