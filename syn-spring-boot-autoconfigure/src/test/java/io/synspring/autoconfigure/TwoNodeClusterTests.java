package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.discovery.SynDiscoveryAutoConfiguration;
import io.synspring.autoconfigure.discovery.SynDiscoveryClient;
import io.synspring.autoconfigure.events.SynApplicationEvent;
import io.synspring.autoconfigure.events.SynEventsAutoConfiguration;
import io.synspring.autoconfigure.events.SynJoinedEvent;
import io.synspring.autoconfigure.events.SynRegisteredEvent;
import io.synspring.autoconfigure.events.SynUnregisteredEvent;
import io.synspring.autoconfigure.health.SynHealthContributorAutoConfiguration;
import io.synspring.autoconfigure.health.SynHealthIndicator;
import io.synspring.autoconfigure.metrics.SynMetricsAutoConfiguration;
import io.synspring.events.Reason;
import io.synspring.process.ExitReason;
import io.synspring.process.SynProcess;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * Two Spring contexts in one JVM forming a Syn cluster on loopback: {@code @EventListener} beans on each
 * receive the events of the other's registrations, meters count them, the Syn DiscoveryClient lists both
 * nodes, and a context that closes leaves at once.
 */
class TwoNodeClusterTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynEventsAutoConfiguration.class,
                    SynMetricsAutoConfiguration.class, SynDiscoveryAutoConfiguration.class,
                    SynHealthContributorAutoConfiguration.class,
                    MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class))
            .withBean(Recorder.class);

    @Test
    void eachContextReceivesTheOthersEventsAndALeavingNodeIsDroppedAtOnce() {
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        // a failure timeout far above the wait below: only the graceful leave can explain a prompt NODE_DOWN
        runner.withPropertyValues(TestClusters.node("a", cluster, portA, portB))
                .withPropertyValues("syn.cluster.failure-timeout=60s", "syn.discovery-client.enabled=true",
                        "spring.application.name=gateway", "server.port=8081")
                .run(contextA -> {
                    NodeRegistry a = contextA.getBean(NodeRegistry.class);
                    Recorder recorderA = contextA.getBean(Recorder.class);
                    NodeId[] nodeB = new NodeId[1];
                    runner.withPropertyValues(TestClusters.node("b", cluster, portB, portA))
                            .withPropertyValues("syn.cluster.failure-timeout=60s", "syn.discovery-client.enabled=true",
                                    "spring.application.name=gateway", "server.port=8082",
                                    "management.server.port=9082")
                            .run(contextB -> {
                                NodeRegistry b = contextB.getBean(NodeRegistry.class);
                                nodeB[0] = b.node();
                                Recorder recorderB = contextB.getBean(Recorder.class);
                                await().until(() -> a.nodes().size() == 2 && b.nodes().size() == 2
                                        && a.unsyncedNodes().isEmpty() && b.unsyncedNodes().isEmpty());

                                SynProcess onA = a.spawn((message, ctx) -> {});
                                a.registry().register("device-1", onA.ref(), Map.of("fw", "1.2"));
                                a.groups().join("tenant-7", onA.ref());
                                SynProcess onB = b.spawn((message, ctx) -> {});
                                b.registry().register("device-2", onB.ref());

                                await().untilAsserted(() -> {
                                    assertThat(recorderB.registered).anySatisfy(event -> {
                                        assertThat(event.getName()).isEqualTo("device-1");
                                        assertThat(event.getScope()).isEqualTo("default");
                                        assertThat(event.getNode()).isEqualTo(a.node());
                                        assertThat(event.getProcess()).isEqualTo(onA.ref());
                                        assertThat(event.getMeta()).isEqualTo(Map.of("fw", "1.2"));
                                        assertThat(event.getReason()).isEqualTo(Reason.NORMAL);
                                    });
                                    assertThat(recorderB.all).anySatisfy(event -> {
                                        assertThat(event).isInstanceOf(SynJoinedEvent.class);
                                        assertThat(((SynJoinedEvent) event).getGroup()).isEqualTo("tenant-7");
                                    });
                                    assertThat(recorderA.registered).anySatisfy(event -> {
                                        assertThat(event.getName()).isEqualTo("device-2");
                                        assertThat(event.getNode()).isEqualTo(b.node());
                                    });
                                });

                                // meters on b count a's changes as well as its own
                                MeterRegistry metersB = contextB.getBean(MeterRegistry.class);
                                await().untilAsserted(() -> {
                                    assertThat(metersB.get("syn.names").tag("scope", "default").gauge().value())
                                            .isEqualTo(2.0);
                                    assertThat(metersB.get("syn.groups").tag("scope", "default").gauge().value())
                                            .isEqualTo(1.0);
                                    assertThat(metersB.get("syn.registrations").tag("reason", "NORMAL").counter()
                                            .count()).isEqualTo(2.0);
                                    assertThat(metersB.get("syn.joins").tag("scope", "default").counter().count())
                                            .isEqualTo(1.0);
                                    assertThat(metersB.get("syn.replication.lag").timer().count()).isGreaterThan(0);
                                    assertThat(metersB.get("syn.sync.duration").timer().count()).isGreaterThan(0);
                                    assertThat(metersB.get("syn.nodes").gauge().value()).isEqualTo(2.0);
                                    // the changes and snapshot from a crossed the link from a to b
                                    assertThat(metersB.get("syn.transport.messages").tag("direction", "received")
                                            .functionCounter().count()).isPositive();
                                    assertThat(metersB.get("syn.transport.bytes").tag("direction", "sent")
                                            .functionCounter().count()).isPositive();
                                    assertThat(metersB.get("syn.nodes.unreachable").gauge().value()).isZero();
                                    assertThat(metersB.get("syn.transport.dropped").tag("reason", "MAILBOX_FULL")
                                            .functionCounter().count()).isZero();
                                    // and per peer: b's links with a
                                    assertThat(metersB.get("syn.transport.peer.messages").tag("peer", "a")
                                            .tag("direction", "received").functionCounter().count()).isPositive();
                                    assertThat(metersB.get("syn.transport.peer.bytes").tag("peer", "a")
                                            .tag("direction", "sent").functionCounter().count()).isPositive();
                                    assertThat(metersB.get("syn.transport.peer.reconnects").tag("peer", "a")
                                            .functionCounter().count()).isZero();
                                    assertThat(metersB.get("syn.transport.peer.unreachable").tag("peer", "a")
                                            .gauge().value()).isZero();
                                });
                                assertThat(metersB.find("syn.transport.peer.messages").tag("peer", "b").meters())
                                        .isEmpty();
                                assertThat(contextA.getBean(MeterRegistry.class).get("syn.transport.peer.messages")
                                        .tag("peer", "b").tag("direction", "received").functionCounter().count())
                                        .isPositive();

                                // health: UP on both once in sync, with the cluster's size
                                for (ConfigurableApplicationContext context : List.of(contextA, contextB)) {
                                    Health health = context.getBean(SynHealthIndicator.class).health();
                                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                                    assertThat(health.getDetails()).containsEntry("clusterSize", 2);
                                }

                                // the Syn DiscoveryClient lists both nodes as the application, at its HTTP port
                                SynDiscoveryClient discovery = contextA.getBean(SynDiscoveryClient.class);
                                assertThat(discovery.getServices()).containsExactly("gateway");
                                assertThat(discovery.getInstances("syn")).isEmpty();
                                List<ServiceInstance> instances = discovery.getInstances("gateway");
                                assertThat(instances).extracting(ServiceInstance::getInstanceId)
                                        .containsExactlyInAnyOrder(a.node().toString(), b.node().toString());
                                assertThat(instances).allSatisfy(instance -> {
                                    assertThat(instance.getHost()).isEqualTo("127.0.0.1");
                                    assertThat(instance.getServiceId()).isEqualTo("gateway");
                                    assertThat(instance.getUri().getScheme()).isEqualTo("http");
                                    assertThat(instance.getMetadata()).containsEntry("syn-names.default", "1")
                                            .containsKeys("syn-node", "syn-scopes", "syn-port", "management.port");
                                });
                                assertThat(instances).anySatisfy(instance -> {
                                    assertThat(instance.getInstanceId()).isEqualTo(b.node().toString());
                                    assertThat(instance.getPort()).isEqualTo(8082);
                                    assertThat(instance.getMetadata()).containsEntry("management.port", "9082")
                                            .containsEntry("syn-hazelcast", "127.0.0.1:" + portB)
                                            .containsEntry("syn-port", Integer.toString(portB));
                                });
                                assertThat(instances).anySatisfy(instance -> {
                                    assertThat(instance.getInstanceId()).isEqualTo(a.node().toString());
                                    assertThat(instance.getPort()).isEqualTo(8081);
                                    assertThat(instance.getMetadata()).containsEntry("management.port", "8081");
                                });
                            });

                    // b's context closed: its processes exited with SHUTDOWN and it left, so a drops b's entries
                    // at once (SHUTDOWN, or NODE_DOWN if the leave arrives first) and tells discovery consumers
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(recorderA.all).anySatisfy(event -> {
                            assertThat(event).isInstanceOf(SynUnregisteredEvent.class);
                            assertThat(((SynUnregisteredEvent) event).getName()).isEqualTo("device-2");
                            assertThat(event.getReason()).isIn(new Reason.ProcessExited(ExitReason.SHUTDOWN),
                                    new Reason.NodeDown(nodeB[0]));
                        });
                        assertThat(a.registry().lookup("device-2")).isEmpty();
                        assertThat(a.nodes()).containsExactly(a.node());
                        assertThat(recorderA.heartbeats).isNotEmpty();
                    });
                    assertThat(contextA.getBean(SynDiscoveryClient.class).getInstances("gateway")).hasSize(1);
                    // the meters of the node that left are gone with it
                    await().untilAsserted(() -> assertThat(contextA.getBean(MeterRegistry.class)
                            .find("syn.transport.peer.messages").meters()).isEmpty());
                    assertThat(((ConfigurableApplicationContext) contextA.getSourceApplicationContext()).isActive())
                            .isTrue();
                });
    }

    /** A user bean with {@code @EventListener} methods. */
    static class Recorder {
        final List<SynApplicationEvent> all = new CopyOnWriteArrayList<>();
        final List<SynRegisteredEvent> registered = new CopyOnWriteArrayList<>();
        final List<HeartbeatEvent> heartbeats = new CopyOnWriteArrayList<>();

        @EventListener
        void on(SynApplicationEvent event) {
            all.add(event);
        }

        @EventListener
        void registered(SynRegisteredEvent event) {
            registered.add(event);
        }

        @EventListener
        void heartbeat(HeartbeatEvent event) {
            heartbeats.add(event);
        }
    }
}
