package io.synspring.bench;

import io.synspring.registry.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The cost as the cluster grows: at each node count of {@code options.scalingNodes()} (separate JVMs with small
 * heaps, the master included and holding no processes), the same total of names registered by the peers:
 * the register rate, the propagation latency of single changes to every node, what each change costs on the
 * wire per peer (the senders' link counters), and the heap each node needs to hold them all.
 */
final class Scaling {

    private static final int PROBES = 1_000;

    private final ClusterOptions options;
    private final Map<String, Object> results;

    Scaling(ClusterOptions options, Map<String, Object> results) {
        this.options = options;
        this.results = results;
    }

    void measure() throws InterruptedException {
        Map<String, Object> byNodes = new LinkedHashMap<>();
        for (int nodes : options.scalingNodes()) {
            try (BenchCluster cluster = new BenchCluster(options, nodes - 1, options.scalingHeap(), false)) {
                cluster.start();
                byNodes.put(Integer.toString(nodes), measure(cluster, nodes));
            }
        }
        results.put("scaling", byNodes);
    }

    private Map<String, Object> measure(BenchCluster cluster, int nodes) throws InterruptedException {
        int names = options.quick() ? 600 : options.scalingNames();
        Registry registry = cluster.registry();
        double loadBefore = Machine.loadAverage();
        BenchCluster.log("scaling: %d nodes (%d peer JVMs of -Xmx%s), %,d names in total (load average %.2f)", nodes,
                nodes - 1, options.scalingHeap(), names, loadBefore);
        cluster.spawn("warm", Math.min(names, 10_000));
        cluster.phase("register", Math.min(names, 10_000), () -> registry.count() == Math.min(names, 10_000));
        cluster.phase("kill", Math.min(names, 10_000), () -> registry.count() == 0);

        List<Double> rates = new ArrayList<>();
        long[] wire = null;
        long heap = 0;
        long resident = 0;
        for (int round = 0; round < options.rounds(); round++) {
            cluster.spawn("n" + round, names);
            long[] before = wire(cluster);
            rates.add(cluster.phase("register", names, () -> registry.count() == names)[0]);
            long[] after = wire(cluster);
            if (round == 0) {
                wire = new long[] {after[0] - before[0], after[1] - before[1], after[2] - before[2]};
                long[] memory = memory(cluster);
                heap = memory[0];
                resident = memory[1];
            }
            cluster.phase("kill", names, () -> registry.count() == 0);
        }
        double changesToPeers = (double) names * (nodes - 1);
        Histogram latency = propagation(cluster, registry);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("register_perSecond", Math.round(Stats.median(rates)));
        figures.put("register_spread", Stats.spread(rates, true));
        figures.put("propagation_p50_ms", latency.getValueAtPercentile(50) / 1e3);
        figures.put("propagation_p99_ms", latency.getValueAtPercentile(99) / 1e3);
        figures.put("bytesPerChangePerPeer", Math.round(wire[1] / changesToPeers * 10) / 10.0);
        figures.put("framesPerChangePerPeer", Math.round(wire[0] / changesToPeers * 10_000) / 10_000.0);
        figures.put("writesPerChangePerPeer", Math.round(wire[2] / changesToPeers * 10_000) / 10_000.0);
        figures.put("heapPerNode_bytes", heap);
        figures.put("residentPerNode_bytes", resident);
        figures.put("loadAverage1m", List.of(loadBefore, Machine.loadAverage()));
        BenchCluster.log("  %d nodes: register %,.0f /s, propagation p99 %.3f ms, %.1f bytes / %.4f frames / %.4f "
                + "writes per change per peer, heap per node %,d bytes", nodes, Stats.median(rates),
                latency.getValueAtPercentile(99) / 1e3, wire[1] / changesToPeers, wire[0] / changesToPeers,
                wire[2] / changesToPeers, heap);
        return figures;
    }

    /** Data frames, their payload bytes and the connection writes sent by every node so far. */
    private static long[] wire(BenchCluster cluster) {
        long[] total = new long[3];
        for (PeerHandle peer : cluster.workers()) {
            String[] counts = peer.call("counts", "counts", 60).split(" ");
            for (int i = 0; i < 3; i++) {
                total[i] += Long.parseLong(counts[i + 1]);
            }
        }
        var master = cluster.master().transportCounts();
        total[0] += master.messagesSent();
        total[1] += master.bytesSent();
        total[2] += master.writes();
        return total;
    }

    /** The median over the peers of the used heap after full collections, and of the resident set size. */
    private static long[] memory(BenchCluster cluster) {
        List<Double> heaps = new ArrayList<>();
        List<Double> resident = new ArrayList<>();
        for (PeerHandle peer : cluster.workers()) {
            String[] answer = peer.call("heap", "heap", 120).split(" ");
            heaps.add(Double.parseDouble(answer[1]));
            resident.add(Double.parseDouble(answer[2]));
        }
        return new long[] {Math.round(Stats.median(heaps)), Math.round(Stats.median(resident))};
    }

    /**
     * Single registrations on peer-1, one per millisecond, each timed until the master and every other peer
     * see it (the latest of them), as {@link Propagation} does with 3 nodes.
     */
    private Histogram propagation(BenchCluster cluster, Registry registry) throws InterruptedException {
        int samples = options.quick() ? 100 : PROBES;
        String prefix = "scale-lat-";
        long timeoutMillis = samples + 120_000L;
        ApplyTimes onMaster = ApplyTimes.listen(cluster.master(), prefix, samples);
        List<PeerHandle> observers = cluster.workers().subList(1, cluster.workers().size());
        for (PeerHandle peer : observers) {
            peer.call("observe " + samples + " " + prefix + " " + timeoutMillis, "ok", 60);
        }
        cluster.peer(0).call("probe " + samples + " 1000 " + prefix, "done", timeoutMillis / 1000);
        long[] latest = onMaster.await(timeoutMillis);
        for (PeerHandle peer : observers) {
            String[] seen = peer.call("observed", "lat", timeoutMillis / 1000).substring(4).split(",");
            for (int i = 0; i < samples; i++) {
                long value = Long.parseLong(seen[i]);
                latest[i] = latest[i] < 0 || value < 0 ? -1 : Math.max(latest[i], value);
            }
        }
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        for (long nanos : latest) {
            if (nanos >= 0) {
                histogram.recordValue(Math.max(1, nanos / 1_000));
            }
        }
        cluster.peer(0).call("probe-stop", "ok", 60);
        Poll.until(() -> registry.count() == 0, BenchCluster.PHASE_TIMEOUT, "the probes to be gone");
        return histogram;
    }
}
