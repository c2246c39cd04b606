package io.synspring.internal.scope;

import io.synspring.SynSettings;
import io.synspring.internal.wire.WireCodec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks what callers pass in, at the call, with messages that say what is wrong and what to do: names,
 * metadata and messages. Nothing invalid reaches the replica or the network.
 */
public final class Guard {

    private final WireCodec codec;
    private final SynSettings settings;

    public Guard(WireCodec codec, SynSettings settings) {
        this.codec = codec;
        this.settings = settings;
    }

    /** @param what "name" or "group name" */
    public String name(@Nullable String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException("the " + what + " must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("the " + what + " must not be blank");
        }
        if (name.length() > settings.maxNameLength()) {
            throw new IllegalArgumentException(
                    "the " + what + " is " + name.length() + " characters long, more than the "
                            + settings.maxNameLength() + " allowed (syn.limits.max-name-length): use a shorter one");
        }
        return name;
    }

    public void meta(@Nullable Object meta) {
        codec.checkTransferable(meta, settings.maxMetadataBytes(), "the metadata", true);
    }

    public Object message(@Nullable Object message) {
        Objects.requireNonNull(message, "the message must not be null");
        codec.checkTransferable(message, settings.maxMessageBytes(), "the message", false);
        return message;
    }
}
