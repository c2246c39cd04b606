package io.synspring.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster benchmark: Syn's own benchmark ({@code test/syn_benchmark.erl}) in its shape, a master and 2
 * peer JVMs on this machine ({@link BenchCluster}), its 8 phases ({@link SynPhases}), then the figures Syn's
 * benchmark does not take: propagation latency ({@link Propagation}), group reads, publish and multi-call
 * ({@link GroupReads}), nodes up and down ({@link NodeUpDown}), lookups on one core with JMH
 * ({@link LookupJmh}), the cost as the cluster grows ({@link Scaling}) and memory per node
 * ({@link MemoryFootprint}). Options: {@link ClusterOptions}; how to run: {@code benchmarks/README.md}.
 */
public final class ClusterBenchmark {

    private final ClusterOptions options;
    private final Map<String, Object> results = new LinkedHashMap<>();

    private ClusterBenchmark(ClusterOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        ClusterOptions options = ClusterOptions.parse(args);
        Map<String, Object> results = run(options);
        BenchCluster.log("%n%s%nresults written to %s", Report.table(results), options.out());
        System.exit(0);
    }

    /** Runs everything {@code options} ask for and writes the results file. */
    static Map<String, Object> run(ClusterOptions options) throws Exception {
        Map<String, Object> results = new ClusterBenchmark(options).runAll();
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), Json.write(results), StandardCharsets.UTF_8);
        return results;
    }

    private Map<String, Object> runAll() throws Exception {
        Map<String, Object> machine = Machine.describe();
        results.put("machine", machine);
        results.put("processes", options.processes());
        results.put("workersPerNode", PeerMain.WORKERS);
        results.put("rounds", options.rounds());
        if (options.jmh() && !options.quick() && options.runs("jmh")) {
            new LookupJmh(options, results).measure(); // first, while no cluster JVM competes for the cores
        }
        if (List.of("phases", "sizes", "bigGroup", "propagation", "publish", "multiCall", "nodeUpDown").stream()
                .anyMatch(options::runs)) {
            try (BenchCluster cluster = new BenchCluster(options, 2, options.peerHeap(), options.preTouch())) {
                cluster.start();
                results.put("sameClockInEveryJvm", cluster.sameClock());
                runOn(cluster);
            }
        }
        if (options.runs("scaling")) {
            new Scaling(options, results).measure();
        }
        if (options.runs("memory")) {
            new MemoryFootprint(options, results).measure();
        }
        machine.put("loadAverage1mAtEnd", Machine.loadAverage());
        return reorder();
    }

    private void runOn(BenchCluster cluster) throws Exception {
        SynPhases phases = new SynPhases(cluster, options, results);
        NodeUpDown nodeUpDown = new NodeUpDown(cluster, options, results);
        if (options.warmup()) {
            int size = Math.min(options.processes(), options.quick() ? 1_000 : 20_000);
            phases.warmUp(size);
            if (options.runs("nodeUpDown") && !options.quick()) {
                nodeUpDown.warmUp(size);
            }
        }
        if (options.runs("phases")) {
            phases.measure();
        }
        if (options.runs("sizes")) {
            for (int size : options.sizes()) {
                if (size != options.processes()) {
                    phases.measureAt(size);
                }
            }
        }
        GroupReads groupReads = new GroupReads(cluster, options, results);
        if (options.runs("bigGroup")) {
            groupReads.bigGroup();
        }
        if (options.runs("propagation")) {
            new Propagation(cluster, options, results).measure();
        }
        if (options.runs("publish")) {
            groupReads.publish();
        }
        if (options.runs("multiCall")) {
            groupReads.multiCall();
        }
        if (options.runs("nodeUpDown")) {
            nodeUpDown.measure();
        }
    }

    /** Syn's 8 phases first, in Syn's order, then the rest as measured. */
    private Map<String, Object> reorder() {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String phase : SynPhases.PHASES) {
            if (results.containsKey(phase)) {
                ordered.put(phase, results.remove(phase));
            }
        }
        ordered.putAll(results);
        return ordered;
    }
}
