package io.synspring.bench;

import io.synspring.bench.jmh.ReadBenchmark;
import io.synspring.bench.jmh.StringKeyBenchmark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Local reads on one thread, with JMH ({@link ReadBenchmark}): lookups among 100k names, and the reads of a
 * 100k-member group. Each lookup figure is the median over {@code options.jmhForks()} forks, with every fork's
 * figure and the share of a core its thread had beside it ({@code _forks}), and the median of the forks' rates
 * per second of CPU time the thread had ({@code _perCpuSecond}): on a shared machine, the wall-clock rate
 * falls when other processes take the core; the rate per CPU-second falls only with what they do to the
 * caches.
 */
final class LookupJmh {

    private final ClusterOptions options;
    private final Map<String, Object> results;

    LookupJmh(ClusterOptions options, Map<String, Object> results) {
        this.options = options;
        this.results = results;
    }

    void measure() throws RunnerException {
        int forks = options.jmhForks();
        BenchCluster.log("JMH: local reads on one thread (ReadBenchmark; lookups: %d forks x (2 x 1 s warm-up, 3 x 1 s"
                + " measured); group reads: 1 fork x (3 x 1 s warm-up, 5 x 1 s measured)); load average %.2f", forks,
                Machine.loadAverage());
        String benchmark = ReadBenchmark.class.getName();
        String size = Integer.toString(options.processes());
        List<RunResult> runs = new ArrayList<>(new Runner(new OptionsBuilder()
                .include(benchmark + ".(registryLookup|registryLookupNewString|registryLookupChained|newStringHash"
                        + "|registryLookupOwnProcesses|replicaLookup)$")
                .forks(forks).warmupIterations(2).measurementIterations(3).param("size", size)
                .verbosity(VerboseMode.SILENT).build()).run());
        runs.addAll(new Runner(new OptionsBuilder().include(StringKeyBenchmark.class.getName()).forks(forks)
                .warmupIterations(2).measurementIterations(3).verbosity(VerboseMode.SILENT).build()).run());
        runs.addAll(new Runner(new OptionsBuilder().include(benchmark + ".replicaMember").param("size", size)
                .verbosity(VerboseMode.SILENT).build()).run());
        for (RunResult run : runs) {
            String method = run.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String key = switch (method) {
                case "registryLookup" -> "lookupsOneCoreJmh_perSecond";
                case "registryLookupNewString" -> "lookupsOneCoreJmhNewString_perSecond";
                case "registryLookupChained" -> "lookupsOneCoreJmhChained_perSecond";
                case "newStringHash" -> "newStringAndHashOneCoreJmh_perSecond";
                case "keptName" -> "bareMapLookupsJmh_perSecond";
                case "newName" -> "bareMapLookupsJmhNewString_perSecond";
                case "newNameBesideKeptName" -> "bareMapLookupsJmhNewStringBeside_perSecond";
                case "garbageBesideKeptName" -> "bareMapLookupsJmhGarbageBeside_perSecond";
                case "registryLookupOwnProcesses" -> "lookupsOneCoreJmhOwnProcesses_perSecond";
                case "replicaLookup" -> "lookupsOneCoreJmhReplicaOnly_perSecond";
                case "replicaMembers" -> "groupMembers100kJmhReplica_ms";
                case "replicaMemberCount" -> "groupMemberCount100kJmhReplica_ns";
                default -> method;
            };
            if (!run.getPrimaryResult().getScoreUnit().startsWith("ops")) {
                results.put(key, run.getPrimaryResult().getScore());
                BenchCluster.log("  %s: %.3f %s", method, run.getPrimaryResult().getScore(),
                        run.getPrimaryResult().getScoreUnit());
                continue;
            }
            List<Double> scores = new ArrayList<>();
            List<Double> onCpu = new ArrayList<>();
            List<Double> perCpuSecond = new ArrayList<>();
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                double score = fork.getPrimaryResult().getScore();
                double share = onCpuShare(fork);
                scores.add(score);
                onCpu.add(share);
                perCpuSecond.add(share > 0 ? score / share : score);
            }
            results.put(key, Math.round(Stats.median(scores)));
            results.put(key.replace("_perSecond", "_perCpuSecond"), Math.round(Stats.median(perCpuSecond)));
            Map<String, Object> byFork = new LinkedHashMap<>(Stats.spread(scores, true));
            byFork.put("forks", scores.stream().map(Math::round).toList());
            byFork.put("onCpuShare", onCpu);
            byFork.put("perCpuSecond", perCpuSecond.stream().map(Math::round).toList());
            results.put(key.replace("_perSecond", "_forks"), byFork);
            BenchCluster.log("  %s: median %,.0f /s over %d forks (by fork: %s; share of a core: %s; per CPU-second: "
                    + "%s)", method, Stats.median(scores), scores.size(), byFork.get("forks"), onCpu,
                    byFork.get("perCpuSecond"));
        }
        results.put("jmhLoadAverage1mAtEnd", Machine.loadAverage());
    }

    /** The share of a core the benchmark thread had over the fork's measured iterations (-1 if unknown). */
    private static double onCpuShare(BenchmarkResult fork) {
        Map<String, Result> secondary = fork.getSecondaryResults();
        Result cpu = secondary.get("cpuMicros");
        Result wall = secondary.get("wallMicros");
        if (cpu == null || wall == null || wall.getScore() <= 0) {
            return -1;
        }
        return Math.round(cpu.getScore() / wall.getScore() * 100) / 100.0;
    }
}
