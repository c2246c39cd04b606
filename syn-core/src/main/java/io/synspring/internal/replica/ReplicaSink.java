package io.synspring.internal.replica;

import io.synspring.events.SynEvent;
import io.synspring.registry.Registration;

/** Receives what a write to a replica produced: the events to fire and the local conflict losses to act on. */
public interface ReplicaSink {

    void event(SynEvent event);

    /** A process of this node lost a conflict on {@code loser.name()}. */
    void localConflictLost(Registration loser, boolean stop);
}
