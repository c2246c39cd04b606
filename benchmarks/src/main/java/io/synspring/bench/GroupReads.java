package io.synspring.bench;

import io.synspring.NodeRegistry;
import io.synspring.groups.Groups;
import io.synspring.groups.Membership;
import io.synspring.groups.MultiCallResult;
import io.synspring.process.SynProcess;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a group costs to read and to message: {@code members()} and {@code memberCount()} of one big group on
 * the master, publish to a 1,000-member group and multiCall to a 100-member group, each spread over the 3 nodes.
 */
final class GroupReads {

    private final BenchCluster cluster;
    private final ClusterOptions options;
    private final Map<String, Object> results;
    private final NodeRegistry master;
    private final Groups groups;
    private final CountingHandler counting = new CountingHandler();

    GroupReads(BenchCluster cluster, ClusterOptions options, Map<String, Object> results) {
        this.cluster = cluster;
        this.options = options;
        this.results = results;
        this.master = cluster.master();
        this.groups = cluster.groups();
    }

    /** One group holding every process: members() and memberCount() on the master. */
    void bigGroup() {
        int size = options.processes();
        BenchCluster.log("one group of %,d members: members() and memberCount() on the master", size);
        cluster.spawn("big", size);
        cluster.phase("join big", size, () -> groups.memberCount("big") == size);
        int calls = options.quick() ? 20 : 200;
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            List<Membership> members = groups.members("big");
            nanos[i] = System.nanoTime() - start;
            if (members.size() != size) {
                throw new IllegalStateException("members() returned " + members.size());
            }
        }
        Arrays.sort(nanos);
        double membersMillis = nanos[calls / 2] / 1e6;
        results.put("groupMembers100k_ms", membersMillis);
        long sum = 0;
        int countCalls = 5_000_000;
        for (int i = 0; i < countCalls; i++) {
            sum += groups.memberCount("big");
        }
        long start = System.nanoTime();
        for (int i = 0; i < countCalls; i++) {
            sum += groups.memberCount("big");
        }
        double countNanos = (double) (System.nanoTime() - start) / countCalls;
        if (sum != 2L * countCalls * size) {
            throw new IllegalStateException("memberCount() was wrong");
        }
        results.put("groupMemberCount100k_ns", countNanos);
        BenchCluster.log("  members(): %.2f ms (median of %d); memberCount(): %.1f ns", membersMillis, calls,
                countNanos);
        cluster.phase("kill", size, () -> groups.memberCount("big") == 0);
    }

    /** Messages published on the master to a 1,000-member group spread over the 3 nodes, until all delivered. */
    void publish() {
        int perPeer = 333;
        int local = 1_000 - 2 * perPeer;
        BenchCluster.log("publish to a 1,000-member group (%d on the master, %d on each peer)", local, perPeer);
        for (int i = 0; i < local; i++) {
            SynProcess process = master.spawn(counting);
            groups.join("pub", process.ref(), null);
        }
        for (PeerHandle peer : peers()) {
            peer.call("members pub " + perPeer, "ok", 120);
        }
        Poll.until(() -> groups.memberCount("pub") == 1_000, BenchCluster.PHASE_TIMEOUT, "the publish group");
        publishRound(200, local, perPeer);
        int messages = options.quick() ? 200 : 5_000;
        long start = System.nanoTime();
        long end = publishRound(messages, local, perPeer);
        double seconds = (end - start) / 1e9;
        results.put("publishTo1000Members_messagesPerSecond", Math.round(messages / seconds));
        results.put("publishTo1000Members_deliveriesPerSecond", Math.round(messages * 1_000L / seconds));
        BenchCluster.log("  %,d messages in %.1f ms: %,.0f publish/s, %,.0f deliveries/s", messages, seconds * 1e3,
                messages / seconds, messages * 1_000L / seconds);
    }

    private long publishRound(int messages, int local, int perPeer) {
        counting.reset();
        for (PeerHandle peer : peers()) {
            peer.call("reset", "ok", 60);
        }
        for (int i = 0; i < messages; i++) {
            groups.publish("pub", "tick");
        }
        long expectLocal = (long) messages * local;
        String expectPeer = "received " + (long) messages * perPeer;
        Poll.until(() -> counting.received() == expectLocal, BenchCluster.PHASE_TIMEOUT, "local deliveries");
        long[] end = {System.nanoTime()};
        for (PeerHandle peer : peers()) {
            Poll.until(() -> {
                boolean all = peer.call("received", "received", 60).equals(expectPeer);
                end[0] = Math.max(end[0], System.nanoTime());
                return all;
            }, BenchCluster.PHASE_TIMEOUT, peer.name() + " deliveries");
        }
        return end[0];
    }

    /** multiCall() latency to a 100-member group spread over the 3 nodes (every member answers). */
    void multiCall() {
        int perPeer = 33;
        int local = 100 - 2 * perPeer;
        BenchCluster.log("multiCall to a 100-member group (%d on the master, %d on each peer)", local, perPeer);
        for (int i = 0; i < local; i++) {
            SynProcess process = master.spawn(counting);
            groups.join("call", process.ref(), null);
        }
        for (PeerHandle peer : peers()) {
            peer.call("members call " + perPeer, "ok", 120);
        }
        Poll.until(() -> groups.memberCount("call") == 100, BenchCluster.PHASE_TIMEOUT, "the call group");
        int calls = options.quick() ? 100 : 3_000;
        Histogram histogram = new Histogram(60_000_000L, 3);
        for (int i = 0; i < calls + 500; i++) {
            long start = System.nanoTime();
            MultiCallResult<String> result = groups.multiCall("call", "ping", Duration.ofSeconds(5));
            long micros = (System.nanoTime() - start) / 1_000;
            if (result.replies().size() != 100) {
                throw new IllegalStateException("multiCall got " + result.replies().size() + " replies");
            }
            if (i >= 500) {
                histogram.recordValue(Math.max(1, micros));
            }
        }
        results.put("multiCall100Members_p50_ms", histogram.getValueAtPercentile(50) / 1e3);
        results.put("multiCall100Members_p99_ms", histogram.getValueAtPercentile(99) / 1e3);
        results.put("multiCall100Members_p999_ms", histogram.getValueAtPercentile(99.9) / 1e3);
        BenchCluster.log("  p50 %.3f ms, p99 %.3f ms, p999 %.3f ms (%d calls)",
                histogram.getValueAtPercentile(50) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3, calls);
    }

    private List<PeerHandle> peers() {
        return List.of(cluster.peer(0), cluster.peer(1));
    }
}
