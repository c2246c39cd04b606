package io.synspring.testing;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Syn node in a JVM of its own, for tests that freeze or kill a whole process: it joins the cluster named by
 * its arguments, registers a sink under {@code "sink"} that counts the messages it gets and answers a call
 * {@code "count"} with that count, logs {@value #READY}{@code <node id>} (on standard output, as the test logging
 * is configured), and runs until its standard input closes.
 *
 * <p>Arguments: cluster name, node name, own port, the port of a member to join.
 */
public final class PeerNodeMain {

    /** What the line that says the node is ready holds, before its node id. */
    public static final String READY = "READY ";
    private static final Logger log = LoggerFactory.getLogger(PeerNodeMain.class);

    private PeerNodeMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedMember member = new EmbeddedMember(args[0], "127.0.0.1", Integer.parseInt(args[2]),
                List.of("127.0.0.1:" + args[3]), Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(5));
        try (NodeRegistry node = NodeRegistry.create(member.toConfig(), SynSettings.builder().nodeName(args[1])
                .maxMailboxSize(10_000_000).build())) {
            AtomicLong received = new AtomicLong();
            node.registry().register("sink", node.spawn((message, ctx) -> {
                if ("count".equals(message) && ctx.isCall()) {
                    ctx.reply(received.get());
                } else {
                    received.incrementAndGet();
                }
            }).ref());
            log.info("{}{}", READY, node.node());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // runs until the test closes its input
            }
        }
    }
}
