package io.synspring.bench;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster benchmark's options, as {@code benchmarks/run.sh} passes them:
 * {@code [--processes N] [--rounds R] [--sizes 10000,1000000] [--no-warmup] [--no-jmh] [--jmh-forks 5] [--quick]
 * [--no-pre-touch] [--peer-heap 3g] [--high-load 50000] [--scaling-nodes 3,5,7] [--scaling-names 30000]
 * [--scaling-heap 256m] [--memory-names 100000,1000000] [--only parts] [--out target/results.json]}.
 *
 * @param processes the processes of the 8 phases, spread over the peers (Syn's {@code PROCESS_COUNT})
 * @param rounds measured rounds of the phases; figures are their median, with min and max beside
 * @param sizes other numbers of processes to run the phases at ({@code sizes} part)
 * @param warmup one unmeasured round first, for the JIT
 * @param jmh run the JMH lookups ({@code jmh} part)
 * @param jmhForks JMH forks per lookup benchmark: the figure is their median, with min and max beside
 * @param quick a smoke run: fewer samples everywhere
 * @param preTouch whether the cluster's peer JVMs fix their heap and touch it at start ({@code run.sh} does the
 *     same for the master unless {@code --no-pre-touch} is given)
 * @param peerHeap the maximum heap of each peer JVM
 * @param highLoad changes per second on the peers during the high-load propagation test
 * @param scalingNodes node counts (JVMs, the master included) of the {@code scaling} part
 * @param scalingNames names registered in total at each node count of the {@code scaling} part
 * @param scalingHeap the maximum heap of each peer JVM in the {@code scaling} part
 * @param memoryNames names a node holds when its resident memory is measured ({@code memory} part)
 * @param only the parts to run; empty: all of {@link #PARTS}
 * @param out the results file
 * @param logs where the peer JVMs' logs go
 */
record ClusterOptions(int processes, int rounds, List<Integer> sizes, boolean warmup, boolean jmh, int jmhForks,
        boolean quick, boolean preTouch, String peerHeap, long highLoad, List<Integer> scalingNodes, int scalingNames,
        String scalingHeap, List<Integer> memoryNames, List<String> only, Path out, File logs) {

    static final List<String> PARTS = List.of("phases", "sizes", "bigGroup", "propagation", "publish",
            "multiCall", "nodeUpDown", "jmh", "scaling", "memory");

    boolean runs(String part) {
        return only.isEmpty() || only.contains(part);
    }

    static ClusterOptions parse(String... args) {
        int processes = 100_000;
        int rounds = 3;
        List<Integer> sizes = List.of(10_000);
        boolean warmup = true;
        boolean jmh = true;
        int jmhForks = 5;
        boolean quick = false;
        boolean preTouch = true;
        String heap = "3g";
        long highLoad = 50_000;
        List<Integer> scalingNodes = List.of(3, 5, 7);
        int scalingNames = 30_000;
        String scalingHeap = "256m";
        List<Integer> memoryNames = List.of(100_000, 1_000_000);
        List<String> only = List.of();
        Path out = Path.of("target", "results.json");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.startsWith("--no-") && !option.equals("--quick") && i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; see benchmarks/README.md");
            }
            switch (option) {
                case "--processes" -> processes = number(args[++i]);
                case "--rounds" -> rounds = number(args[++i]);
                case "--sizes" -> sizes = numbers(args[++i]);
                case "--no-warmup" -> warmup = false;
                case "--no-jmh" -> jmh = false;
                case "--jmh-forks" -> jmhForks = number(args[++i]);
                case "--quick" -> quick = true;
                case "--no-pre-touch" -> preTouch = false;
                case "--peer-heap" -> heap = args[++i].toLowerCase(Locale.ROOT);
                case "--high-load" -> highLoad = number(args[++i]);
                case "--scaling-nodes" -> scalingNodes = numbers(args[++i]);
                case "--scaling-names" -> scalingNames = number(args[++i]);
                case "--scaling-heap" -> scalingHeap = args[++i].toLowerCase(Locale.ROOT);
                case "--memory-names" -> memoryNames = numbers(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + option
                        + "; the options are listed in benchmarks/README.md");
            }
        }
        if (!PARTS.containsAll(only)) {
            throw new IllegalArgumentException("--only takes some of " + PARTS + ", not " + only);
        }
        if (processes < 2 || rounds < 1 || jmhForks < 1) {
            throw new IllegalArgumentException("--processes must be >= 2, --rounds and --jmh-forks >= 1");
        }
        if (scalingNodes.stream().anyMatch(n -> n < 2)) {
            throw new IllegalArgumentException("--scaling-nodes counts every JVM, the master included: each >= 2");
        }
        megabytes(heap); // a bad size fails here, not in the peer JVMs
        megabytes(scalingHeap);
        Path parent = out.toAbsolutePath().getParent();
        return new ClusterOptions(processes, rounds, sizes, warmup, jmh, jmhForks, quick, preTouch, heap, highLoad,
                scalingNodes, scalingNames, scalingHeap, memoryNames, only, out, parent.resolve("bench-logs").toFile());
    }

    /** A JVM heap size ({@code 3g}, {@code 512m}, {@code 262144k}) in MB. */
    static long megabytes(String size) {
        Matcher matcher = Pattern.compile("(\\d+)([kmg])").matcher(size);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("a heap size option takes a JVM heap size such as 3g or 512m, not '"
                    + size + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "g" -> amount * 1024;
            case "m" -> amount;
            default -> amount / 1024;
        };
    }

    private static int number(String value) {
        try {
            return Integer.parseInt(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number such as 100000 or 100_000, not '" + value
                    + "'");
        }
    }

    private static List<Integer> numbers(String value) {
        return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(ClusterOptions::number).toList();
    }
}
