package io.synspring.bench;

import com.hazelcast.config.Config;
import io.synspring.NodeRegistry;
import io.synspring.process.SendResult;
import io.synspring.registry.Registry;
import io.synspring.testing.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's command path on the links between nodes: node A (this JVM) sends to, and calls, processes
 * registered on node B ({@link LinkPeer}, a JVM of its own), through {@link Registry#send} and
 * {@link Registry#call}, each with its name lookup, with the links in plain TCP and in mutual TLS.
 * <ul>
 * <li>{@code remoteSend_perSecond}, {@code remoteSend64_perSecond}: 1 and 64 threads send small messages (a
 *     {@code Long}) to B's {@code sinks} processes, names taken in turn; timed from the first send until B's
 *     processes have handled every message that was {@code SENT}. B's count must equal the number sent.
 * <li>{@code remoteSendOneProcess_perSecond}: 1 thread to the first sink alone (Erlang's one-sender shape).
 * <li>{@code call_p50_ms}, {@code call_p99_ms}, {@code call_p999_ms}: one thread calls B's {@code echo}
 *     process, one call after the other, each timed from the call until its reply completes the future.
 * </ul>
 * With TLS, the keys end in {@code _tls}. One warm-up round, then {@code --rounds} rounds in the same JVMs; each
 * figure is the median of the rounds, and each round's figure is kept under {@code rounds}.
 *
 * <p>Options: {@code --rounds 3 --messages 1000000 --senders 64 --sinks 1000 --calls 50000 --warmup-calls 20000
 * --tls both|off|on --peer-heap 1g --out target/link-results.json}. Run with {@code benchmarks/run.sh links}.
 */
public final class LinkBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LinkBenchmark.class);

    record Options(int rounds, int messages, int senders, int sinks, int calls, int warmupCalls, List<Boolean> tls,
            String peerHeap, Path out, File logs) {

        static Options parse(String... args) {
            int rounds = 3;
            int messages = 1_000_000;
            int senders = 64;
            int sinks = 1_000;
            int calls = 50_000;
            int warmupCalls = 20_000;
            String tls = "both";
            String peerHeap = "1g";
            Path out = Path.of("target", "link-results.json");
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--senders" -> senders = Integer.parseInt(args[++i]);
                    case "--sinks" -> sinks = Integer.parseInt(args[++i]);
                    case "--calls" -> calls = Integer.parseInt(args[++i]);
                    case "--warmup-calls" -> warmupCalls = Integer.parseInt(args[++i]);
                    case "--tls" -> tls = args[++i];
                    case "--peer-heap" -> peerHeap = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " " + value);
                }
            }
            List<Boolean> modes = switch (tls) {
                case "both" -> List.of(false, true);
                case "off" -> List.of(false);
                case "on" -> List.of(true);
                default -> throw new IllegalArgumentException("--tls takes both, off or on, not " + tls);
            };
            File logs = out.toAbsolutePath().getParent().resolve("link-bench-logs").toFile();
            return new Options(rounds, messages, senders, sinks, calls, warmupCalls, modes, peerHeap, out, logs);
        }
    }

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final Options options;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Map<String, Object> rounds = new LinkedHashMap<>();
    private NodeRegistry master;
    private Registry registry;
    private PeerHandle peer;
    private String[] names;
    /** The first sink alone: one sender to one process, the shape of Erlang's one-sender figure. */
    private String[] toOne;

    private LinkBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Map<String, Object> results = run(options);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), Json.write(results));
        log("results in %s", options.out().toAbsolutePath());
        System.exit(0);
    }

    static Map<String, Object> run(Options options) throws Exception {
        return new LinkBenchmark(options).runAll();
    }

    private Map<String, Object> runAll() throws Exception {
        results.put("machine", Machine.describe());
        results.put("options", Map.of("rounds", options.rounds(), "messages", options.messages(), "senders",
                options.senders(), "sinks", options.sinks(), "calls", options.calls(), "warmupCalls",
                options.warmupCalls()));
        names = new String[options.sinks()];
        for (int i = 0; i < names.length; i++) {
            names[i] = "sink-" + i;
        }
        toOne = new String[] {names[0]};
        BenchTls.KeyStoreFile keyStore = options.tls().contains(true) ? BenchTls.generate() : null;
        for (boolean tls : options.tls()) {
            try {
                start(tls ? keyStore : null);
                measure(tls ? "_tls" : "");
            } finally {
                stop();
            }
        }
        results.put("rounds", rounds);
        ((Map<String, Object>) results.get("machine")).put("loadAverage1mAtEnd",
                Machine.loadAverage());
        if (keyStore != null) {
            Files.deleteIfExists(keyStore.path());
            Files.deleteIfExists(keyStore.path().getParent());
        }
        return results;
    }

    private void start(BenchTls.KeyStoreFile keyStore) {
        String cluster = "syn-links-" + UUID.randomUUID();
        int masterPort = LoopbackPorts.free();
        int peerPort = LoopbackPorts.free();
        String members = "127.0.0.1:" + masterPort + ",127.0.0.1:" + peerPort;
        log("%s: node A here, node B in a JVM of its own (%,d sinks and an echo process), cluster %s",
                keyStore == null ? "plain TCP" : "mutual TLS", options.sinks(), cluster);
        List<String> args = new ArrayList<>(List.of(cluster, Integer.toString(peerPort), members,
                Integer.toString(options.sinks())));
        SSLContext ssl = null;
        if (keyStore != null) {
            args.addAll(List.of(keyStore.path().toString(), keyStore.password()));
            ssl = BenchTls.context(keyStore.path(), keyStore.password());
        }
        peer = PeerHandle.launch("link-peer", LinkPeer.class, jvmOptions(), args, options.logs());
        Config config = BenchNodes.config(cluster, masterPort, List.of(members.split(",")));
        master = BenchNodes.start(config, "link-master", null, ssl);
        registry = master.registry();
        peer.awaitReady(120);
        Poll.until(() -> master.nodes().size() == 2, Duration.ofMinutes(2), "node A to see node B");
        Poll.until(() -> registry.lookup("echo").isPresent() && registry.lookup(names[names.length - 1]).isPresent(),
                Duration.ofMinutes(1), "node B's names on node A");
    }

    private List<String> jvmOptions() {
        String heap = options.peerHeap();
        List<String> jvm = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
                "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.logging.type=slf4j", "--add-modules", "java.se",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        String extra = System.getenv("BENCH_PEER_JVM_OPTS"); // e.g. a profiler: -XX:StartFlightRecording=...
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        return jvm;
    }

    private void stop() {
        if (peer != null) {
            peer.close();
            peer = null;
        }
        if (master != null) {
            master.close();
            master = null;
        }
    }

    private void measure(String suffix) throws Exception {
        // a round's worth of each shape: with a quarter of it, the first measured round still ran half as fast
        log("warm-up: %,d messages from 1 and from %d threads, %,d calls", options.messages(), options.senders(),
                options.warmupCalls());
        send(1, options.messages(), names);
        send(options.senders(), options.messages(), names);
        send(1, options.messages(), toOne);
        calls(options.warmupCalls());
        List<Object> one = new ArrayList<>();
        List<Object> single = new ArrayList<>();
        List<Object> many = new ArrayList<>();
        List<Object> p50 = new ArrayList<>();
        List<Object> p99 = new ArrayList<>();
        List<Object> p999 = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            log("round %d of %d", round, options.rounds());
            one.add(send(1, options.messages(), names));
            many.add(send(options.senders(), options.messages(), names));
            single.add(send(1, options.messages(), toOne));
            Histogram histogram = calls(options.calls());
            p50.add(histogram.getValueAtPercentile(50) / 1e6);
            p99.add(histogram.getValueAtPercentile(99) / 1e6);
            p999.add(histogram.getValueAtPercentile(99.9) / 1e6);
        }
        put("remoteSend_perSecond" + suffix, one);
        put("remoteSend" + options.senders() + "_perSecond" + suffix, many);
        put("remoteSendOneProcess_perSecond" + suffix, single);
        put("call_p50_ms" + suffix, p50);
        put("call_p99_ms" + suffix, p99);
        put("call_p999_ms" + suffix, p999);
    }

    /** The median of the rounds as the figure; every round under {@code rounds}. */
    private void put(String key, List<Object> values) {
        List<Double> sorted = values.stream().map(v -> ((Number) v).doubleValue()).sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        results.put(key, key.contains("_perSecond") ? (Object) Math.round(median) : median);
        rounds.put(key, values);
        log("  %s: %s (rounds %s)", key, results.get(key), values);
    }

    /**
     * {@code total} messages from {@code threads} threads to B's sinks by name; the rate from the first send
     * until B's processes have handled every one that was sent.
     */
    private long send(int threads, int total, String[] targets) throws InterruptedException {
        peer.call("reset", "ok", 30);
        long droppedBefore = Long.parseLong(peer.call("received", "received", 30).split(" ")[2]);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        List<EnumMap<SendResult, Long>> outcomes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) total * t / threads);
            int to = (int) ((long) total * (t + 1) / threads);
            EnumMap<SendResult, Long> counted = new EnumMap<>(SendResult.class);
            outcomes.add(counted);
            Thread sender = new Thread(() -> {
                long[] byResult = new long[SendResult.values().length];
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = from; i < to; i++) {
                    byResult[registry.send(targets[i % targets.length], (long) i).ordinal()]++;
                }
                for (SendResult result : SendResult.values()) {
                    if (byResult[result.ordinal()] > 0) {
                        counted.put(result, byResult[result.ordinal()]);
                    }
                }
            }, "link-sender-" + t);
            senders.add(sender);
            sender.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread sender : senders) {
            sender.join();
        }
        long sendersDone = System.nanoTime();
        EnumMap<SendResult, Long> all = new EnumMap<>(SendResult.class);
        outcomes.forEach(counted -> counted.forEach((result, count) -> all.merge(result, count, Long::sum)));
        long sent = all.getOrDefault(SendResult.SENT, 0L);
        String[] reached = peer.call("await-received " + sent + " " + droppedBefore + " 300", "reached", 320)
                .split(" ");
        long doneAt = Long.parseLong(reached[1]);
        if (doneAt < 0) {
            throw new IllegalStateException("node B received " + reached[2] + " of " + sent + " messages sent");
        }
        Poll.sleepMillis(200); // anything more (a duplicate) would show now
        String[] after = peer.call("received", "received", 30).split(" ");
        long received = Long.parseLong(after[1]);
        long dropped = Long.parseLong(after[2]) - droppedBefore;
        long rate = Math.round(sent / ((doneAt - start) / 1e9));
        String key = "remoteSend" + (threads == 1 ? "" : Integer.toString(threads)) + (targets.length == 1 ? "OneProcess"
                : "");
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("sent", sent);
        check.put("received", received);
        check.put("droppedAtB", dropped);
        all.forEach((result, count) -> {
            if (result != SendResult.SENT) {
                check.put(result.name(), count);
            }
        });
        check.put("sendersDone_perSecond", Math.round(sent / ((sendersDone - start) / 1e9)));
        ((List<Object>) rounds.computeIfAbsent(key + "_checks", k -> new ArrayList<>())).add(check);
        log("  %d thread(s) to %,d process(es): %,d sent, %,d received at B (received/sent %s), dropped at B %,d, "
                + "other results %s; %,d/s end to end, senders done at %,d/s", threads, targets.length, sent, received,
                sent == 0 ? "-" : String.format(Locale.ROOT, "%.6f", received / (double) sent), dropped,
                nonSent(all), rate, check.get("sendersDone_perSecond"));
        if (received + dropped != sent) {
            throw new IllegalStateException("node B received " + received + " messages and dropped " + dropped + ", "
                    + sent + " were sent");
        }
        return rate;
    }

    private static Map<SendResult, Long> nonSent(EnumMap<SendResult, Long> all) {
        EnumMap<SendResult, Long> other = new EnumMap<>(all);
        other.remove(SendResult.SENT);
        return other;
    }

    /** {@code count} sequential calls to B's echo process; each round trip in nanoseconds. */
    private Histogram calls(int count) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < count; i++) {
            Long request = (long) i;
            long start = System.nanoTime();
            Object reply = registry.call("echo", request, CALL_TIMEOUT).get();
            histogram.recordValue(System.nanoTime() - start);
            if (!request.equals(reply)) {
                throw new IllegalStateException("echo answered " + reply + " to " + request);
            }
        }
        log("  %,d calls: p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms", count,
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getValueAtPercentile(99.9) / 1e6, histogram.getMaxValue() / 1e6);
        return histogram;
    }

    private static void log(String format, Object... args) {
        if (log.isInfoEnabled()) {
            log.info(String.format(Locale.ROOT, "[link-bench] " + format, args));
        }
    }
}
