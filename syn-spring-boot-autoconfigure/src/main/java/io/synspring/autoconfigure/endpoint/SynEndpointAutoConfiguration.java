package io.synspring.autoconfigure.endpoint;

import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code syn} actuator endpoint, when the actuator is present and the endpoint is available (exposed, e.g.
 * {@code management.endpoints.web.exposure.include=syn}, and not switched off with
 * {@code management.endpoint.syn.access=none}).
 */
@AutoConfiguration(after = SynAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean(NodeRegistry.class)
public final class SynEndpointAutoConfiguration {

    /** Nested so that its condition is only read once the actuator is known to be present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(SynEndpoint.class)
    static class AvailableEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SynEndpoint synEndpoint(NodeRegistry syn) {
            return new SynEndpoint(syn);
        }
    }
}
