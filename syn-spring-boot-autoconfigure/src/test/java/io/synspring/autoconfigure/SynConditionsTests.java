package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.discovery.DiscoveryClientJoin;
import io.synspring.autoconfigure.discovery.SynDiscoveryAutoConfiguration;
import io.synspring.autoconfigure.discovery.SynDiscoveryClient;
import io.synspring.autoconfigure.discovery.SynHeartbeatPublisher;
import io.synspring.autoconfigure.endpoint.SynEndpoint;
import io.synspring.autoconfigure.endpoint.SynEndpointAutoConfiguration;
import io.synspring.autoconfigure.events.SynApplicationEventPublisher;
import io.synspring.autoconfigure.events.SynEventsAutoConfiguration;
import io.synspring.autoconfigure.health.SynHealthContributorAutoConfiguration;
import io.synspring.autoconfigure.health.SynHealthIndicator;
import io.synspring.autoconfigure.metrics.SynMetrics;
import io.synspring.autoconfigure.metrics.SynMetricsAutoConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Every condition of the per-concern auto-configurations: on by default where their classes are present,
 * off by property, off without their classes, and a user bean wins. One standalone member per context.
 */
class SynConditionsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynEventsAutoConfiguration.class,
                    SynEndpointAutoConfiguration.class, SynHealthContributorAutoConfiguration.class,
                    SynMetricsAutoConfiguration.class, SynDiscoveryAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void defaults() {
        runner.withPropertyValues(TestClusters.standalone()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(NodeRegistry.class)
                    .hasSingleBean(SynApplicationEventPublisher.class).hasSingleBean(SynHealthIndicator.class)
                    .hasSingleBean(SynMetrics.class).hasSingleBean(DiscoveryClientJoin.class)
                    // the nodes as a DiscoveryClient only on demand
                    .doesNotHaveBean(SynDiscoveryClient.class).doesNotHaveBean(SynHeartbeatPublisher.class)
                    // an endpoint is available only once exposed
                    .doesNotHaveBean(SynEndpoint.class);
            assertThat(context.getBean(SynHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void endpointExposedOrNot() {
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("management.endpoints.web.exposure.include=syn")
                .run(context -> assertThat(context).hasSingleBean(SynEndpoint.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("management.endpoints.jmx.exposure.include=syn", "spring.jmx.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(SynEndpoint.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("management.endpoints.web.exposure.include=*",
                        "management.endpoints.web.exposure.exclude=syn")
                .run(context -> assertThat(context).doesNotHaveBean(SynEndpoint.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("management.endpoints.web.exposure.include=syn",
                        "management.endpoint.syn.access=NONE") // a bare runner has no lenient enum conversion
                .run(context -> assertThat(context).doesNotHaveBean(SynEndpoint.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("management.endpoints.web.exposure.include=syn")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SynEndpoint.class));
    }

    @Test
    void healthOnOff() {
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues("management.health.syn.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SynHealthIndicator.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SynHealthIndicator.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("synHealthIndicator"));
        runner.withPropertyValues(TestClusters.standalone())
                .withBean("synHealthIndicator", SynHealthIndicator.class,
                        () -> new SynHealthIndicator(org.mockito.Mockito.mock(NodeRegistry.class)))
                .run(context -> assertThat(context).hasSingleBean(SynHealthIndicator.class));
    }

    @Test
    void metricsOnOff() {
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues("syn.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SynMetrics.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).doesNotHaveBean("synMetrics"));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynMetricsAutoConfiguration.class))
                .withPropertyValues(TestClusters.standalone())
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SynMetrics.class));
    }

    @Test
    void eventsOnOff() {
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues("syn.events.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SynApplicationEventPublisher.class));
    }

    @Test
    void discoveryOnOff() {
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues("syn.discovery-client.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SynDiscoveryClient.class)
                        .hasSingleBean(SynHeartbeatPublisher.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("spring.cloud.discovery.enabled=false", "syn.discovery-client.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SynDiscoveryClient.class)
                        .doesNotHaveBean(DiscoveryClientJoin.class));
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("syn.discovery-client.enabled=true")
                .withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("synDiscoveryClient"));
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues("syn.discovery-client.service-id=nodes",
                "syn.discovery-client.enabled=true", "spring.application.name=gateway")
                .run(context -> {
                    SynDiscoveryClient client = context.getBean(SynDiscoveryClient.class);
                    assertThat(client.getServices()).containsExactly("nodes");
                    List<ServiceInstance> instances = client.getInstances("nodes");
                    assertThat(instances).singleElement().satisfies(instance -> assertThat(instance.getInstanceId())
                            .isEqualTo(context.getBean(NodeRegistry.class).node().toString()));
                    assertThat(client.getInstances("syn")).isEmpty();
                });
    }
}
