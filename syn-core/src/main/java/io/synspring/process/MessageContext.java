package io.synspring.process;

import org.jspecify.annotations.Nullable;

/** What a handler knows about the message it is handling, and how it answers a call. */
public interface MessageContext {

    /** The process handling the message. */
    SynProcess self();

    /** The process that sent the message, if it was sent by one. */
    @Nullable ProcessRef sender();

    /** Whether the sender waits for a {@link #reply(Object)} (a call or a multi-call). */
    boolean isCall();

    /**
     * Answers a call; does nothing for a plain message. Replies must be serializable when the caller is on
     * another node.
     *
     * @return whether a reply was sent
     */
    boolean reply(Object reply);
}
