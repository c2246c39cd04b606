package io.synspring.registry;

/** The outcome of {@link Registry#unregister(String)}. */
public enum UnregisterResult {
    /** The name was removed on the process's node and the removal is propagating. */
    OK,
    /** The name is not registered. */
    UNDEFINED,
    /** This node's replica and the owner disagree about who holds the name (a change is in flight). */
    RACE_CONDITION
}
