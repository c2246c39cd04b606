package io.synspring.autoconfigure.events;

import io.synspring.events.SynEvent;

/** A change of a group membership: {@link SynJoinedEvent}, {@link SynGroupUpdatedEvent} or {@link SynLeftEvent}. */
public abstract class SynGroupEvent extends SynApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String group;

    SynGroupEvent(Object source, SynEvent event, String group) {
        super(source, event);
        this.group = group;
    }

    /** The group name. */
    public String getGroup() {
        return group;
    }
}
