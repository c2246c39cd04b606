package io.synspring.internal.process;

import io.synspring.process.ProcessRef;
import org.jspecify.annotations.Nullable;

/**
 * A message on its way to a mailbox: the sender if any, and where to send the reply when it is a call.
 */
public record Envelope(Object message, @Nullable ProcessRef sender, @Nullable ReplyTo replyTo) {

    public static Envelope of(Object message) {
        return new Envelope(message, null, null);
    }
}
