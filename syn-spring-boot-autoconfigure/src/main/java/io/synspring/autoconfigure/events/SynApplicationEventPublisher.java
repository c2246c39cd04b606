package io.synspring.autoconfigure.events;

import io.synspring.NodeRegistry;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Republishes every event of the node as a typed {@link SynApplicationEvent}, in the order the node applied
 * them, on the node's event thread (a slow {@code @EventListener} delays the next events, not the registry).
 *
 * <p>The node is started with this publisher among its listeners ({@link #listenFromNodeStart()}), so it sees
 * every event from the node's start. Events that happen while the context is still starting are held; when the
 * context starts (all listener beans exist) they are published in order, and later ones are published as they
 * come, with none lost or repeated at the switch. A node started without it (an application's own
 * {@code NodeRegistry} bean) is listened to from the context's start. Publication stops when the context stops,
 * before the node leaves.
 */
public final class SynApplicationEventPublisher implements SynEventListener, SmartLifecycle {

    private final Supplier<NodeRegistry> nodeRegistry;
    private final ApplicationEventPublisher publisher;
    private final Object lock = new Object();
    /** The events that happened before the context started; {@code null} once they are published. */
    private @Nullable List<SynEvent> held = new ArrayList<>();
    private @Nullable NodeRegistry node;
    private boolean listening;
    private volatile boolean running;

    /**
     * @param nodeRegistry the node, looked up when the context starts (the node may be started with this
     *        publisher, so it cannot be a constructor argument)
     * @param publisher where the application events go
     */
    public SynApplicationEventPublisher(Supplier<NodeRegistry> nodeRegistry, ApplicationEventPublisher publisher) {
        this.nodeRegistry = nodeRegistry;
        this.publisher = publisher;
    }

    /**
     * This publisher as a listener to pass to {@link NodeRegistry#start}: the node then needs no other
     * {@link NodeRegistry#addListener}, and no event from its start is missed.
     */
    public SynEventListener listenFromNodeStart() {
        synchronized (lock) {
            listening = true;
        }
        return this;
    }

    @Override
    public void onEvent(SynEvent event) {
        synchronized (lock) {
            if (running && node != null) {
                publisher.publishEvent(SynApplicationEvent.of(node, event));
            } else if (held != null) {
                held.add(event);
            }
        }
    }

    @Override
    public void start() {
        NodeRegistry started = nodeRegistry.get();
        synchronized (lock) {
            node = started;
            if (!listening) {
                started.addListener(this);
                listening = true;
            }
            List<SynEvent> pending = held;
            held = null;
            if (pending != null) {
                pending.forEach(event -> publisher.publishEvent(SynApplicationEvent.of(started, event)));
            }
            running = true;
        }
    }

    @Override
    public void stop() {
        synchronized (lock) {
            running = false;
            if (node != null) {
                node.removeListener(this);
                listening = false;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
