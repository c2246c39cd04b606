package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;

/** A name now refers to a process. Published on every node of the scope, for local and remote changes. */
public final class SynRegisteredEvent extends SynRegistryEvent {

    private static final long serialVersionUID = 1L;

    public SynRegisteredEvent(Object source, SynEvent.Registered event) {
        super(source, event, event.name());
    }

}
