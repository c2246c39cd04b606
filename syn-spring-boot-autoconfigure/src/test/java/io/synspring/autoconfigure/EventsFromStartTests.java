package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.autoconfigure.events.SynApplicationEvent;
import io.synspring.autoconfigure.events.SynEventsAutoConfiguration;
import io.synspring.autoconfigure.events.SynRegisteredEvent;
import io.synspring.events.Reason;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.process.SynProcess;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

/**
 * An application started next to a running node receives, as Spring events, every event its node fires from
 * its start on: the other node's names arrive while the context is still starting, and are delivered once,
 * in order, before the changes that follow.
 */
class EventsFromStartTests {

    private static final int NAMES = 10_000;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynEventsAutoConfiguration.class));

    @Test
    void theNamesOfANodeAlreadyRunningReachTheListenersOnceAndBeforeLaterChanges() {
        String cluster = TestClusters.uniqueName();
        int peerPort = LoopbackPorts.free();
        int appPort = LoopbackPorts.free();
        EmbeddedMember peerMember = new EmbeddedMember(cluster, "127.0.0.1", peerPort,
                List.of("127.0.0.1:" + appPort), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (NodeRegistry peer = NodeRegistry.create(peerMember.toConfig(),
                SynSettings.builder().nodeName("peer").build())) {
            SynProcess device = peer.spawn((message, ctx) -> {});
            for (int i = 0; i < NAMES; i++) {
                peer.registry().register("device-" + i, device.ref());
            }
            // StartupLookup, created before the event beans, holds the context's start until the node has
            // received all of the peer's names: their events happen while the context is starting
            runner.withBean(StartupLookup.class).withBean(Recorder.class)
                    .withPropertyValues(TestClusters.node("app", cluster, appPort, peerPort)).run(context -> {
                        assertThat(context).hasNotFailed();
                        NodeRegistry app = context.getBean(NodeRegistry.class);
                        Recorder recorder = context.getBean(Recorder.class);
                        peer.registry().register("device-late", device.ref());
                        await().atMost(Duration.ofSeconds(30))
                                .until(() -> recorder.names().contains("device-late"));

                        List<SynApplicationEvent> events = recorder.events();
                        assertThat(events).allMatch(SynRegisteredEvent.class::isInstance)
                                .allMatch(event -> event.getSource() == app);
                        // the peer's names as the node received them, each once, then the later registration
                        assertThat(recorder.names()).hasSize(NAMES + 1).doesNotHaveDuplicates()
                                .containsAll(IntStream.range(0, NAMES).mapToObj(i -> "device-" + i).toList())
                                .endsWith("device-late");
                        assertThat(events.subList(0, NAMES)).extracting(SynApplicationEvent::getReason)
                                .containsOnly(new Reason.NodeUp(peer.node()));
                        assertThat(events.get(NAMES).getReason()).isEqualTo(Reason.NORMAL);
                    });
        }
    }

    /** An application bean that reads the registry while the context starts, once the peer's names are in. */
    static class StartupLookup {
        StartupLookup(NodeRegistry syn) {
            await().atMost(Duration.ofSeconds(60)).until(() -> syn.registry().count() == NAMES);
        }
    }

    /** A user bean with an {@code @EventListener} method. */
    static class Recorder {
        private final List<SynApplicationEvent> events = new ArrayList<>();

        @EventListener
        synchronized void on(SynApplicationEvent event) {
            events.add(event);
        }

        synchronized List<SynApplicationEvent> events() {
            return List.copyOf(events);
        }

        synchronized List<String> names() {
            return events.stream().filter(SynRegisteredEvent.class::isInstance)
                    .map(event -> ((SynRegisteredEvent) event).getName()).toList();
        }
    }
}
