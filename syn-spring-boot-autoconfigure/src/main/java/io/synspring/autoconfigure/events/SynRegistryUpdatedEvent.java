package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;
import org.jspecify.annotations.Nullable;

/** The metadata of a registered name changed. Published on every node of the scope, for local and remote changes. */
public final class SynRegistryUpdatedEvent extends SynRegistryEvent {

    private static final long serialVersionUID = 1L;

    public SynRegistryUpdatedEvent(Object source, SynEvent.RegistryUpdated event) {
        super(source, event, event.name());
    }

    /** The metadata before the change. */
    public @Nullable Object getPreviousMeta() {
        return ((SynEvent.RegistryUpdated) getEvent()).previousMeta();
    }
}
