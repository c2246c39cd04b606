package io.synspring.bench;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.synspring.NodeRegistry;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.groups.Groups;
import io.synspring.registry.Registry;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's cluster, as in Syn's benchmark: this JVM is the master node and holds no processes; it
 * launches the peer JVMs ({@link PeerMain}) on this machine, drives them over their standard input and output,
 * and times each phase from the moment it tells the peers to start until its own replica agrees.
 */
final class BenchCluster implements AutoCloseable {

    static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
    static final long ANSWER_SECONDS = 600;

    private static final Logger log = LoggerFactory.getLogger(BenchCluster.class);

    private final ClusterOptions options;
    private final String peerHeap;
    private final boolean preTouch;
    private final String name = "syn-bench-" + UUID.randomUUID();
    private final Map<String, Long> memberAdded = new ConcurrentHashMap<>();
    private final Map<String, Long> memberRemoved = new ConcurrentHashMap<>();
    private final List<PeerHandle> launched = new ArrayList<>();
    private final List<PeerHandle> workers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private NodeRegistry master;

    /**
     * A cluster of the master and {@code peers} peer JVMs of {@code peerHeap} each; {@link #start()} starts it.
     * {@code preTouch}: each peer's heap is fixed and touched at start (see {@link #jvmOptions}); off where a
     * figure is the memory a node uses.
     */
    BenchCluster(ClusterOptions options, int peers, String peerHeap, boolean preTouch) {
        this.options = options;
        this.peerHeap = peerHeap;
        this.preTouch = preTouch;
        for (int i = 0; i <= peers; i++) {
            ports.add(LoopbackPorts.free());
        }
    }

    /** Starts the master and the peers and waits until every node sees every other. */
    void start() {
        List<String> members = ports.stream().map(port -> "127.0.0.1:" + port).toList();
        String memberList = String.join(",", members);
        log("starting the master and %d peer JVMs (cluster %s, ports %s)", ports.size() - 1, name, ports);
        for (int i = 1; i < ports.size(); i++) {
            workers.add(launchPeer("peer-" + i, ports.get(i), memberList, false));
        }
        master = BenchNodes.start(BenchNodes.config(name, ports.get(0), members), "master", new MembershipTimes());
        int nodes = ports.size();
        for (PeerHandle peer : workers) {
            peer.awaitReady(180);
        }
        Poll.until(() -> master.nodes().size() == nodes, Duration.ofMinutes(3),
                "the master to see " + nodes + " nodes");
        for (PeerHandle peer : workers) {
            Poll.until(() -> peer.call("nodes", "nodes", 30).equals("nodes " + nodes), Duration.ofMinutes(3),
                    peer.name() + " to see " + nodes + " nodes");
        }
    }

    NodeRegistry master() {
        return master;
    }

    Registry registry() {
        return master.registry();
    }

    Groups groups() {
        return master.groups();
    }

    /** The peers that hold the benchmark's processes. */
    List<PeerHandle> workers() {
        return workers;
    }

    PeerHandle peer(int index) {
        return workers.get(index);
    }

    /** {@link System#nanoTime()} of the master's last membership event adding the node, or null. */
    Long memberAdded(String nodeId) {
        return memberAdded.get(nodeId);
    }

    Long memberRemoved(String nodeId) {
        return memberRemoved.get(nodeId);
    }

    void forgetMembershipTimes(String nodeId) {
        memberAdded.remove(nodeId);
        memberRemoved.remove(nodeId);
    }

