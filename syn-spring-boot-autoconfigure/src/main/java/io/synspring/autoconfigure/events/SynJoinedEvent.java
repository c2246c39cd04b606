package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;

/** A process joined a group. Published on every node of the scope, for local and remote changes. */
public final class SynJoinedEvent extends SynGroupEvent {

    private static final long serialVersionUID = 1L;

    public SynJoinedEvent(Object source, SynEvent.Joined event) {
        super(source, event, event.group());
    }

}
