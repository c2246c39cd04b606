package io.synspring.autoconfigure.events;

import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Publishes every registry and group event as a Spring application event ({@link SynApplicationEvent} and its
 * typed subclasses), so {@code @EventListener} methods receive them on every node. Off with
 * {@code syn.events.enabled=false}. The node is started with the publisher as a listener, so the events that
 * happen while the context starts (the other nodes' entries arriving) are held and delivered once it has started.
 */
@AutoConfiguration(after = SynAutoConfiguration.class)
@ConditionalOnBean(NodeRegistry.class)
@ConditionalOnBooleanProperty(name = "syn.events.enabled", matchIfMissing = true)
public final class SynEventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SynApplicationEventPublisher synApplicationEventPublisher(ObjectProvider<NodeRegistry> node,
            ApplicationEventPublisher publisher) {
        return new SynApplicationEventPublisher(node::getObject, publisher);
    }
}
