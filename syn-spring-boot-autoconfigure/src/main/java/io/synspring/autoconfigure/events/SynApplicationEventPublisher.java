package io.synspring.autoconfigure.events;

import io.synspring.NodeRegistry;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Republishes every event of the node as a typed {@link SynApplicationEvent}, in the order the node applied
 * them, on the node's event thread (a slow {@code @EventListener} delays the next events, not the registry).
 * Events that happen while the context is still starting are held and published once it has started, so
 * listener beans miss none of them; publication stops when the context stops, before the node leaves.
 */
public final class SynApplicationEventPublisher implements SynEventListener, SmartLifecycle {

    private final NodeRegistry node;
    private final ApplicationEventPublisher publisher;
    private final Object lock = new Object();
    private @Nullable List<SynEvent> held = new ArrayList<>();
    private volatile boolean running;

    public SynApplicationEventPublisher(NodeRegistry node, ApplicationEventPublisher publisher) {
        this.node = node;
        this.publisher = publisher;
        node.addListener(this);
    }

    @Override
    public void onEvent(SynEvent event) {
        synchronized (lock) {
            if (!running) {
                if (held != null) {
                    held.add(event);
                }
                return;
            }
            publisher.publishEvent(SynApplicationEvent.of(node, event));
        }
    }

    @Override
    public void start() {
        synchronized (lock) {
            running = true;
            List<SynEvent> pending = held;
            held = null;
            if (pending != null) {
                pending.forEach(event -> publisher.publishEvent(SynApplicationEvent.of(node, event)));
            }
        }
    }

    @Override
    public void stop() {
        node.removeListener(this);
        synchronized (lock) {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
