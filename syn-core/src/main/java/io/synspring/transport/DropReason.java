package io.synspring.transport;

/** Why a message sent to a process on another node never reached it. */
public enum DropReason {
    /** Its node left before acknowledging it. */
    NODE_DOWN,
    /** The target process's mailbox was full. */
    MAILBOX_FULL,
    /** The target process had exited. */
    NOT_ALIVE
}
