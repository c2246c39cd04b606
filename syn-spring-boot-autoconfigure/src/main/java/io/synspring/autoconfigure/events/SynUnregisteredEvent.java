package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;

/** A name no longer refers to its process. Published on every node of the scope, for local and remote changes. */
public final class SynUnregisteredEvent extends SynRegistryEvent {

    private static final long serialVersionUID = 1L;

    public SynUnregisteredEvent(Object source, SynEvent.Unregistered event) {
        super(source, event, event.name());
    }

}
