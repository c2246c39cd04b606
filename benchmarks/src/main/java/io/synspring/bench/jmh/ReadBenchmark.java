package io.synspring.bench.jmh;

import com.hazelcast.config.Config;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.Membership;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.internal.replica.OwnerSnapshot;
import io.synspring.internal.replica.ReplicaSink;
import io.synspring.internal.replica.ScopeReplica;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import io.synspring.registry.Registry;
import io.synspring.testing.LoopbackPorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Local reads on one thread (one core): lookups in a registry of 100k names, and members() / memberCount()
 * of a 100k-member group.
 *
 * <ul>
 *   <li>{@code registryLookup}: {@link Registry#lookup} on a node of a 2-node cluster whose replica holds the
 *       100k names of the other node's processes: the public API, name check included, as a gateway finds a
 *       device connected to another node.
 *   <li>{@code registryLookupNewString}: the same with a new String for each lookup; {@code newStringHash}
 *       makes and hashes that String without the lookup.
 *   <li>{@code registryLookupChained}: the same lookups made to wait for each other (the latency of one).
 *   <li>{@code registryLookupOwnProcesses}: the same on the node running the 100k processes, where a lookup
 *       also makes sure the local process has not exited.
 *   <li>{@code replicaLookup}: the replica read under it, on a bare replica holding 100k names of another
 *       node.
 *   <li>{@code replicaMembers} / {@code replicaMemberCount}: the group reads of a replica holding a
 *       100k-member group of another node.
 * </ul>
 * The names looked up are distinct String instances equal to the registered ones, allocated in the order
 * they are looked up, and that order is shuffled: the registry's entries are visited at random, not in a
 * cache-friendly walk. Each of the 100k names is looked up again on every pass, so its String has its hash
 * cached after the first pass (a name an application keeps, such as a device's id); {@code
 * registryLookupNewString} makes a new String for each lookup instead (a name just read from the network), so
 * it pays for the allocation and the hash.
 *
 * <p>Each fork's heap is fixed and touched before the setup ({@code -Xms} = {@code -Xmx}, {@code
 * -XX:+AlwaysPreTouch}, in transparent huge pages): otherwise what a benchmark allocates in its first seconds lands in heap memory that
 * was never touched, and takes a page fault per page, by a different amount in each fork.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages",
        "-Djava.net.preferIPv4Stack=true",
        "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class ReadBenchmark {

    private static final ReplicaSink NO_EVENTS = new ReplicaSink() {
        @Override
        public void event(SynEvent event) {}

        @Override
        public void localConflictLost(Registration loser, boolean stop) {}
    };

    @Param("100000")
    public int size;

    private NodeRegistry node;
    private NodeRegistry other;
    private Registry registry;
    private Registry ownRegistry;
    private ScopeReplica replica;

    private String[] probes;
    private byte[][] probeBytes;
    private int next;
    /** Always 0, but not a constant the compiler could fold: it makes one lookup depend on the one before. */
    private int zero;

    @Setup(Level.Trial)
    public void setUp() {
        int port = LoopbackPorts.free();
        int otherPort = LoopbackPorts.free();
        String cluster = "jmh-" + UUID.randomUUID();
        List<String> members = List.of("127.0.0.1:" + port, "127.0.0.1:" + otherPort);
        node = NodeRegistry.create(member(cluster, port, members), SynSettings.builder().nodeName("jmh").build());
        other = NodeRegistry.create(member(cluster, otherPort, members),
                SynSettings.builder().nodeName("jmh-other").build());
        registry = node.registry();
        ownRegistry = other.registry();
        List<String> names = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String name = "device-" + i;
            names.add(name);
            SynProcess process = other.spawn((message, context) -> {});
            ownRegistry.register(name, process.ref(), null);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (registry.count() != size && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }

        NodeId owner = new NodeId("other", 1);
        replica = new ScopeReplica("default", new NodeId("jmh-replica", 1), ConflictResolver.KEEP_MOST_RECENT);
        List<Registration> registrations = new ArrayList<>(size);
        List<Membership> memberships = new ArrayList<>(size);
        long now = System.currentTimeMillis();
        for (int i = 0; i < size; i++) {
            ProcessRef process = new ProcessRef(owner, i + 1);
            registrations.add(new Registration(names.get(i), process, null, now));
            memberships.add(new Membership("big", process, null, now));
        }
        replica.receive(new OwnerSnapshot("default", owner, 0, registrations, memberships), Reason.NORMAL, NO_EVENTS);

        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, new Random(42));
        probes = new String[size];
        probeBytes = new byte[size][];
        for (int i = 0; i < size; i++) {
            probes[i] = new String(shuffled.get(i).toCharArray()); // allocated in the order they are looked up
            probeBytes[i] = shuffled.get(i).getBytes(StandardCharsets.ISO_8859_1);
        }
        if (registry.count() != size || ownRegistry.count() != size || replica.names().count() != size
                || replica.groups().memberCount("big") != size) {
            throw new IllegalStateException("setup failed: " + registry.count() + " / " + ownRegistry.count() + " / "
                    + replica.names().count());
        }
        System.gc(); // measure the steady state: live data compacted as after the collections of a running node
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        node.close();
        other.close();
    }

    private static Config member(String cluster, int port, List<String> members) {
        return new EmbeddedMember(cluster, "127.0.0.1", port, members, Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5)).toConfig();
    }

    private String nextName() {
        int i = next;
        next = i + 1 == probes.length ? 0 : i + 1;
        return probes[i];
    }

    /** A new String each time, as a name just read from the network: its hash is not cached yet. */
    private String nextNewName() {
        int i = next;
        next = i + 1 == probes.length ? 0 : i + 1;
        return new String(probeBytes[i], StandardCharsets.ISO_8859_1);
    }

    /**
     * How much of a core the benchmark thread had in each iteration: its CPU time ({@code cpuMicros}) over the
     * iteration's wall time ({@code wallMicros}). On a shared machine a lookup figure below its usual one with a
     * share well below 1 was measured while other processes took the core.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class OnCpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        public long cpuMicros;
        public long wallMicros;
        private long cpuStart;
        private long wallStart;

        @Setup(Level.Iteration)
        public void start() {
            cpuStart = THREADS.getCurrentThreadCpuTime();
            wallStart = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1_000;
            wallMicros = (System.nanoTime() - wallStart) / 1_000;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Optional<Registration> registryLookup(OnCpu onCpu) {
        return registry.lookup(nextName());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Optional<Registration> registryLookupNewString(OnCpu onCpu) {
        return registry.lookup(nextNewName());
    }

    /**
     * The same lookups one after the other: each one's name depends on what the one before found, so no two
     * are in flight at once and each one waits out its own cache misses (the latency of a lookup, where
     * {@code registryLookup} is the throughput of independent ones).
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Optional<Registration> registryLookupChained(OnCpu onCpu) {
        Optional<Registration> found = registry.lookup(nextName());
        next ^= (found.isPresent() ? 1 : 0) & zero;
        return found;
    }

    /** What {@code registryLookupNewString} spends on the name alone: a new String, and its hash. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int newStringHash(OnCpu onCpu) {
        return nextNewName().hashCode();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Optional<Registration> registryLookupOwnProcesses(OnCpu onCpu) {
        return ownRegistry.lookup(nextName());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Registration replicaLookup(OnCpu onCpu) {
        return replica.names().lookup(nextName());
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<Membership> replicaMembers() {
        return replica.groups().members("big");
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int replicaMemberCount() {
        return replica.groups().memberCount("big");
    }
}
