package io.synspring.process;

/** The outcome of sending a message to a name or a process. */
public enum SendResult {
    /**
     * Handed to the process's mailbox, or queued on the link to the process's node, which delivers it while
     * both nodes stay in one cluster (across reconnects) unless the process's mailbox is full on arrival.
     */
    SENT,
    /** No process is registered under the name. */
    NO_SUCH_NAME,
    /** The process has exited (a local one), or its node is gone (a remote one). */
    NOT_ALIVE,
    /** The (local) process's mailbox is full: it is not keeping up. */
    MAILBOX_FULL,
    /**
     * The link to the process's node held its maximum of unacknowledged messages for longer than
     * {@code backpressureWait}: that node is not keeping up, or cannot be reached. Nothing was sent.
     */
    BACKPRESSURE
}
