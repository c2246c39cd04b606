package io.synspring.autoconfigure.discovery;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.synspring.NodeRegistry;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
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
    private volatile @Nullable UUID registration;

    public SynHeartbeatPublisher(NodeRegistry syn, SynDiscoveryClient client, ApplicationEventPublisher publisher) {
        this.syn = syn;
        this.client = client;
        this.publisher = publisher;
    }

    @Override
    public void start() {
        registration = syn.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                changed();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                changed();
            }
        });
    }

    private void changed() {
        publisher.publishEvent(new HeartbeatEvent(client, changes.incrementAndGet()));
    }

    @Override
    public void stop() {
        UUID current = registration;
        registration = null;
        if (current != null) {
            try {
                syn.hazelcast().getCluster().removeMembershipListener(current);
            } catch (RuntimeException shuttingDown) {
                // the member is already gone
            }
        }
    }

    @Override
    public boolean isRunning() {
        return registration != null;
    }
}
