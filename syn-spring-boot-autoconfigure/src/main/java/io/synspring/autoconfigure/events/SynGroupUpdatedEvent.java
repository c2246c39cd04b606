package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;
import org.jspecify.annotations.Nullable;

/** The metadata of a process in a group changed. Published on every node of the scope, for local and remote changes. */
public final class SynGroupUpdatedEvent extends SynGroupEvent {

    private static final long serialVersionUID = 1L;

    public SynGroupUpdatedEvent(Object source, SynEvent.GroupUpdated event) {
        super(source, event, event.group());
    }

    /** The metadata before the change. */
    public @Nullable Object getPreviousMeta() {
        return ((SynEvent.GroupUpdated) getEvent()).previousMeta();
    }
}
