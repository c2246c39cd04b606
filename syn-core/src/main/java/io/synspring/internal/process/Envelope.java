package io.synspring.internal.process;

import io.synspring.process.ProcessRef;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A message on its way to a mailbox: the sender if any, and where to send the reply when it is a call.
 * {@code trace}: for a message from another node while this node observes, the trace context that came with it
 * (empty when none came); its handling is then observed. {@code null} otherwise.
 */
public record Envelope(Object message, @Nullable ProcessRef sender, @Nullable ReplyTo replyTo,
        @Nullable Map<String, String> trace) {

    public Envelope(Object message, @Nullable ProcessRef sender, @Nullable ReplyTo replyTo) {
        this(message, sender, replyTo, null);
    }

    public static Envelope of(Object message) {
        return new Envelope(message, null, null);
    }
}
