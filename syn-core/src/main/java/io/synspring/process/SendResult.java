package io.synspring.process;

/** The outcome of sending a message to a name or a process. */
public enum SendResult {
    /** Handed to the process's mailbox, or to the network for a process on another node. */
    SENT,
    /** No process is registered under the name. */
    NO_SUCH_NAME,
    /** The process has exited (a local one), or its node is gone (a remote one). */
    NOT_ALIVE,
    /** The (local) process's mailbox is full: it is not keeping up. */
    MAILBOX_FULL
}
