package io.synspring.autoconfigure.health;

import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code syn} health contributor; off with {@code management.health.syn.enabled=false}. */
@AutoConfiguration(after = SynAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
        "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnBean(NodeRegistry.class)
public final class SynHealthContributorAutoConfiguration {

    /** Nested so that its condition is only read once the health module is known to be present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("syn")
    static class EnabledHealthIndicatorConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "synHealthIndicator")
        SynHealthIndicator synHealthIndicator(NodeRegistry syn) {
            return new SynHealthIndicator(syn);
        }
    }
}
