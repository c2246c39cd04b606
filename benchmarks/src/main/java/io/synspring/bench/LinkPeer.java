package io.synspring.bench;

import io.synspring.NodeRegistry;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registry;
import io.synspring.transport.DropReason;
import io.synspring.transport.TransportCounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Node B of {@link LinkBenchmark}, in a JVM of its own: {@code sinks} processes registered as
 * {@code sink-0..}, which count the messages they receive, and one registered as {@code echo}, which answers
 * each call with its request. Commands on standard input, answers on standard output, as {@link PeerMain}.
 *
 * <p>Arguments: {@code clusterName port members sinks [keyStore password]} (with a key store: mutual TLS on
 * the links).
 */
public final class LinkPeer {

    private LinkPeer() {}

    public static void main(String[] args) throws IOException {
        String cluster = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> members = Arrays.asList(args[2].split(","));
        int sinks = Integer.parseInt(args[3]);
        SSLContext ssl = args.length > 5 ? BenchTls.context(Path.of(args[4]), args[5]) : null;
        NodeRegistry node = BenchNodes.start(BenchNodes.config(cluster, port, members), "link-peer", null, ssl);
        Registry registry = node.registry();
        CountingHandler counting = new CountingHandler();
        Recorder recorder = new Recorder(3);
        for (int i = 0; i < sinks; i++) {
            SynProcess sink = node.spawn(counting);
            check(registry.register("sink-" + i, sink.ref(), null));
        }
        SynProcess echo = node.spawn((message, context) -> context.reply(message));
        check(registry.register("echo", echo.ref(), null));
        PeerMain.reply("ready " + node.node());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] command = line.trim().split(" ");
            switch (command[0]) {
                case "nodes" -> PeerMain.reply("nodes " + node.nodes().size());
                case "reset" -> {
                    counting.reset();
                    PeerMain.reply("ok");
                }
                case "received" -> PeerMain.reply("received " + counting.received() + " " + dropped(node));
                case "time-start" -> {
                    recorder = new Recorder(3);
                    counting.timeFromSendTime(recorder);
                    PeerMain.reply("ok");
                }
                case "time-stop" -> {
                    // p50 p99 p999 max (ns) and the count of the messages timed since time-start
                    counting.timeFromSendTime(null);
                    Histogram timed = recorder.getIntervalHistogram();
                    PeerMain.reply("timed " + timed.getValueAtPercentile(50) + " " + timed.getValueAtPercentile(99)
                            + " " + timed.getValueAtPercentile(99.9) + " " + timed.getMaxValue() + " "
                            + timed.getTotalCount());
                }
                case "await-received" -> {
                    // polls until the processes handled `count` messages (or a message was dropped here, beyond
                    // the `droppedBefore` already counted: a full mailbox): answers with the clock reading when they
                    // did (one monotonic clock for every JVM of the machine), or -1
                    long count = Long.parseLong(command[1]);
                    long droppedBefore = Long.parseLong(command[2]);
                    long deadline = System.nanoTime() + Long.parseLong(command[3]) * 1_000_000_000L;
                    long reached = -1;
                    while (System.nanoTime() < deadline) {
                        if (counting.received() + dropped(node) - droppedBefore >= count) {
                            reached = System.nanoTime();
                            break;
                        }
                        LockSupport.parkNanos(20_000);
                    }
                    PeerMain.reply("reached " + reached + " " + counting.received());
                }
                case "exit" -> {
                    PeerMain.reply("bye");
                    node.close();
                    System.exit(0);
                }
                default -> PeerMain.reply("error unknown command " + line);
            }
        }
        node.close();
        System.exit(0);
    }

    /** Messages that arrived here but were not handed to a process (full mailbox, exited process). */
    private static long dropped(NodeRegistry node) {
        TransportCounts counts = node.transportCounts();
        return counts.dropped().getOrDefault(DropReason.MAILBOX_FULL, 0L)
                + counts.dropped().getOrDefault(DropReason.NOT_ALIVE, 0L);
    }

    private static void check(RegisterResult result) {
        if (result != RegisterResult.OK) {
            throw new IllegalStateException("register: " + result);
        }
    }
}
