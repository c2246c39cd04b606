package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;

/** A change of a registered name: {@link SynRegisteredEvent}, {@link SynRegistryUpdatedEvent} or {@link SynUnregisteredEvent}. */
public abstract class SynRegistryEvent extends SynApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String name;

    SynRegistryEvent(Object source, SynEvent event, String name) {
        super(source, event);
        this.name = name;
    }

    /** The registered name. */
    public String getName() {
        return name;
    }
}
