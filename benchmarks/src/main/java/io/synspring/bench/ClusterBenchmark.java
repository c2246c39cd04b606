package io.synspring.bench;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.bench.jmh.ReadBenchmark;
import io.synspring.groups.Groups;
import io.synspring.groups.Membership;
import io.synspring.groups.MultiCallResult;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.process.SynProcess;
import io.synspring.registry.Registry;
import io.synspring.testing.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The cluster benchmark, in the shape of Syn's own: this JVM is the master node; it launches 2 peer JVMs
 * ({@link PeerMain}) on this machine, spreads the processes over them, has each peer run every phase with
 * {@value PeerMain#WORKERS} worker threads, and times each phase from the moment it tells the peers to start
 * until its own replica's counts agree (so every figure includes propagation to the master). Then the
 * other figures: propagation latency, group reads, publish, multi-call, heap per entry, node down and node
 * up, and (JMH) lookups on one core.
 *
 * <p>Usage: {@code ClusterBenchmark [--processes N] [--rounds R] [--sizes 10000,1000000] [--no-warmup]
 * [--no-jmh] [--quick] [--peer-heap 3g] [--high-load 50000] [--only parts] [--out target/results.json]}.
 * {@code --only phases,sizes,bigGroup,propagation,publish,multiCall,nodeUpDown,jmh}: some parts only.
 * {@code --high-load}: the changes per second (over both peers, paced) during the high-load latency test.
 */
public final class ClusterBenchmark {

    static final List<String> PHASES = List.of("register", "unregister", "reregister", "unregisterAfterKill",
            "join", "leave", "rejoin", "leftAfterKill");
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
    private static final long ANSWER_SECONDS = 600;

    /** Options; see the class comment. */
    record Options(int processes, int rounds, List<Integer> sizes, boolean warmup, boolean jmh, boolean quick,
            String peerHeap, long highLoad, List<String> only, Path out, File logs) {

        static final List<String> PARTS = List.of("phases", "sizes", "bigGroup", "propagation", "publish",
                "multiCall", "nodeUpDown", "jmh");

        boolean runs(String part) {
            return only.isEmpty() || only.contains(part);
        }

        static Options parse(String... args) {
            int processes = 100_000;
            int rounds = 3;
            List<Integer> sizes = List.of(10_000);
            boolean warmup = true;
            boolean jmh = true;
            boolean quick = false;
            String heap = "3g";
            long highLoad = 50_000;
            List<String> only = List.of();
            Path out = Path.of("target", "results.json");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--processes" -> processes = Integer.parseInt(args[++i].replace("_", ""));
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--sizes" -> sizes = args[++i].isBlank() ? List.of()
                            : Arrays.stream(args[i].split(",")).map(s -> Integer.parseInt(s.trim().replace("_", "")))
                                    .toList();
                    case "--no-warmup" -> warmup = false;
                    case "--no-jmh" -> jmh = false;
                    case "--quick" -> quick = true;
                    case "--peer-heap" -> heap = args[++i].toLowerCase(java.util.Locale.ROOT);
                    case "--high-load" -> highLoad = Long.parseLong(args[++i].replace("_", ""));
                    case "--only" -> only = List.of(args[++i].split(","));
                    case "--out" -> out = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the usage in "
                            + "ClusterBenchmark's comment");
                }
            }
            if (!PARTS.containsAll(only)) {
                throw new IllegalArgumentException("--only takes some of " + PARTS);
            }
            if (processes < 2 || rounds < 1) {
                throw new IllegalArgumentException("--processes must be >= 2 and --rounds >= 1");
            }
            megabytes(heap); // a bad size fails here, not in three peer JVMs
            Path parent = out.toAbsolutePath().getParent();
            return new Options(processes, rounds, sizes, warmup, jmh, quick, heap, highLoad, only, out,
                    parent.resolve("bench-logs").toFile());
        }
    }

    private final Options options;
    private final String cluster = "syn-bench-" + UUID.randomUUID();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Map<String, Long> memberAdded = new ConcurrentHashMap<>();
    private final Map<String, Long> memberRemoved = new ConcurrentHashMap<>();
    private final CountingHandler counting = new CountingHandler();
    private final List<PeerHandle> peers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private NodeRegistry master;
    private Registry registry;
    private Groups groups;
    private PeerHandle a;
    private PeerHandle b;

    private ClusterBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Map<String, Object> results = run(options);
        System.out.println();
        System.out.println(Report.table(results));
        System.out.println("results written to " + options.out());
        System.exit(0);
    }

    /** Runs everything {@code options} ask for and writes the results file. */
    static Map<String, Object> run(Options options) throws Exception {
        Map<String, Object> results = new ClusterBenchmark(options).runAll();
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), Json.write(results), StandardCharsets.UTF_8);
        return results;
    }

    private Map<String, Object> runAll() throws Exception {
        results.put("machine", Machine.describe());
        results.put("processes", options.processes());
        results.put("workersPerNode", PeerMain.WORKERS);
        results.put("rounds", options.rounds());
        if (options.jmh() && !options.quick() && options.runs("jmh")) {
            jmh(); // first, on a quiet machine: run after the cluster parts, lookups measured 10-20% lower
        }
        try {
            startCluster();
            if (options.warmup()) {
                int size = Math.min(options.processes(), options.quick() ? 1_000 : 20_000);
                log("warm-up: all phases once at %,d processes (not measured)", size);
                phases(size, "w", false);
                if (options.runs("nodeUpDown") && !options.quick()) {
                    log("warm-up: a node up and down with %,d names (not measured)", size);
                    nodeUpAndDown("late-warm-up", size, new LinkedHashMap<>());
                }
            }
            if (options.runs("phases")) {
                measurePhases();
            }
            if (options.runs("sizes")) {
                for (int size : options.sizes()) {
                    if (size != options.processes()) {
                        scaling(size);
                    }
                }
            }
            if (options.runs("bigGroup")) {
                bigGroup();
            }
            if (options.runs("propagation")) {
                transport();
                propagation("low", null);
                propagation("high", "churn");
            }
            if (options.runs("publish")) {
                publish();
            }
            if (options.runs("multiCall")) {
                multiCall();
            }
            if (options.runs("nodeUpDown")) {
                nodeUpDown();
            }
        } finally {
            stopCluster();
        }
        Map<String, Object> machine = cast(results.get("machine"));
        machine.put("loadAverage1mAtEnd", Machine.loadAverage());
        return reorder();
    }

    // ---------------------------------------------------------------- the cluster

    private void startCluster() {
        for (int i = 0; i < 3; i++) {
            ports.add(LoopbackPorts.free());
        }
        List<String> members = ports.stream().map(port -> "127.0.0.1:" + port).toList();
        String memberList = String.join(",", members);
        log("starting the master and 2 peer JVMs (cluster %s, ports %s)", cluster, ports);
        a = launchPeer("peer-1", ports.get(1), memberList, false);
        b = launchPeer("peer-2", ports.get(2), memberList, false);
        master = BenchNodes.start(BenchNodes.config(cluster, ports.get(0), members), "master", new MembershipTimes());
        registry = master.registry();
        groups = master.groups();
        a.awaitReady(120);
        b.awaitReady(120);
        Poll.until(() -> master.nodes().size() == 3, Duration.ofMinutes(2), "the master to see 3 nodes");
        for (PeerHandle peer : List.of(a, b)) {
            Poll.until(() -> peer.call("nodes", "nodes", 30).equals("nodes 3"), Duration.ofMinutes(2),
                    peer.name() + " to see 3 nodes");
        }
        results.put("sameClockInEveryJvm", checkClock());
    }

    private PeerHandle launchPeer(String name, int port, String members, boolean isolated) {
        List<String> args = new ArrayList<>(List.of(cluster, name, Integer.toString(port), members));
        if (isolated) {
            args.add("isolated");
        }
        PeerHandle peer = PeerHandle.launch(name, jvmOptions(), args, options.logs());
        peers.add(peer);
        return peer;
    }

    private List<String> jvmOptions() {
        List<String> options = new ArrayList<>(baseJvmOptions());
        String extra = System.getenv("BENCH_PEER_JVM_OPTS"); // e.g. a profiler: -XX:StartFlightRecording=...
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    /** A JVM heap size ({@code 3g}, {@code 512m}, {@code 262144k}) in MB. */
    static long megabytes(String size) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)([kmg])").matcher(size);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("--peer-heap takes a JVM heap size such as 3g or 512m, not '" + size
                    + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "g" -> amount * 1024;
            case "m" -> amount;
            default -> amount / 1024;
        };
    }

    private List<String> baseJvmOptions() {
        // a fixed minimum heap, as a server would run: a small young generation grown on demand collects
        // every few MB of a node-up's snapshot traffic
        String heap = options.peerHeap();
        return List.of("-Xms" + Math.min(megabytes(heap), 1024) + "m", "-Xmx" + heap, "-XX:+UseG1GC",
                "-Djava.net.preferIPv4Stack=true",
                "-Dhazelcast.logging.type=slf4j", "--add-modules", "java.se",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
    }

    /**
     * Propagation latencies compare {@link System#nanoTime()} across JVMs: true on Linux (one monotonic clock
     * for the machine). Checked here: a peer's clock read must fall between the master's before and after.
     */
    private boolean checkClock() {
        boolean same = true;
        for (PeerHandle peer : List.of(a, b)) {
            for (int i = 0; i < 5; i++) {
                long before = System.nanoTime();
                long theirs = Long.parseLong(peer.call("clock", "clock", 30).split(" ")[1]);
                long after = System.nanoTime();
                same &= before <= theirs && theirs <= after;
            }
        }
        if (!same) {
            log("WARNING: System.nanoTime() differs between the JVMs: propagation latencies are not valid");
        }
        return same;
    }

    private void stopCluster() {
        for (PeerHandle peer : peers) {
            try {
                peer.close();
            } catch (RuntimeException e) {
                log("stopping %s: %s", peer.name(), e);
            }
        }
        if (master != null) {
            master.close();
        }
    }

    /** Times of membership events on the master, by Syn node id; registered before Syn's own listener. */
    private final class MembershipTimes implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
            String node = event.getMember().getAttribute(MemberAttributes.NODE);
            if (node != null) {
                memberAdded.put(node, System.nanoTime());
            }
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            String node = event.getMember().getAttribute(MemberAttributes.NODE);
            if (node != null) {
                memberRemoved.put(node, System.nanoTime());
            }
        }
    }

    // ---------------------------------------------------------------- the 8 phases

    private void measurePhases() {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> localRates = new LinkedHashMap<>();
        for (int round = 0; round < options.rounds(); round++) {
            log("round %d of %d at %,d processes", round + 1, options.rounds(), options.processes());
            phases(options.processes(), "r" + round, round == 0).forEach((phase, rate) -> {
                rates.computeIfAbsent(phase, p -> new ArrayList<>()).add(rate[0]);
                localRates.computeIfAbsent(phase, p -> new ArrayList<>()).add(rate[1]);
            });
        }
        Map<String, Object> perRound = new LinkedHashMap<>();
        Map<String, Object> local = new LinkedHashMap<>();
        Map<String, Object> medians = new LinkedHashMap<>();
        rates.forEach((phase, values) -> {
            results.put(phase, Math.round(median(values)));
            medians.put(phase, Math.round(median(values)));
            perRound.put(phase, values.stream().map(Math::round).toList());
            local.put(phase, Math.round(median(localRates.get(phase))));
        });
        results.put("phaseRatesPerRound_perSecond", perRound);
        results.put("phaseRatesOnPeersWithoutPropagation_perSecond", local);
        scalingMap().put(Integer.toString(options.processes()), medians);
    }

    private void scaling(int size) {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int round = 0; round < options.rounds(); round++) {
            log("scaling: round %d of %d at %,d processes", round + 1, options.rounds(), size);
            phases(size, "s" + size + "r" + round, false)
                    .forEach((phase, rate) -> rates.computeIfAbsent(phase, p -> new ArrayList<>()).add(rate[0]));
        }
        Map<String, Object> medians = new LinkedHashMap<>();
        rates.forEach((phase, values) -> medians.put(phase, Math.round(median(values))));
        scalingMap().put(Integer.toString(size), medians);
    }

    private Map<String, Object> scalingMap() {
        return cast(results.computeIfAbsent("phaseRatesBySize_perSecond", key -> new LinkedHashMap<String, Object>()));
    }

    /**
     * Runs the 8 phases once at {@code size} processes, half on each peer. Each process has its own name and
     * its own group, as in Syn's benchmark. Returns, per phase, {rate including propagation to the master, rate
     * of the peers' own work}.
     */
    private Map<String, double[]> phases(int size, String tag, boolean measureHeap) {
        int sizeA = size / 2;
        int sizeB = size - sizeA;
        int names = registry.count();
        int groupCount = groups.groupCount();
        Map<String, double[]> rates = new LinkedHashMap<>();
        spawn(tag, sizeA, sizeB);

        long heapBefore = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("register", phase("register", size, () -> registry.count() == names + size));
        long heapRegistered = measureHeap ? Machine.usedHeapAfterGc() : 0;
        if (measureHeap) {
            lookupLoop(tag, sizeA, sizeB);
        }
        rates.put("unregister", phase("unregister", size, () -> registry.count() == names));
        if (measureHeap) {
            // the mean of what registering added and what unregistering freed: less noise than either alone
            long heapUnregistered = Machine.usedHeapAfterGc();
            results.put("heapPerRegistrationPerReplica_bytes", Math.round(
                    ((heapRegistered - heapBefore) + (heapRegistered - heapUnregistered)) / 2.0 / size));
        }
        rates.put("reregister", phase("register", size, () -> registry.count() == names + size));
        rates.put("unregisterAfterKill", phase("kill", size, () -> registry.count() == names));

        spawn(tag, sizeA, sizeB);
        heapBefore = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("join", phase("join", size, () -> groups.groupCount() == groupCount + size));
        long heapJoined = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("leave", phase("leave", size, () -> groups.groupCount() == groupCount));
        if (measureHeap) {
            long heapLeft = Machine.usedHeapAfterGc();
            results.put("heapPerMembershipPerReplica_bytes", Math.round(
                    ((heapJoined - heapBefore) + (heapJoined - heapLeft)) / 2.0 / size));
        }
        rates.put("rejoin", phase("join", size, () -> groups.groupCount() == groupCount + size));
        rates.put("leftAfterKill", phase("kill", size, () -> groups.groupCount() == groupCount));
        return rates;
    }

    private void spawn(String tag, int sizeA, int sizeB) {
        a.send("spawn " + sizeA + " " + tag + "-a-");
        b.send("spawn " + sizeB + " " + tag + "-b-");
        a.await("ok", ANSWER_SECONDS);
        b.await("ok", ANSWER_SECONDS);
    }

    /** Tells both peers to run {@code command} and times it until {@code agreed} holds on the master. */
    private double[] phase(String command, int size, BooleanSupplier agreed) {
        long start = System.nanoTime();
        a.send(command);
        b.send(command);
        long end = Poll.until(agreed, PHASE_TIMEOUT, command + " to reach the master");
        long localNanos = 0;
        for (PeerHandle peer : List.of(a, b)) {
            String[] done = peer.await("done", ANSWER_SECONDS).split(" ");
            localNanos = Math.max(localNanos, Long.parseLong(done[1]));
            if (!done[2].equals("0")) {
                log("WARNING: %s: %s failed %s times", peer.name(), command, done[2]);
            }
        }
        double seconds = (end - start) / 1e9;
        double rate = size / seconds;
        log("  %-8s %,9d in %7.1f ms: %,10.0f /s (peers' own work: %,10.0f /s)", command, size, seconds * 1e3, rate,
                size / (localNanos / 1e9));
        return new double[] {rate, size / (localNanos / 1e9)};
    }

    /** A plain single-thread loop of lookups on the master's replica (every name remote), after JIT warm-up. */
    private void lookupLoop(String tag, int sizeA, int sizeB) {
        List<String> names = new ArrayList<>(sizeA + sizeB);
        for (int i = 0; i < sizeA; i++) {
            names.add(tag + "-a-" + i);
        }
        for (int i = 0; i < sizeB; i++) {
            names.add(tag + "-b-" + i);
        }
        Collections.shuffle(names, new Random(42));
        String[] probes = new String[names.size()];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = new String(names.get(i).toCharArray()); // in lookup order, as names read from the network
        }
        long found = 0;
        int passes = Math.max(3, 3_000_000 / probes.length);
        for (String probe : probes) {
            found += registry.lookup(probe).isPresent() ? 1 : 0;
        }
        long start = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (String probe : probes) {
                found += registry.lookup(probe).isPresent() ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (found != (long) probes.length * (passes + 1)) {
            log("WARNING: lookups found %d of %d", found, (long) probes.length * (passes + 1));
        }
        double rate = (double) probes.length * passes / seconds;
        results.put("lookupsOneThreadLoopOnMaster_perSecond", Math.round(rate));
        log("  lookups (one thread, master replica, %,d names): %,.0f /s", probes.length, rate);
    }

    // ---------------------------------------------------------------- other figures

    /** One group holding every process: the join rate, then members() and memberCount() on the master. */
    private void bigGroup() {
        int size = options.processes();
        log("one group of %,d members", size);
        spawn("big", size / 2, size - size / 2);
        double[] rate = phase("join big", size, () -> groups.memberCount("big") == size);
        results.put("joinOneGroup", Math.round(rate[0]));
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
        log("  members(): %.2f ms (median of %d); memberCount(): %.1f ns", membersMillis, calls, countNanos);
        phase("kill", size, () -> groups.memberCount("big") == 0);
    }

    /**
     * A single registration made on peer-1 at a time (one per millisecond), timed from the call until the
     * master and peer-2 both see it: at low load (nothing else happening) and at high load (every worker of
     * both peers registering and unregistering as fast as it can).
     */
    private void propagation(String load, String churn) throws InterruptedException {
        int samples = options.quick() ? 300 : 5_000;
        long intervalMicros = 1_000;
        String prefix = load + "lat-";
        long timeoutMillis = samples * intervalMicros / 1000 + 120_000;
        log("propagation latency at %s load: %,d single registrations, one every %d µs", load, samples,
                intervalMicros);
        int names = registry.count();
        long churnStart = 0;
        if (churn != null) {
            churnStart = System.nanoTime();
            a.call("churn-start " + churn + "a- " + options.highLoad() / 2, "ok", 60);
            b.call("churn-start " + churn + "b- " + options.highLoad() / 2, "ok", 60);
            Poll.sleepMillis(1_000);
        }
        long[] onMaster = new long[samples];
        Arrays.fill(onMaster, -1);
        Thread observer = new Thread(() -> PeerMain.observeInto(registry, samples, prefix, timeoutMillis, onMaster),
                "bench-observer");
        observer.start();
        b.call("observe " + samples + " " + prefix + " " + timeoutMillis, "ok", 60);
        a.call("probe " + samples + " " + intervalMicros + " " + prefix, "done", timeoutMillis / 1000);
        observer.join();
        String[] onPeer = b.call("observed", "lat", timeoutMillis / 1000).substring(4).split(",");
        if (churn != null) {
            long ops = 0;
            for (PeerHandle peer : List.of(a, b)) {
                ops += Long.parseLong(peer.call("churn-stop", "churned", 120).split(" ")[1]);
            }
            double seconds = (System.nanoTime() - churnStart) / 1e9;
            results.put("highLoadChurn_changesPerSecond", Math.round(ops / seconds));
            log("  high load: %,.0f registrations and unregistrations per second on the peers (asked: %,d)",
                    ops / seconds, options.highLoad());
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
        results.put(key + "_p50_ms", histogram.getValueAtPercentile(50) / 1e3);
        results.put(key + "_p99_ms", histogram.getValueAtPercentile(99) / 1e3);
        results.put(key + "_p999_ms", histogram.getValueAtPercentile(99.9) / 1e3);
        results.put(key + "_max_ms", histogram.getMaxValue() / 1e3);
        if (missing > 0) {
            results.put(key + "_missing", missing);
        }
        log("  to every node: p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms (%d samples, %d missing)",
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3,
                histogram.getTotalCount(), missing);
        a.call("probe-stop", "ok", 60);
        Poll.until(() -> registry.count() == names, PHASE_TIMEOUT, "the probes to be gone");
    }

    /**
     * The transport alone, as a baseline for the propagation latency: messages sent by peer-1 to a process on
     * the master and one on peer-2 (one each per millisecond), timed from the send until both handled it.
     */
    private void transport() throws InterruptedException {
        int samples = options.quick() ? 300 : 5_000;
        log("transport baseline: %,d messages from peer-1 to a process on the master and on peer-2, one every "
                + "1000 µs", samples);
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
        results.put("transportBaseline_p50_ms", histogram.getValueAtPercentile(50) / 1e3);
        results.put("transportBaseline_p99_ms", histogram.getValueAtPercentile(99) / 1e3);
        results.put("transportBaseline_p999_ms", histogram.getValueAtPercentile(99.9) / 1e3);
        log("  to both: p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms (%d samples)",
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3, histogram.getTotalCount());
        sink.stop();
    }

    /** Messages published on the master to a 1,000-member group spread over the 3 nodes, until all delivered. */
    private void publish() {
        int perPeer = 333;
        int local = 1_000 - 2 * perPeer;
        log("publish to a 1,000-member group (%d on the master, %d on each peer)", local, perPeer);
        for (int i = 0; i < local; i++) {
            SynProcess process = master.spawn(counting);
            groups.join("pub", process.ref(), null);
        }
        a.call("members pub " + perPeer, "ok", 120);
        b.call("members pub " + perPeer, "ok", 120);
        Poll.until(() -> groups.memberCount("pub") == 1_000, PHASE_TIMEOUT, "the publish group");
        publishRound(200, local, perPeer);
        int messages = options.quick() ? 200 : 5_000;
        long start = System.nanoTime();
        long end = publishRound(messages, local, perPeer);
        double seconds = (end - start) / 1e9;
        results.put("publishTo1000Members_messagesPerSecond", Math.round(messages / seconds));
        results.put("publishTo1000Members_deliveriesPerSecond", Math.round(messages * 1_000L / seconds));
        log("  %,d messages in %.1f ms: %,.0f publish/s, %,.0f deliveries/s", messages, seconds * 1e3,
                messages / seconds, messages * 1_000L / seconds);
    }

    private long publishRound(int messages, int local, int perPeer) {
        counting.reset();
        a.call("reset", "ok", 60);
        b.call("reset", "ok", 60);
        for (int i = 0; i < messages; i++) {
            groups.publish("pub", "tick");
        }
        long expectLocal = (long) messages * local;
        String expectPeer = "received " + (long) messages * perPeer;
        Poll.until(() -> counting.received() == expectLocal, PHASE_TIMEOUT, "local deliveries");
        long[] end = {System.nanoTime()};
        for (PeerHandle peer : List.of(a, b)) {
            Poll.until(() -> {
                boolean all = peer.call("received", "received", 60).equals(expectPeer);
                end[0] = Math.max(end[0], System.nanoTime());
                return all;
            }, PHASE_TIMEOUT, peer.name() + " deliveries");
        }
        return end[0];
    }

    /** multiCall() latency to a 100-member group spread over the 3 nodes (every member answers). */
    private void multiCall() {
        int perPeer = 33;
        int local = 100 - 2 * perPeer;
        log("multiCall to a 100-member group (%d on the master, %d on each peer)", local, perPeer);
        for (int i = 0; i < local; i++) {
            SynProcess process = master.spawn(counting);
            groups.join("call", process.ref(), null);
        }
        a.call("members call " + perPeer, "ok", 120);
        b.call("members call " + perPeer, "ok", 120);
        Poll.until(() -> groups.memberCount("call") == 100, PHASE_TIMEOUT, "the call group");
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
        log("  p50 %.3f ms, p99 %.3f ms, p999 %.3f ms (%d calls)", histogram.getValueAtPercentile(50) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3, calls);
    }

    /**
     * Node up and node down, several times with a new JVM each time (the median is reported): a node starts
     * split off (alone), registers all the names, then the split heals (Hazelcast merges it into the
     * cluster): how fast are its names visible on the master after the membership event? Then its JVM is
     * killed (SIGKILL, as kill -9): how fast are they gone on the master after the membership event? Then the
     * other way round: a new node without names joins while the peers hold all the names.
     */
    private void nodeUpDown() throws IOException {
        int size = options.processes();
        int times = options.quick() ? 1 : 3;
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        for (int i = 1; i <= times; i++) {
            log("node up and down (%d of %d): a split-off node with %,d names joins, then is killed (kill -9)", i,
                    times, size);
            nodeUpAndDown("late-" + i, size, figures);
        }
        newNodeSeesAll(size, times, figures);
        Map<String, Object> each = new LinkedHashMap<>();
        figures.forEach((key, values) -> {
            results.put(key, median(values));
            each.put(key, values);
        });
        results.put("nodeUpDownEachTime_ms", each);
    }

    /**
     * One node with {@code size} names in a new JVM: it joins (node up), is cut off by a net split (its names
     * go) and comes back when the split heals (node up of a running node, as in Syn's benchmark), then is
     * killed (node down). The times go to {@code figures}.
     */
    private void nodeUpAndDown(String name, int size, Map<String, List<Double>> figures) throws IOException {
        SplitOff splitOff = launchSplitOff(name);
        PeerHandle late = splitOff.peer();
        String members = splitOff.members();
        NodeId node = NodeId.parse(late.nodeId());
        late.call("spawn " + size + " up-", "ok", ANSWER_SECONDS);
        late.call("register", "done", ANSWER_SECONDS);
        if (master.nodes().contains(node)) {
            throw new IllegalStateException("the late node joined before the heal");
        }
        long healed = System.nanoTime();
        late.call("heal " + members, "ok", 60);
        long first = Poll.until(() -> registry.count(node) > 0, PHASE_TIMEOUT, "the late node's first name");
        long synced = Poll.until(() -> registry.count(node) == size, PHASE_TIMEOUT, "the late node's names");
        double[] cpu = cpuSinceMeeting(late, "nodeUpNewJvm", figures);
        long added = memberAdded.get(late.nodeId());
        // the names can be in before Hazelcast's MERGED event on the new node: wait for that event too
        long[] merged = new long[1];
        Poll.until(() -> (merged[0] = Long.parseLong(late.call("merged-at", "merged", 60).split(" ")[1])) != 0,
                PHASE_TIMEOUT, "the MERGED event on the late node");
        add(figures, "nodeUpSync100k_ms", synced - added);
        add(figures, "nodeUpSync100kFromMergedEvent_ms", synced - merged[0]);
        add(figures, "nodeUpFirstNameVisible_ms", first - added);
        add(figures, "nodeUpFromHealToSynced_ms", synced - healed);
        log("  up: %,d names visible %.1f ms after the membership event on the master (the first after %.1f "
                + "ms), %.1f ms after the MERGED event on the new node (negative: before it), %.0f ms after the heal;"
                + " meanwhile it used %.0f ms of CPU, its JIT compilers %.0f", size, (synced - added) / 1e6,
                (first - added) / 1e6, (synced - merged[0]) / 1e6, (synced - healed) / 1e6, cpu[0], cpu[1]);

        // as in Syn's benchmark, the running node is cut off by a net split and comes back when it heals
        memberRemoved.remove(late.nodeId());
        long cut = System.nanoTime();
        late.call("cut", "ok", 60);
        Poll.until(() -> memberRemoved.containsKey(late.nodeId()), Duration.ofMinutes(2),
                "the master to see the node cut off");
        long cutOff = memberRemoved.get(late.nodeId());
        long cutGone = Poll.until(() -> registry.count(node) == 0, PHASE_TIMEOUT, "the cut-off node's names to go");
        add(figures, "nodeCutOffPurge100k_ms", cutGone - cutOff);
        log("  cut off: %,d names gone %.1f ms after the membership event (Hazelcast saw the split after %.0f ms)",
                size, (cutGone - cutOff) / 1e6, (cutOff - cut) / 1e6);
        memberAdded.remove(late.nodeId());
        long reconnected = System.nanoTime();
        late.call("reconnect", "ok", 60);
        long backFirst = Poll.until(() -> registry.count(node) > 0, PHASE_TIMEOUT, "the node's first name back");
        long back = Poll.until(() -> registry.count(node) == size, PHASE_TIMEOUT, "the node's names back");
        double[] backCpu = cpuSinceMeeting(late, "nodeBack", figures);
        long backAdded = memberAdded.get(late.nodeId());
        add(figures, "nodeBackSync100k_ms", back - backAdded);
        log("  back: %,d names visible %.1f ms after the membership event (the first after %.1f ms), %.0f ms after "
                + "the network came back; meanwhile it used %.0f ms of CPU, its JIT compilers %.0f", size,
                (back - backAdded) / 1e6, (backFirst - backAdded) / 1e6, (back - reconnected) / 1e6, backCpu[0],
                backCpu[1]);

        memberRemoved.remove(late.nodeId());
        long killed = System.nanoTime();
        late.kill();
        Poll.until(() -> memberRemoved.containsKey(late.nodeId()), Duration.ofMinutes(2),
                "the master to see the node leave");
        long removed = memberRemoved.get(late.nodeId());
        long gone = Poll.until(() -> registry.count(node) == 0, PHASE_TIMEOUT, "the node's names to go");
        add(figures, "nodeDownPurge100k_ms", gone - removed);
        add(figures, "nodeDownDetectionByHazelcast_ms", removed - killed);
        log("  down: %,d names gone %.1f ms after the membership event (Hazelcast saw the kill after %.0f ms)",
                size, (gone - removed) / 1e6, (removed - killed) / 1e6);
        peers.remove(late);
    }

    /** A peer JVM started split off from the cluster (alone), and the member list that heals the split. */
    private record SplitOff(PeerHandle peer, String members) {}

    private SplitOff launchSplitOff(String name) {
        int port = LoopbackPorts.free();
        String members = String.join(",", List.of("127.0.0.1:" + ports.get(0), "127.0.0.1:" + ports.get(1),
                "127.0.0.1:" + ports.get(2), "127.0.0.1:" + port));
        PeerHandle peer = launchPeer(name, port, members, true);
        peer.awaitReady(120);
        return new SplitOff(peer, members);
    }

    /**
     * The CPU time (ms) the node's JVM used, and its JIT compiler threads within it, since it met the others:
     * from about the membership event until now, when the names are all visible; -1 where it cannot be
     * measured. Added to {@code figures} as {@code <key>Cpu_ms} and {@code <key>JitCpu_ms}.
     */
    private static double[] cpuSinceMeeting(PeerHandle node, String key, Map<String, List<Double>> figures) {
        String[] answer = node.call("cpu-since-meeting", "cpu", ANSWER_SECONDS).split(" ");
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
        spawn("seen", size / 2, size - size / 2);
        phase("register", size, () -> registry.count() == before + size);
        for (int i = 1; i <= times; i++) {
            log("a new node joins a cluster holding %,d names (%d of %d)", size, i, times);
            SplitOff splitOff = launchSplitOff("fresh-" + i);
            PeerHandle fresh = splitOff.peer();
            fresh.call("heal " + splitOff.members(), "ok", 60);
            // the new node polls its own replica and answers when it holds every name
            long seen = Long.parseLong(fresh.call("await-names " + (before + size) + " " + PHASE_TIMEOUT.toSeconds(),
                    "names", ANSWER_SECONDS).split(" ")[1]);
            double[] cpu = cpuSinceMeeting(fresh, "newNodeSeesAll", figures);
            Poll.until(() -> memberAdded.containsKey(fresh.nodeId()), Duration.ofMinutes(2),
                    "the master to see the new node"); // the new node may hear from the peers first
            long added = memberAdded.get(fresh.nodeId());
            add(figures, "newNodeSeesAll100k_ms", seen - added);
            log("  all %,d names visible on it %.1f ms after the membership event on the master; meanwhile it used "
                    + "%.0f ms of CPU, its JIT compilers %.0f", size, (seen - added) / 1e6, cpu[0], cpu[1]);
            fresh.kill();
            Poll.until(() -> memberRemoved.containsKey(fresh.nodeId()), Duration.ofMinutes(2),
                    "the master to see the new node leave");
            peers.remove(fresh);
        }
        phase("kill", size, () -> registry.count() == before);
    }

    private static void add(Map<String, List<Double>> figures, String key, long nanos) {
        figures.computeIfAbsent(key, k -> new ArrayList<>()).add(Math.round(nanos / 1e4) / 1e2);
    }

    // ---------------------------------------------------------------- JMH

    private void jmh() throws RunnerException {
        // A lookup's speed depends on where the JVM happened to place 100k entries: forks of the same code differ
        // by up to 2x here, so the lookups are the mean of 3 forks (group reads are not latency-bound: 1 fork).
        log("JMH: local reads on one thread (ReadBenchmark; lookups: 3 forks x (2 x 1 s warm-up, 3 x 1 s measured);"
                + " group reads: 1 fork x (3 x 1 s warm-up, 5 x 1 s measured))");
        String benchmark = ReadBenchmark.class.getName();
        String size = Integer.toString(options.processes());
        List<RunResult> runs = new ArrayList<>(new Runner(new OptionsBuilder()
                .include(benchmark + ".(registryLookup|registryLookupOwnProcesses|replicaLookup)$").forks(3)
                .warmupIterations(2).measurementIterations(3).param("size", size).verbosity(VerboseMode.SILENT)
                .build()).run());
        runs.addAll(new Runner(new OptionsBuilder().include(benchmark + ".replicaMember").param("size", size)
                .verbosity(VerboseMode.SILENT).build()).run());
        for (RunResult run : runs) {
            String method = run.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            double score = run.getPrimaryResult().getScore();
            String unit = run.getPrimaryResult().getScoreUnit();
            String key = switch (method) {
                case "registryLookup" -> "lookupsOneCoreJmh_perSecond";
                case "registryLookupOwnProcesses" -> "lookupsOneCoreJmhOwnProcesses_perSecond";
                case "replicaLookup" -> "lookupsOneCoreJmhReplicaOnly_perSecond";
                case "replicaMembers" -> "groupMembers100kJmhReplica_ms";
                case "replicaMemberCount" -> "groupMemberCount100kJmhReplica_ns";
                default -> method;
            };
            results.put(key, unit.startsWith("ops") ? (Object) Math.round(score) : (Object) score);
            String forks = run.getBenchmarkResults().stream()
                    .map(fork -> String.format(unit.startsWith("ops") ? "%,.0f" : "%.3f",
                            fork.getPrimaryResult().getScore()))
                    .collect(Collectors.joining(" / "));
            log("  %s: %,.3f %s (by fork: %s)", method, score, unit, forks);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Map<String, Object> reorder() {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String phase : PHASES) {
            ordered.put(phase, results.remove(phase));
        }
        ordered.putAll(results);
        return ordered;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** What the machine is and how busy it is. */
    static final class Machine {
        private Machine() {}

        static Map<String, Object> describe() {
            Map<String, Object> machine = new LinkedHashMap<>();
            machine.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            machine.put("cpu", cpuModel());
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            machine.put("loadAverage1mAtStart", loadAverage());
            return machine;
        }

        static double loadAverage() {
            return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
        }

        private static String cpuModel() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
            } catch (IOException | RuntimeException e) {
                return System.getProperty("os.arch");
            }
        }

        /** Used heap after full collections (System.gc() until the figure stops falling). */
        static long usedHeapAfterGc() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                System.gc();
                Poll.sleepMillis(50);
                best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
            }
            return best;
        }
    }
}
