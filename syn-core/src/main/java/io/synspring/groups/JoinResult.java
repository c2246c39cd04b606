package io.synspring.groups;

/** The outcome of {@link Groups#join}. */
public enum JoinResult {
    /** Joined, or the metadata of the existing membership updated (or unchanged). */
    OK,
    /** The process has exited. */
    NOT_ALIVE,
    /** Strict mode: only a process itself may join, from inside its handler. */
    NOT_SELF
}
