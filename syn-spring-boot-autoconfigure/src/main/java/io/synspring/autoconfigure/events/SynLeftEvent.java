package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;

/** A process left a group. Published on every node of the scope, for local and remote changes. */
public final class SynLeftEvent extends SynGroupEvent {

    private static final long serialVersionUID = 1L;

    public SynLeftEvent(Object source, SynEvent.Left event) {
        super(source, event, event.group());
    }

}
