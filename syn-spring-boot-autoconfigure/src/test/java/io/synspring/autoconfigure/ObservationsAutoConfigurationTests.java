package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.observation.DefaultSynReceiverObservationConvention;
import io.synspring.observation.DefaultSynSenderObservationConvention;
import io.synspring.observation.SynReceiverObservationConvention;
import io.synspring.observation.SynSenderObservationConvention;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.testing.LoopbackPorts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node reports its observations to the application's ObservationRegistry when asked to. */
class ObservationsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class));

    @Test
    void withBootsObservationRegistryAndSwitchedOnTheNodeReportsToIt() {
        runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
                .withPropertyValues("syn.observations.enabled=true").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ObservationRegistry.class);
                    assertThat(context.getBean(NodeRegistry.class).settings().observationRegistry())
                            .isSameAs(context.getBean(ObservationRegistry.class));
                });
    }

    @Test
    void withBootsMetricsASendToAnotherNodeIsTimedOnBothNodes() {
        ApplicationContextRunner withMetrics = runner.withConfiguration(AutoConfigurations.of(
                ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues("syn.observations.enabled=true");
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        withMetrics.withPropertyValues(TestClusters.node("a", cluster, portA, portB)).run(contextA -> {
            withMetrics.withPropertyValues(TestClusters.node("b", cluster, portB, portA)).run(contextB -> {
                NodeRegistry a = contextA.getBean(NodeRegistry.class);
                NodeRegistry b = contextB.getBean(NodeRegistry.class);
                SynProcess device = b.spawn((message, ctx) -> {});
                b.registry().register("device-1", device.ref());
                await().until(() -> a.registry().lookup("device-1").isPresent());

                assertThat(a.registry().send("device-1", "hello")).isEqualTo(SendResult.SENT);

                MeterRegistry metersA = contextA.getBean(MeterRegistry.class);
                MeterRegistry metersB = contextB.getBean(MeterRegistry.class);
                await().untilAsserted(() -> assertThat(metersA.find("syn.send").tags("syn.scope", "default",
                        "syn.operation", "send", "syn.outcome", "SENT").timer()).isNotNull());
                await().untilAsserted(() -> assertThat(metersB.find("syn.receive").tags("syn.scope", "none",
                        "syn.operation", "send", "syn.outcome", "OK").timer()).isNotNull());
                assertThat(metersA.find("syn.send").timers()).allSatisfy(timer -> assertThat(timer.getId().getTags())
                        .noneMatch(tag -> tag.getValue().contains("device-1")));
            });
        });
    }

    @Test
    void withoutAnObservationRegistryTheNodeObservesNothing() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ObservationRegistry.class);
            assertThat(context.getBean(SynSettings.class).observationRegistry()).isSameAs(ObservationRegistry.NOOP);
        });
    }

    @Test
    void observationsAreOffByDefaultEvenWithARegistry() {
        runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ObservationRegistry.class);
            assertThat(context.getBean(SynSettings.class).observationRegistry())
                    .isSameAs(ObservationRegistry.NOOP);
        });
    }

    @Test
    void conventionBeansReplaceTheDefaults() {
        runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
                .withPropertyValues("syn.observations.enabled=true").withUserConfiguration(Conventions.class)
                .run(context -> {
                    SynSettings settings = context.getBean(SynSettings.class);
                    assertThat(settings.senderObservationConvention())
                            .isSameAs(context.getBean(SynSenderObservationConvention.class));
                    assertThat(settings.receiverObservationConvention())
                            .isSameAs(context.getBean(SynReceiverObservationConvention.class));
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Conventions {

        @Bean
        SynSenderObservationConvention sendTimer() {
            return new DefaultSynSenderObservationConvention() {
                @Override
                public String getName() {
                    return "gateway.syn.send";
                }
            };
        }

        @Bean
        SynReceiverObservationConvention receiveTimer() {
            return new DefaultSynReceiverObservationConvention() {
                @Override
                public String getName() {
                    return "gateway.syn.receive";
                }
            };
        }
    }
}
