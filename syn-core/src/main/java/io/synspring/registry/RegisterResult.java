package io.synspring.registry;

/** The outcome of {@link Registry#register}: check it. */
public enum RegisterResult {
    /** Registered, or the metadata of the process's existing registration updated (or unchanged). */
    OK,
    /** Another live process holds the name. */
    TAKEN,
    /** The process has exited. */
    NOT_ALIVE,
    /** Strict mode: only a process itself may register itself, from inside its handler. */
    NOT_SELF
}
