package io.synspring.autoconfigure.events;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.process.ProcessRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;

/**
 * A registry or group change as a Spring {@link ApplicationEvent}: listen with {@code @EventListener} to this
 * type for every change, or to a subtype ({@link SynRegisteredEvent}, {@link SynUnregisteredEvent}, ...).
 * The source is the {@link io.synspring.NodeRegistry}; {@link #getEvent()} is the engine's event, and
 * {@link #getTimestamp()} its time.
 */
public abstract class SynApplicationEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient SynEvent event;

    protected SynApplicationEvent(Object source, SynEvent event) {
        super(source, Clock.fixed(event.time(), ZoneOffset.UTC));
        this.event = event;
    }

    /** The engine's event (a sealed {@link SynEvent} record). */
    public SynEvent getEvent() {
        return event;
    }

    /** When this node applied the change; {@link #getTimestamp()} gives it in epoch millis. */
    public Instant getTime() {
        return event.time();
    }

    /** The scope the change happened in. */
    public String getScope() {
        return event.scope();
    }

    /** The process concerned. */
    public ProcessRef getProcess() {
        return event.process();
    }

    /** The node the process runs on. */
    public NodeId getNode() {
        return event.process().node();
    }

    /** The metadata of the entry (after the change, or as it was when removed). */
    public @Nullable Object getMeta() {
        return event.meta();
    }

    /**
     * Why it happened: {@code NORMAL}, the process's exit reason, {@code NODE_UP(node)}, {@code NODE_DOWN(node)}
     * or {@code CONFLICT_RESOLUTION}; match on the {@link Reason} records.
     */
    public Reason getReason() {
        return event.reason();
    }

    /**
     * The Spring event for an engine event.
     */
    public static SynApplicationEvent of(Object source, SynEvent event) {
        if (event instanceof SynEvent.Registered registered) {
            return new SynRegisteredEvent(source, registered);
        } else if (event instanceof SynEvent.RegistryUpdated updated) {
            return new SynRegistryUpdatedEvent(source, updated);
        } else if (event instanceof SynEvent.Unregistered unregistered) {
            return new SynUnregisteredEvent(source, unregistered);
        } else if (event instanceof SynEvent.Joined joined) {
            return new SynJoinedEvent(source, joined);
        } else if (event instanceof SynEvent.GroupUpdated updated) {
            return new SynGroupUpdatedEvent(source, updated);
        } else if (event instanceof SynEvent.Left left) {
            return new SynLeftEvent(source, left);
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + event + "]";
    }
}
