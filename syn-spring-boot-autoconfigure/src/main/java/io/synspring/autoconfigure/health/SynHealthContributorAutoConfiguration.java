package io.synspring.autoconfigure.health;

import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code syn} health contributor; off with {@code management.health.syn.enabled=false}. */
@AutoConfiguration(after = SynAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.health.contributor.HealthIndicator",
        "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator" })
@ConditionalOnBean(NodeRegistry.class)
@ConditionalOnEnabledHealthIndicator("syn")
public final class SynHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "synHealthIndicator")
    SynHealthIndicator synHealthIndicator(NodeRegistry syn) {
        return new SynHealthIndicator(syn);
    }
}
