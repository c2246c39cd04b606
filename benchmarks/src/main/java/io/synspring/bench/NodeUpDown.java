package io.synspring.bench;

import io.synspring.NodeId;
import io.synspring.registry.Registry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes coming and going, with their names: a node with all the names joins (its split heals), is cut off by
 * a net split and comes back, is killed; and a new node joins a cluster holding all
 * the names. Each time runs from the master's membership event until the names are all visible (or gone).
 * Not part of Syn's {@code syn_benchmark.erl}.
 */
final class NodeUpDown {

    private final BenchCluster cluster;
    private final ClusterOptions options;
    private final Map<String, Object> results;
    private final Registry registry;

    NodeUpDown(BenchCluster cluster, ClusterOptions options, Map<String, Object> results) {
        this.cluster = cluster;
        this.options = options;
        this.results = results;
        this.registry = cluster.registry();
    }

    /** One node up and down at {@code size} names, not measured: the JIT's warm-up. */
    void warmUp(int size) throws IOException {
        BenchCluster.log("warm-up: a node up and down with %,d names (not measured)", size);
        nodeUpAndDown("late-warm-up", size, new LinkedHashMap<>());
    }

    /**
     * Node up and node down, several times with a new JVM each time (the median is reported): a node starts
     * split off (alone), registers all the names, then the split heals (Hazelcast merges it into the
     * cluster): how fast are its names visible on the master after the membership event? Then its JVM is
     * killed (SIGKILL, as kill -9): how fast are they gone on the master after the membership event? Then the
     * other way round: a new node without names joins while the peers hold all the names.
     */
    void measure() throws IOException {
        int size = options.processes();
        int times = options.quick() ? 1 : 3;
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        for (int i = 1; i <= times; i++) {
            BenchCluster.log(
                    "node up and down (%d of %d): a split-off node with %,d names joins, then is killed (kill -9)", i,
                    times, size);
            nodeUpAndDown("late-" + i, size, figures);
        }
        newNodeSeesAll(size, times, figures);
        Map<String, Object> each = new LinkedHashMap<>();
        figures.forEach((key, values) -> {
            results.put(key, Stats.median(values));
            each.put(key, values);
        });
        results.put("nodeUpDownEachTime_ms", each);
    }

    /**
     * One node with {@code size} names in a new JVM: it joins (node up), is cut off by a net split (its names
     * go) and comes back when the split heals (node up of a running node), then is
     * killed (node down). The times go to {@code figures}.
     */
    private void nodeUpAndDown(String name, int size, Map<String, List<Double>> figures) throws IOException {
        BenchCluster.SplitOff splitOff = cluster.launchSplitOff(name);
        PeerHandle late = splitOff.peer();
        String members = splitOff.members();
        NodeId node = NodeId.parse(late.nodeId());
        late.call("spawn " + size + " up-", "ok", BenchCluster.ANSWER_SECONDS);
        late.call("register", "done", BenchCluster.ANSWER_SECONDS);
        if (cluster.master().nodes().contains(node)) {
            throw new IllegalStateException("the late node joined before the heal");
        }
        long healed = System.nanoTime();
        late.call("heal " + members, "ok", 60);
        long first =
                Poll.until(() -> registry.count(node) > 0, BenchCluster.PHASE_TIMEOUT, "the late node's first name");
        long synced =
                Poll.until(() -> registry.count(node) == size, BenchCluster.PHASE_TIMEOUT, "the late node's names");
        double[] cpu = cpuSinceMeeting(late, "nodeUpNewJvm", figures);
        long added = cluster.memberAdded(late.nodeId());
        // the names can be in before Hazelcast's MERGED event on the new node: wait for that event too
        long[] merged = new long[1];
        Poll.until(() -> (merged[0] = Long.parseLong(late.call("merged-at", "merged", 60).split(" ")[1])) != 0,
                BenchCluster.PHASE_TIMEOUT, "the MERGED event on the late node");
        add(figures, "nodeUpSync100k_ms", synced - added);
        add(figures, "nodeUpSync100kFromMergedEvent_ms", synced - merged[0]);
        add(figures, "nodeUpFirstNameVisible_ms", first - added);
        add(figures, "nodeUpFromHealToSynced_ms", synced - healed);
        BenchCluster.log(
                "  up: %,d names visible %.1f ms after the membership event on the master (the first after %.1f "
                        + "ms), %.1f ms after the MERGED event on the new node (negative: before it), %.0f ms after "
                        + "the heal; meanwhile it used %.0f ms of CPU, its JIT compilers %.0f",
                size, (synced - added) / 1e6,
                (first - added) / 1e6, (synced - merged[0]) / 1e6, (synced - healed) / 1e6, cpu[0], cpu[1]);

        // the running node is cut off by a net split and comes back when it heals
        cluster.forgetMembershipTimes(late.nodeId());
        long cut = System.nanoTime();
        late.call("cut", "ok", 60);
        Poll.until(() -> cluster.memberRemoved(late.nodeId()) != null, Duration.ofMinutes(2),
                "the master to see the node cut off");
        long cutOff = cluster.memberRemoved(late.nodeId());
        long cutGone = Poll.until(() -> registry.count(node) == 0, BenchCluster.PHASE_TIMEOUT,
                "the cut-off node's names to go");
        add(figures, "nodeCutOffPurge100k_ms", cutGone - cutOff);
        BenchCluster.log(
                "  cut off: %,d names gone %.1f ms after the membership event (Hazelcast saw the split after %.0f ms)",
                size, (cutGone - cutOff) / 1e6, (cutOff - cut) / 1e6);
        cluster.forgetMembershipTimes(late.nodeId());
        long reconnected = System.nanoTime();
        late.call("reconnect", "ok", 60);
        long backFirst =
                Poll.until(() -> registry.count(node) > 0, BenchCluster.PHASE_TIMEOUT, "the node's first name back");
        long back = Poll.until(() -> registry.count(node) == size, BenchCluster.PHASE_TIMEOUT, "the node's names back");
        double[] backCpu = cpuSinceMeeting(late, "nodeBack", figures);
        long backAdded = cluster.memberAdded(late.nodeId());
        add(figures, "nodeBackSync100k_ms", back - backAdded);
        BenchCluster.log(
                "  back: %,d names visible %.1f ms after the membership event (the first after %.1f ms), %.0f ms after "
                        + "the network came back; meanwhile it used %.0f ms of CPU, its JIT compilers %.0f",
                size,
                (back - backAdded) / 1e6, (backFirst - backAdded) / 1e6, (back - reconnected) / 1e6, backCpu[0],
                backCpu[1]);

        cluster.forgetMembershipTimes(late.nodeId());
        long killed = System.nanoTime();
        late.kill();
        Poll.until(() -> cluster.memberRemoved(late.nodeId()) != null, Duration.ofMinutes(2),
                "the master to see the node leave");
        long removed = cluster.memberRemoved(late.nodeId());
        long gone = Poll.until(() -> registry.count(node) == 0, BenchCluster.PHASE_TIMEOUT, "the node's names to go");
        add(figures, "nodeDownPurge100k_ms", gone - removed);
        add(figures, "nodeDownDetectionByHazelcast_ms", removed - killed);
        BenchCluster.log(
                "  down: %,d names gone %.1f ms after the membership event (Hazelcast saw the kill after %.0f ms)",
                size, (gone - removed) / 1e6, (removed - killed) / 1e6);
        cluster.forget(late);
    }

