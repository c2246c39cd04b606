package io.synspring.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters under {@code syn.*} (see {@link SynMetrics}), bound to the application's meter registries;
 * off with {@code syn.metrics.enabled=false}.
 */
@AutoConfiguration(after = SynAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({NodeRegistry.class, MeterRegistry.class})
@ConditionalOnBooleanProperty(name = "syn.metrics.enabled", matchIfMissing = true)
public final class SynMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SynMetrics synMetrics(NodeRegistry syn) {
        return new SynMetrics(syn);
    }
}