    /**
     * Propagation latencies compare {@link System#nanoTime()} across JVMs: true on Linux (one monotonic clock
     * for the machine). Checked here: a peer's clock read must fall between the master's before and after.
     */
    boolean sameClock() {
        boolean same = true;
        for (PeerHandle peer : workers) {
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

    /** Has each worker spawn its share of {@code size} processes, named {@code <tag>-<peer>-<i>}. */
    void spawn(String tag, int size) {
        int peers = workers.size();
        for (int p = 0; p < peers; p++) {
            workers.get(p).send("spawn " + share(size, p) + " " + tag + "-" + p + "-");
        }
        for (PeerHandle peer : workers) {
            peer.await("ok", ANSWER_SECONDS);
        }
    }

    /** The number of the {@code size} processes that worker {@code p} holds. */
    int share(int size, int p) {
        int peers = workers.size();
        return (int) ((long) size * (p + 1) / peers - (long) size * p / peers);
    }

    /**
     * Tells every worker to run {@code command} on its processes and times it until {@code agreed} holds on the
     * master. Returns {rate including propagation to the master, rate of the slowest peer's own work}.
     */
    double[] phase(String command, int size, BooleanSupplier agreed) {
        long start = System.nanoTime();
        for (PeerHandle peer : workers) {
            peer.send(command);
        }
        long end = Poll.until(agreed, PHASE_TIMEOUT, command + " to reach the master");
        long localNanos = 0;
        for (PeerHandle peer : workers) {
            String[] done = peer.await("done", ANSWER_SECONDS).split(" ");
            localNanos = Math.max(localNanos, Long.parseLong(done[1]));
            if (!done[2].equals("0")) {
                log("WARNING: %s: %s failed %s times", peer.name(), command, done[2]);
            }
        }
        double seconds = (end - start) / 1e9;
        double rate = size / seconds;
        log("  %-12s %,9d in %7.1f ms: %,10.0f /s (peers' own work: %,10.0f /s)", command, size, seconds * 1e3, rate,
                size / (localNanos / 1e9));
        return new double[] {rate, size / (localNanos / 1e9)};
    }

    /** A peer JVM started split off from the cluster (alone), and the member list that heals the split. */
    record SplitOff(PeerHandle peer, String members) {}

    SplitOff launchSplitOff(String peerName) {
        int port = LoopbackPorts.free();
        List<String> members = new ArrayList<>(ports.stream().map(p -> "127.0.0.1:" + p).toList());
        members.add("127.0.0.1:" + port);
        PeerHandle peer = launchPeer(peerName, port, String.join(",", members), true);
        peer.awaitReady(120);
        return new SplitOff(peer, String.join(",", members));
    }

    /** Forgets a peer that was killed or closed. */
    void forget(PeerHandle peer) {
        launched.remove(peer);
    }

    private PeerHandle launchPeer(String peerName, int port, String members, boolean isolated) {
        List<String> args = new ArrayList<>(List.of(name, peerName, Integer.toString(port), members));
        if (isolated) {
            args.add("isolated");
        }
        PeerHandle peer = PeerHandle.launch(peerName, jvmOptions(peerHeap, preTouch), args, options.logs());
        launched.add(peer);
        return peer;
    }

    /**
     * The peer JVMs' options: {@code heap} at most, G1, and what {@code BENCH_PEER_JVM_OPTS} adds (a profiler,
     * say). With {@code preTouch} the heap is fixed at {@code heap}, in transparent huge pages, and every page of
     * it touched at start: on this kind of VM the first touch of a page is slow, collections copying into untouched
     * heap slow the phases down, and small pages of a large touched heap slow every thread that misses them
     * (docs/benchmarks.md has the figures). Without it, a fixed minimum of at most 1 GB, so that the resident set
     * follows what the node holds.
     */
    static List<String> jvmOptions(String heap, boolean preTouch) {
        String minimum = preTouch ? heap : Math.min(ClusterOptions.megabytes(heap), 1024) + "m";
        List<String> jvm = new ArrayList<>(List.of("-Xms" + minimum, "-Xmx" + heap, "-XX:+UseG1GC",
                "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.logging.type=slf4j",
                "--add-modules", "java.se",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        if (preTouch) {
            jvm.addAll(List.of("-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"));
        }
        String extra = System.getenv("BENCH_PEER_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        return jvm;
    }

    @Override
    public void close() {
        for (PeerHandle peer : launched) {
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

    static void log(String format, Object... args) {
        if (log.isInfoEnabled()) {
            log.info(String.format(Locale.ROOT, format, args));
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
}