    /**
     * The CPU time (ms) the node's JVM used, and its JIT compiler threads within it, since it met the others:
     * from about the membership event until now, when the names are all visible; -1 where it cannot be
     * measured. Added to {@code figures} as {@code <key>Cpu_ms} and {@code <key>JitCpu_ms}.
     */
    private static double[] cpuSinceMeeting(PeerHandle node, String key, Map<String, List<Double>> figures) {
        String[] answer = node.call("cpu-since-meeting", "cpu", BenchCluster.ANSWER_SECONDS).split(" ");
        double[] cpu = {Double.parseDouble(answer[1]), Double.parseDouble(answer[2])};
        figures.computeIfAbsent(key + "Cpu_ms", k -> new ArrayList<>()).add(cpu[0]);
        figures.computeIfAbsent(key + "JitCpu_ms", k -> new ArrayList<>()).add(cpu[1]);
        return cpu;
    }

    /**
     * A new node (a new JVM, no names) joins a cluster whose peers hold {@code size} names, {@code times} times:
     * how fast does it see them all, after the membership event on the master? As when a gateway is added to
     * a running cluster, or restarted, and must find every device at once.
     */
    private void newNodeSeesAll(int size, int times, Map<String, List<Double>> figures) throws IOException {
        int before = registry.count();
        cluster.spawn("seen", size);
        cluster.phase("register", size, () -> registry.count() == before + size);
        for (int i = 1; i <= times; i++) {
            BenchCluster.log("a new node joins a cluster holding %,d names (%d of %d)", size, i, times);
            BenchCluster.SplitOff splitOff = cluster.launchSplitOff("fresh-" + i);
            PeerHandle fresh = splitOff.peer();
            fresh.call("heal " + splitOff.members(), "ok", 60);
            // the new node polls its own replica and answers when it holds every name
            long seen = Long.parseLong(
                    fresh.call("await-names " + (before + size) + " " + BenchCluster.PHASE_TIMEOUT.toSeconds(),
                            "names", BenchCluster.ANSWER_SECONDS).split(" ")[1]);
            double[] cpu = cpuSinceMeeting(fresh, "newNodeSeesAll", figures);
            Poll.until(() -> cluster.memberAdded(fresh.nodeId()) != null, Duration.ofMinutes(2),
                    "the master to see the new node"); // the new node may hear from the peers first
            long added = cluster.memberAdded(fresh.nodeId());
            add(figures, "newNodeSeesAll100k_ms", seen - added);
            BenchCluster.log(
                    "  all %,d names visible on it %.1f ms after the membership event on the master; meanwhile it used "
                            + "%.0f ms of CPU, its JIT compilers %.0f",
                    size, (seen - added) / 1e6, cpu[0], cpu[1]);
            fresh.kill();
            Poll.until(() -> cluster.memberRemoved(fresh.nodeId()) != null, Duration.ofMinutes(2),
                    "the master to see the new node leave");
            cluster.forget(fresh);
        }
        cluster.phase("kill", size, () -> registry.count() == before);
    }

    private static void add(Map<String, List<Double>> figures, String key, long nanos) {
        figures.computeIfAbsent(key, k -> new ArrayList<>()).add(Math.round(nanos / 1e4) / 1e2);
    }
}
