package io.synspring.bench;

import io.synspring.NodeRegistry;
import io.synspring.process.SynProcess;
import io.synspring.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * How long a change takes to reach every node: single registrations made on peer-1, timed until the master
 * and peer-2 both see them, at low load and at high load; and, as a baseline, plain messages over the same
 * links.
 */
final class Propagation {

    private final BenchCluster cluster;
    private final ClusterOptions options;
    private final Map<String, Object> results;
    private final Registry registry;
    private final PeerHandle a;
    private final PeerHandle b;

    Propagation(BenchCluster cluster, ClusterOptions options, Map<String, Object> results) {
        this.cluster = cluster;
        this.options = options;
        this.results = results;
        this.registry = cluster.registry();
        this.a = cluster.peer(0);
        this.b = cluster.peer(1);
    }

    /**
     * An unmeasured round first (unless {@code --no-warmup}: the JIT compiles these paths meanwhile, and its
     * threads would take the cores from the ones measured), then {@code options.rounds()} rounds; each
     * figure is the median of the rounds' figures, with their min / median / max beside it.
     */
    void measure() throws InterruptedException {
        if (options.warmup()) {
            BenchCluster.log("propagation: a warm-up round, not measured");
            round(0, new Figures());
        }
        Figures figures = new Figures();
        for (int round = 1; round <= options.rounds(); round++) {
            round(round, figures);
        }
        figures.summarize(results);
    }

    private void round(int round, Figures figures) throws InterruptedException {
        figures.add("transportBaseline", transport());
        figures.add("propagationLowLoad", propagation("low", round, null));
        figures.add("propagationHighLoad", propagation("high", round, "churn"));
    }

    /** Each figure's p50 / p99 / p999 in every round. */
    private static final class Figures {
        private final Map<String, List<Double>> values = new LinkedHashMap<>();

        void add(String key, Histogram histogram) {
            for (Map.Entry<String, Double> percentile : Map.of("_p50_ms", 50.0, "_p99_ms", 99.0, "_p999_ms", 99.9)
                    .entrySet()) {
                values.computeIfAbsent(key + percentile.getKey(), k -> new ArrayList<>())
                        .add(histogram.getValueAtPercentile(percentile.getValue()) / 1e3);
            }
        }

        void summarize(Map<String, Object> results) {
            values.forEach((key, rounds) -> {
                results.put(key, Stats.round(Stats.median(rounds), false));
                results.put(key + "_rounds", Stats.spread(rounds, false));
            });
        }
    }

    /**
     * A single registration made on peer-1 at a time (one per millisecond), timed from the call until the
     * master and peer-2 both see it: at low load (nothing else happening) and at high load (a paced
     * {@code options.highLoad()} changes per second on the peers meanwhile).
     */
    private Histogram propagation(String load, int round, String churn) throws InterruptedException {
        int samples = options.quick() ? 300 : 5_000;
        long intervalMicros = 1_000;
        String prefix = load + round + "lat-";
        long timeoutMillis = samples * intervalMicros / 1000 + 120_000;
        double loadBefore = Machine.loadAverage();
        BenchCluster.log("propagation latency at %s load: %,d single registrations, one every %d µs (load average "
                + "%.2f)", load, samples, intervalMicros, loadBefore);
        int names = registry.count();
        long churnStart = 0;
        if (churn != null) {
            churnStart = System.nanoTime();
            a.call("churn-start " + churn + "a- " + options.highLoad() / 2, "ok", 60);
            b.call("churn-start " + churn + "b- " + options.highLoad() / 2, "ok", 60);
            Poll.sleepMillis(1_000);
        }
        ApplyTimes onMasterTimes = ApplyTimes.listen(cluster.master(), prefix, samples);
        b.call("observe " + samples + " " + prefix + " " + timeoutMillis, "ok", 60);
        a.call("probe " + samples + " " + intervalMicros + " " + prefix, "done", timeoutMillis / 1000);
        long[] onMaster = onMasterTimes.await(timeoutMillis);
        String[] onPeer = b.call("observed", "lat", timeoutMillis / 1000).substring(4).split(",");
        if (churn != null) {
            long ops = 0;
            for (PeerHandle peer : List.of(a, b)) {
                ops += Long.parseLong(peer.call("churn-stop", "churned", 120).split(" ")[1]);
            }
            double seconds = (System.nanoTime() - churnStart) / 1e9;
            results.put("highLoadChurn_changesPerSecond", Math.round(ops / seconds));
            BenchCluster.log("  high load: %,.0f registrations and unregistrations per second on the peers (asked: "
                    + "%,d)", ops / seconds, options.highLoad());
        }
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        int missing = 0;
        for (int i = 0; i < samples; i++) {
            long peer = Long.parseLong(onPeer[i]);
            if (onMaster[i] < 0 || peer < 0) {
                missing++;
                continue;
            }
            histogram.recordValue(Math.max(1, Math.max(onMaster[i], peer) / 1_000));
        }
        String key = "propagation" + Character.toUpperCase(load.charAt(0)) + load.substring(1) + "Load";
        results.put(key + "_loadAverage1m", List.of(loadBefore, Machine.loadAverage()));
        if (missing > 0) {
            results.merge(key + "_missing", missing, (before, now) -> (int) before + (int) now);
        }
        BenchCluster.log("  to every node: p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms (%d samples, %d "
                + "missing)", histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3,
                histogram.getTotalCount(), missing);
        a.call("probe-stop", "ok", 60);
        Poll.until(() -> registry.count() == names, BenchCluster.PHASE_TIMEOUT, "the probes to be gone");
        return histogram;
    }

    /**
     * The transport alone, as a baseline for the propagation latency: messages sent by peer-1 to a process on
     * the master and one on peer-2 (one each per millisecond), timed from the send until both handled it.
     */
    private Histogram transport() throws InterruptedException {
        int samples = options.quick() ? 300 : 5_000;
        BenchCluster.log("transport baseline: %,d messages from peer-1 to a process on the master and on peer-2, "
                + "one every 1000 µs", samples);
        NodeRegistry master = cluster.master();
        long[] onMaster = new long[samples];
        SynProcess sink = PeerMain.spawnSink(master, onMaster);
        String[] peerSink = b.call("sink " + samples, "sink", 60).split(" ");
        a.call("ping " + samples + " 1000 " + sink.ref().node() + " " + sink.ref().id() + " " + peerSink[1] + " "
                + peerSink[2], "done", samples / 1000 + 120);
        Poll.until(() -> onMaster[samples - 1] >= 0, Duration.ofMinutes(2), "the last message on the master");
        Poll.sleepMillis(200);
        String[] onPeer = b.call("sunk", "sunk", 60).substring(5).split(",");
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        for (int i = 0; i < samples; i++) {
            long peer = Long.parseLong(onPeer[i]);
            if (onMaster[i] >= 0 && peer >= 0) {
                histogram.recordValue(Math.max(1, Math.max(onMaster[i], peer) / 1_000));
            }
        }
        BenchCluster.log("  to both: p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms (%d samples)",
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3, histogram.getTotalCount());
        sink.stop();
        return histogram;
    }
}
