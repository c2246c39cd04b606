package io.synspring.internal.scope;

import io.synspring.events.NodeEvent;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands events to the listeners in the order they were published, on a serial executor, so that the
 * engine never runs user code while it holds a lock. A failing listener is logged and skipped.
 */
public final class EventBus {

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    private final Executor serial;
    private final List<SynEventListener> listeners = new CopyOnWriteArrayList<>();

    /** @param serial runs one task at a time, in order */
    public EventBus(Executor serial) {
        this.serial = serial;
    }

    public void addListener(SynEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(SynEventListener listener) {
        listeners.remove(listener);
    }

    /** Hands {@code event} to the listeners' {@code onNodeEvent}, after every event published before it. */
    public void publish(NodeEvent event) {
        deliver(event, SynEventListener::onNodeEvent);
    }

    public void publish(SynEvent event) {
        deliver(event, SynEventListener::onEvent);
    }

    private <E> void deliver(E event, BiConsumer<SynEventListener, E> handler) {
        if (listeners.isEmpty()) {
            return;
        }
        serial.execute(() -> {
            for (SynEventListener listener : listeners) {
                try {
                    handler.accept(listener, event);
                } catch (RuntimeException e) {
                    log.warn("event listener {} failed on {}", listener, event, e);
                }
            }
        });
    }
}
