package io.synspring.bench;

import com.hazelcast.config.Config;
import io.synspring.NodeRegistry;
import io.synspring.process.SendResult;
import io.synspring.registry.Registry;
import io.synspring.testing.LoopbackPorts;
import java.io.File;
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
 * <li>{@code remoteSend_p50_ms}, {@code remoteSend_p99_ms}, {@code remoteSend_p999_ms}: 1 thread sends at half
 *     the measured {@code remoteSend_perSecond}, paced, each message timed from when it was due until its
 *     process handles it.
 * <li>{@code remoteCall_p50_ms}, {@code remoteCall_p99_ms}, {@code remoteCall_p999_ms}: one thread calls B's
 *     {@code echo} process, one call after the other, each timed from the call until its reply completes the
 *     future.
 * <li>{@code <key>_counts} beside each send figure: the messages sent, delivered, refused (any result but
 *     {@code SENT}) and dropped at B, over the measured rounds.
 * </ul>
 * With TLS, the keys end in {@code _tls}. One warm-up round, then {@code --rounds} rounds in the same JVMs; each
 * figure is the median of the rounds, and each round's figure is kept under {@code rounds}.
 *
 * <p>Options: {@code --rounds 3 --messages 1000000 --senders 64 --sinks 1000 --calls 50000 --warmup-calls 20000
 * --latency-seconds 2 --tls both|off|on --observations off|on --peer-heap 1g --out target/link-results.json}
 * ({@code --observations on}: both nodes time their observations, see {@link BenchNodes#observations}). Run with
 * {@code benchmarks/run.sh links}.
 */
public final class LinkBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LinkBenchmark.class);

    record Options(int rounds, int messages, int senders, int sinks, int calls, int warmupCalls, int latencySeconds,
            List<Boolean> tls, boolean observations, String peerHeap, Path out, File logs) {

        static Options parse(String... args) {
            int rounds = 3;
            int messages = 1_000_000;
            int senders = 64;
            int sinks = 1_000;
            int calls = 50_000;
            int warmupCalls = 20_000;
            int latencySeconds = 2;
            String tls = "both";
            String observations = "off";
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
                    case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[++i]);
                    case "--tls" -> tls = args[++i];
                    case "--observations" -> observations = args[++i];
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
            if (!observations.equals("on") && !observations.equals("off")) {
                throw new IllegalArgumentException("--observations takes on or off, not " + observations);
            }
            File logs = out.toAbsolutePath().getParent().resolve("link-bench-logs").toFile();
            return new Options(rounds, messages, senders, sinks, calls, warmupCalls, latencySeconds, modes,
                    observations.equals("on"), peerHeap, out, logs);
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
        if (options.observations()) {
            System.setProperty(BenchNodes.OBSERVATIONS, "on");
        }
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
                options.warmupCalls(), "latencySeconds", options.latencySeconds(), "observations",
                options.observations() ? "on" : "off"));
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
        // synced: node A holds every name of node B (a snapshot can arrive in parts, in no particular order)
        Poll.until(() -> master.unsyncedNodes().isEmpty() && registry.count() == names.length + 1,
                Duration.ofMinutes(1), "node B's names on node A");
    }

    private List<String> jvmOptions() {
        String heap = options.peerHeap();
        List<String> jvm = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
                "-XX:+UseTransparentHugePages", "-XX:+UseG1GC",
                "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.logging.type=slf4j", "--add-modules", "java.se",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-D" + BenchNodes.OBSERVATIONS + "=" + (options.observations() ? "on" : "off")));
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
        log("warm-up: %,d messages from 1 and from %d threads, %,d calls (load average %.2f)", options.messages(),
                options.senders(), options.warmupCalls(), Machine.loadAverage());
        send(1, options.messages(), names, suffix, false);
        send(options.senders(), options.messages(), names, suffix, false);
        send(1, options.messages(), toOne, suffix, false);
        calls(options.warmupCalls());
        List<Object> one = new ArrayList<>();
        List<Object> single = new ArrayList<>();
        List<Object> many = new ArrayList<>();
        List<Object> p50 = new ArrayList<>();
        List<Object> p99 = new ArrayList<>();
        List<Object> p999 = new ArrayList<>();
        List<Object> load = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            log("round %d of %d (load average %.2f)", round, options.rounds(), Machine.loadAverage());
            load.add(Machine.loadAverage());
            one.add(send(1, options.messages(), names, suffix, true));
            many.add(send(options.senders(), options.messages(), names, suffix, true));
            single.add(send(1, options.messages(), toOne, suffix, true));
            Histogram histogram = calls(options.calls());
            p50.add(histogram.getValueAtPercentile(50) / 1e6);
            p99.add(histogram.getValueAtPercentile(99) / 1e6);
            p999.add(histogram.getValueAtPercentile(99.9) / 1e6);
        }
        put("remoteSend_perSecond" + suffix, one);
        put("remoteSend" + options.senders() + "_perSecond" + suffix, many);
        put("remoteSendOneProcess_perSecond" + suffix, single);
        put("remoteCall_p50_ms" + suffix, p50);
        put("remoteCall_p99_ms" + suffix, p99);
        put("remoteCall_p999_ms" + suffix, p999);

        // latency of the sends at half the one-sender rate just measured, paced
        long rate = (Long) results.get("remoteSend_perSecond" + suffix) / 2;
        List<Object> sendP50 = new ArrayList<>();
        List<Object> sendP99 = new ArrayList<>();
        List<Object> sendP999 = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            load.add(Machine.loadAverage());
            double[] latency = pacedSends(rate, names, suffix);
            sendP50.add(latency[0]);
            sendP99.add(latency[1]);
            sendP999.add(latency[2]);
        }
        load.add(Machine.loadAverage());
        results.put("remoteSendLatencyRate_perSecond" + suffix, rate);
        put("remoteSend_p50_ms" + suffix, sendP50);
        put("remoteSend_p99_ms" + suffix, sendP99);
        put("remoteSend_p999_ms" + suffix, sendP999);
        results.put("loadAverage1m" + suffix, load);
    }

    /**
     * One thread sends {@code rate} messages per second for {@code options.latencySeconds()} to B's processes by
     * name, each message the {@link System#nanoTime()} it was due at (so a sender that falls behind shows in
     * the latency, not hidden by it); B's processes record when each arrives. Returns p50, p99, p999 in ms.
     */
    private double[] pacedSends(long rate, String[] targets, String suffix) throws InterruptedException {
        int total = (int) Math.min(Integer.MAX_VALUE, rate * options.latencySeconds());
        peer.call("reset", "ok", 30);
        long droppedBefore = Long.parseLong(peer.call("received", "received", 30).split(" ")[2]);
        peer.call("time-start", "ok", 30);
        long[] byResult = new long[SendResult.values().length];
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            byResult[registry.send(targets[i % targets.length], due).ordinal()]++;
        }
        long sent = byResult[SendResult.SENT.ordinal()];
        String[] reached = peer.call("await-received " + sent + " " + droppedBefore + " 300", "reached", 320)
                .split(" ");
        if (Long.parseLong(reached[1]) < 0) {
            throw new IllegalStateException("node B received " + reached[2] + " of " + sent + " messages sent");
        }
        String[] timed = peer.call("time-stop", "timed", 30).split(" ");
        long refused = total - sent;
        String key = "remoteSendPaced" + suffix;
        count(key, sent, Long.parseLong(timed[5]), refused,
                Long.parseLong(peer.call("received", "received", 30).split(" ")[2]) - droppedBefore);
        double[] latency = {Long.parseLong(timed[1]) / 1e6, Long.parseLong(timed[2]) / 1e6,
                Long.parseLong(timed[3]) / 1e6};
        log("  1 thread at %,d/s for %d s: p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms (%,d timed, %,d "
                + "refused)", rate, options.latencySeconds(), latency[0], latency[1], latency[2],
                Long.parseLong(timed[4]) / 1e6, Long.parseLong(timed[5]), refused);
        return latency;
    }

    /** Adds a round's outcome to the totals under {@code <key>_counts}: what was sent, delivered, refused, dropped. */
    private void count(String key, long sent, long delivered, long refused, long droppedAtB) {
        @SuppressWarnings("unchecked")
        Map<String, Long> counts = (Map<String, Long>) results.computeIfAbsent(key + "_counts",
                k -> new LinkedHashMap<String, Long>());
        counts.merge("sent", sent, Long::sum);
        counts.merge("delivered", delivered, Long::sum);
        counts.merge("refused", refused, Long::sum);
        counts.merge("droppedAtReceiver", droppedAtB, Long::sum);
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
    private long send(int threads, int total, String[] targets, String suffix, boolean measured)
            throws InterruptedException {
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
        String key =
                "remoteSend" + (threads == 1 ? "" : Integer.toString(threads)) + (targets.length == 1 ? "OneProcess"
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
        ((List<Object>) rounds.computeIfAbsent(key + suffix + "_checks", k -> new ArrayList<>())).add(check);
        if (measured) {
            count(key + "_perSecond" + suffix, sent, received, total - sent, dropped);
        }
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
