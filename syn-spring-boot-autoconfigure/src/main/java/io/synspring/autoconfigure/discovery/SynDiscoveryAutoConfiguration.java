package io.synspring.autoconfigure.discovery;

import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import io.synspring.autoconfigure.SynProperties;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Spring Cloud Commons integration, both ways: with {@code syn.cluster.discovery=spring-cloud} the embedded
 * member finds its peers through the application's {@link DiscoveryClient} ({@link DiscoveryClientJoin}); and
 * with {@code syn.discovery-client.enabled=true} the Syn nodes are offered as a {@link DiscoveryClient}
 * ({@link SynDiscoveryClient}), each as the application it is, with a {@code HeartbeatEvent} when nodes come or
 * go.
 */
@AutoConfiguration(after = SynAutoConfiguration.class)
@ConditionalOnClass({DiscoveryClient.class, NodeRegistry.class})
@ConditionalOnDiscoveryEnabled
@EnableConfigurationProperties(SynProperties.class)
public final class SynDiscoveryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DiscoveryClientJoin synDiscoveryClientJoin(SynProperties properties, ListableBeanFactory beans,
            Environment environment) {
        return new DiscoveryClientJoin(properties, beans, environment);
    }

    /** The Syn nodes as a DiscoveryClient. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBlockingDiscoveryEnabled
    @ConditionalOnBooleanProperty("syn.discovery-client.enabled")
    static class NodesDiscoveryClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SynDiscoveryClient synDiscoveryClient(ObjectProvider<NodeRegistry> syn) {
            return new SynDiscoveryClient(syn);
        }

        @Bean
        @ConditionalOnBean(NodeRegistry.class)
        SynHeartbeatPublisher synHeartbeatPublisher(NodeRegistry syn, SynDiscoveryClient client,
                ApplicationEventPublisher publisher) {
            return new SynHeartbeatPublisher(syn, client, publisher);
        }
    }
}
