package io.synspring.autoconfigure.discovery;

import io.synspring.NodeRegistry;
import io.synspring.events.NodeEvent;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes a Spring Cloud {@link HeartbeatEvent} (source: the {@link SynDiscoveryClient}, value: a counter
 * that grows with every change) whenever a node joins or leaves the cluster, so that discovery consumers
 * (gateways, load balancer caches) refresh the {@code syn} instances.
 */
public class SynHeartbeatPublisher implements SmartLifecycle {

    private final NodeRegistry syn;
    private final SynDiscoveryClient client;
    private final ApplicationEventPublisher publisher;
    private final AtomicLong changes = new AtomicLong();
    private final SynEventListener listener = new SynEventListener() {
        @Override
        public void onEvent(SynEvent event) {}

        @Override
        public void onNodeEvent(NodeEvent event) {
            if (event instanceof NodeEvent.Up || event instanceof NodeEvent.Down) {
                changed();
            }
        }
    };
    private volatile boolean running;

    public SynHeartbeatPublisher(NodeRegistry syn, SynDiscoveryClient client, ApplicationEventPublisher publisher) {
        this.syn = syn;
        this.client = client;
        this.publisher = publisher;
    }

    @Override
    public void start() {
        syn.addListener(listener);
        running = true;
    }

    private void changed() {
        publisher.publishEvent(new HeartbeatEvent(client, changes.incrementAndGet()));
    }

    @Override
    public void stop() {
        running = false;
        syn.removeListener(listener);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
