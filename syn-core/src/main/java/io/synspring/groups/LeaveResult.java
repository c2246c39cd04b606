package io.synspring.groups;

/** The outcome of {@link Groups#leave}. */
public enum LeaveResult {
    /** Left the group. */
    OK,
    /** The process is not a member of the group. */
    NOT_IN_GROUP,
    /** Strict mode: only a process itself may leave, from inside its handler. */
    NOT_SELF
}
