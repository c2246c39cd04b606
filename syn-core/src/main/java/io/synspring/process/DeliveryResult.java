package io.synspring.process;

/** The outcome of putting a message in a local mailbox. */
public enum DeliveryResult {
    DELIVERED,
    NOT_ALIVE,
    MAILBOX_FULL
}
