package io.synspring.bench;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.Server;
import com.sun.management.OperatingSystemMXBean;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.groups.Groups;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registry;
import io.synspring.registry.UnregisterResult;
import io.synspring.transport.TransportCounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer JVM of the cluster benchmark: a Syn node that does what the master tells it on standard input, one
 * command per line, and answers on standard output with lines starting with {@code "@@ "} (logs go to
 * standard error). The registry and group work is spread over {@value #WORKERS} worker threads, as in Syn's
 * benchmark. The peer exits when its standard input closes, so it never outlives the master.
 *
 * <p>Arguments: {@code clusterName nodeName port members [isolated]}; {@code members} is a comma-separated
 * list of {@code host:port}. An isolated peer starts alone (a split-off node) and joins the others when told
 * {@code heal}: Hazelcast's split-brain merge then brings it in, as when a net split heals.
 */
public final class PeerMain {

    private static final Logger log = LoggerFactory.getLogger(PeerMain.class);

    static final int WORKERS = 100;
    static final int CHURN_THREADS = 8;
    static final String PREFIX = "@@ ";

    private static final PrintStream out = System.out;
    private static volatile long mergedAt;
    /**
     * The CPU time (ms) this JVM and its JIT compiler threads had used when it first met another member since it
     * started or was cut off; null before that.
     */
    private static final AtomicReference<long[]> cpuAtMeeting = new AtomicReference<>();

    private final NodeRegistry node;
    private final Config config;
    private final Registry registry;
    private final Groups groups;
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, runnable -> {
        Thread thread = new Thread(runnable, "bench-worker");
        thread.setDaemon(true);
        return thread;
    });
    private final CountingHandler counting = new CountingHandler();
    private final List<SynProcess> extras = new ArrayList<>();
    private SynProcess[] processes = new SynProcess[0];
    private String[] names = new String[0];
    private final AtomicBoolean churning = new AtomicBoolean();
    private final AtomicLong churned = new AtomicLong();
    private CountDownLatch churnDone = new CountDownLatch(0);
    private SynProcess probe;
    private ApplyTimes applyTimes;
    private long observeTimeoutMillis;
    private long[] sunk = new long[0];

    private PeerMain(NodeRegistry node, Config config) {
        this.node = node;
        this.config = config;
        this.registry = node.registry();
        this.groups = node.groups();
    }

    public static void main(String[] args) throws IOException {
        String cluster = args[0];
        String nodeName = args[1];
        int port = Integer.parseInt(args[2]);
        List<String> members = Arrays.asList(args[3].split(","));
        boolean isolated = args.length > 4 && args[4].equals("isolated");
        Config config = BenchNodes.config(cluster, port, isolated ? List.of("127.0.0.1:" + port) : members);
        NodeRegistry node = BenchNodes.start(config, nodeName, null);
        node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                mergedAt = System.nanoTime();
            }
        });
        node.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                cpuAtMeeting.compareAndSet(null, cpuMillis());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {}
        });
        PeerMain peer = new PeerMain(node, config);
        reply("ready " + node.node());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            try {
                if (!peer.handle(line.trim().split(" "))) {
                    break;
                }
            } catch (RuntimeException | InterruptedException e) {
                reply("error " + line + ": " + e);
                log.error("command '{}' failed", line, e);
            }
        }
        node.close();
        System.exit(0);
    }

    /** The CPU time (ms) this JVM used so far, and that its JIT compiler threads used (-1 where unknown). */
    static long[] cpuMillis() {
        long process = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        return new long[] {process, compilerCpuMillis()};
    }

    /**
     * The CPU time this JVM's JIT compiler threads used so far (ms, in steps of 10), from Linux's
     * {@code /proc}; -1 where there is no such file. (The JVM's own compilation counter only counts finished
     * compilations, and one of a large method can take a few hundred milliseconds.)
     */
    static long compilerCpuMillis() {
        long ticks = 0;
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).contains("CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks * 10; // clock ticks of 10 ms (USER_HZ 100)
    }

    private Server server() {
        return ((HazelcastInstanceProxy) node.hazelcast()).getOriginal().node.getServer();
    }

    static void reply(String line) {
        synchronized (out) {
            out.println(PREFIX + line);
            out.flush();
        }
    }

    private boolean handle(String[] command) throws InterruptedException {
        switch (command[0]) {
            case "nodes":
                reply("nodes " + node.nodes().size());
                return true;
            case "clock":
                reply("clock " + System.nanoTime());
                return true;
            case "spawn":
                spawn(Integer.parseInt(command[1]), command[2]);
                reply("ok");
                return true;
            case "register":
                timed(i -> registry.register(names[i], processes[i].ref(), null) == RegisterResult.OK);
                return true;
            case "register-meta":
                // the sample's device metadata shape, kept small: two short string fields
                timed(i -> registry.register(names[i], processes[i].ref(), deviceMeta(i)) == RegisterResult.OK);
                return true;
            case "unregister":
                timed(i -> registry.unregister(names[i]) == UnregisterResult.OK);
                return true;
            case "kill":
                timed(i -> {
                    processes[i].exit(ExitReason.KILLED);
                    return true;
                });
                return true;
            case "join": {
                String group = command.length > 1 ? command[1] : null;
                timed(i -> groups.join(group != null ? group : names[i], processes[i].ref(), null) == JoinResult.OK);
                return true;
            }
            case "leave": {
                String group = command.length > 1 ? command[1] : null;
                timed(i -> groups.leave(group != null ? group : names[i], processes[i].ref()) == LeaveResult.OK);
                return true;
            }
            case "churn-start":
                churnStart(command[1], Long.parseLong(command[2]));
                reply("ok");
                return true;
            case "churn-stop":
                churning.set(false);
                churnDone.await();
                reply("churned " + churned.get());
                return true;
            case "probe":
                probe(Integer.parseInt(command[1]), Long.parseLong(command[2]), command[3]);
                return true;
            case "probe-stop":
                if (probe != null) {
                    probe.exit(ExitReason.KILLED);
                }
                reply("ok");
                return true;
            case "observe":
                observe(Integer.parseInt(command[1]), command[2], Long.parseLong(command[3]));
                reply("ok");
                return true;
            case "observed":
                reply("lat " + Arrays.stream(applyTimes.await(observeTimeoutMillis)).mapToObj(Long::toString)
                        .collect(Collectors.joining(",")));
                return true;
            case "members":
                for (int i = 0; i < Integer.parseInt(command[2]); i++) {
                    SynProcess member = node.spawn(counting);
                    extras.add(member);
                    groups.join(command[1], member.ref(), null);
                }
                reply("ok");
                return true;
            case "received":
                reply("received " + counting.received());
                return true;
            case "reset":
                counting.reset();
                reply("ok");
                return true;
            case "heal":
                // the split-brain handler reads the member list at each check: the next one finds the cluster
                config.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(Arrays.asList(command[1].split(",")));
                reply("ok");
                return true;
            case "sink": {
                sunk = new long[Integer.parseInt(command[1])];
                SynProcess sink = spawnSink(node, sunk);
                reply("sink " + sink.ref().node() + " " + sink.ref().id());
                return true;
            }
            case "sunk":
                reply("sunk " + Arrays.stream(sunk).mapToObj(Long::toString).collect(Collectors.joining(",")));
                return true;
            case "ping":
                ping(Integer.parseInt(command[1]), Long.parseLong(command[2]),
                        List.of(new ProcessRef(NodeId.parse(command[3]), Long.parseLong(command[4])),
                                new ProcessRef(NodeId.parse(command[5]), Long.parseLong(command[6]))));
                return true;
            case "cut":
                // a net split between this node and the others: its member server stops (connections closed,
                // none accepted or opened), as when the network between it and the cluster goes down
                mergedAt = 0;
                cpuAtMeeting.set(null);
                server().stop();
                reply("ok");
                return true;
            case "reconnect":
                // the network is back: the split-brain handler finds the cluster and merges this node into it
                server().start();
                reply("ok");
                return true;
            case "cpu-since-meeting": {
                long[] now = cpuMillis();
                long[] then = cpuAtMeeting.get();
                reply(then == null ? "cpu -1 -1"
                        : "cpu " + (now[0] - then[0]) + " " + (then[1] < 0 ? -1 : now[1] - then[1]));
                return true;
            }
            case "await-names": {
                int count = Integer.parseInt(command[1]);
                long seen = Poll.until(() -> registry.count() >= count, Duration.ofSeconds(Long.parseLong(command[2])),
                        count + " names in this node's replica");
                reply("names " + seen);
                return true;
            }
            case "heap":
                reply("heap " + Machine.usedHeapAfterGc() + " " + Machine.residentBytes() + " " + registry.count());
                return true;
            case "counts": {
                TransportCounts counts = node.transportCounts();
                reply("counts " + counts.messagesSent() + " " + counts.bytesSent() + " " + counts.writes());
                return true;
            }
            case "merged-at":
                reply("merged " + mergedAt);
                return true;
            case "exit":
                reply("bye");
                return false;
            default:
                reply("error unknown command " + String.join(" ", command));
                return true;
        }
    }

    /** Metadata of two small string fields, as a gateway keeps for a device. */
    static Map<String, String> deviceMeta(int i) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("tenant", "tenant-" + (i % 100));
        meta.put("kind", "sensor");
        return meta;
    }

    private void spawn(int count, String prefix) {
        processes = new SynProcess[count];
        names = new String[count];
        for (int i = 0; i < count; i++) {
            processes[i] = node.spawn(counting);
            names[i] = prefix + i;
        }
        // the young collections that would copy the new processes and names to the old generation happen here,
        // before the clock of the next phase starts: spawning is outside the phases, as in Syn's benchmark
        System.gc();
    }

    /** Runs {@code operation} on every local process, spread over the workers; answers with the time taken. */
    private void timed(IntPredicate operation) throws InterruptedException {
        int count = processes.length;
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(WORKERS);
        long start = System.nanoTime();
        for (int w = 0; w < WORKERS; w++) {
            int from = (int) ((long) count * w / WORKERS);
            int to = (int) ((long) count * (w + 1) / WORKERS);
            workers.execute(() -> {
                try {
                    for (int i = from; i < to; i++) {
                        if (!operation.test(i)) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    log.error("a benchmark operation failed", e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        reply("done " + (System.nanoTime() - start) + " " + failures.get());
    }

    /**
     * High load: {@value #CHURN_THREADS} threads register and unregister names of their own processes, together
     * {@code changesPerSecond} changes per second on this node, paced in small bursts every millisecond (few
     * threads, so that the load is on the registry, not on the scheduler waking a hundred threads).
     */
    private void churnStart(String prefix, long changesPerSecond) {
        churning.set(true);
        churned.set(0);
        churnDone = new CountDownLatch(CHURN_THREADS);
        double pairsPerMilli = changesPerSecond / 2.0 / 1000 / CHURN_THREADS;
        for (int w = 0; w < CHURN_THREADS; w++) {
            SynProcess process = node.spawn(counting);
            extras.add(process);
            String base = prefix + w + "-";
            workers.execute(() -> {
                try {
                    long ops = 0;
                    long start = System.nanoTime();
                    int j = 0;
                    while (churning.get()) {
                        long due = (long) ((System.nanoTime() - start) / 1e6 * pairsPerMilli);
                        if (due - ops / 2 > pairsPerMilli * 100) {
                            ops = 2 * (due - (long) (pairsPerMilli * 100)); // far behind: no catch-up burst
                        }
                        while (ops / 2 < due && churning.get()) {
                            String name = base + (j++ & 63);
                            registry.register(name, process.ref(), null);
                            registry.unregister(name);
                            ops += 2;
                            churned.addAndGet(2);
                        }
                        LockSupport.parkNanos(1_000_000);
                    }
                } finally {
                    churnDone.countDown();
                }
            });
        }
    }

    /**
     * Registers {@code prefix0..count-1}, one every {@code intervalMicros}, each with the wall-clock time it was
     * made as metadata ({@link ApplyTimes#wallClockNanos()}).
     */
    private void probe(int count, long intervalMicros, String prefix) {
        probe = node.spawn(counting);
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            registry.register(prefix + i, probe.ref(), ApplyTimes.wallClockNanos());
            next += intervalMicros * 1000;
            while (System.nanoTime() < next) {
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }
        reply("done");
    }

    /**
     * The transport alone, for comparison with propagation: a process that notes, for each message (the
     * {@link System#nanoTime()} it was sent at), how long it took to arrive.
     */
    static SynProcess spawnSink(NodeRegistry node, long[] latencies) {
        Arrays.fill(latencies, -1);
        AtomicInteger next = new AtomicInteger();
        return node.spawn((message, context) -> {
            int i = next.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = System.nanoTime() - (Long) message;
            }
        });
    }

    /** Sends {@code count} messages (the time sent) to each of {@code sinks}, one every {@code intervalMicros}. */
    private void ping(int count, long intervalMicros, List<ProcessRef> sinks) {
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long now = System.nanoTime();
            for (ProcessRef sink : sinks) {
                node.send(sink, now);
            }
            next += intervalMicros * 1000;
            while (System.nanoTime() < next) {
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }
        reply("done");
    }

    /** Notes when this node applies {@code prefix0..count-1}: see {@link ApplyTimes}. */
    private void observe(int count, String prefix, long timeoutMillis) {
        applyTimes = ApplyTimes.listen(node, prefix, count);
        observeTimeoutMillis = timeoutMillis;
    }
}
