package io.synspring.events;

import io.synspring.process.ProcessRef;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A change of the registry or of a group, fired on every node of the scope, for local and remote changes.
 * A sealed hierarchy: match on the record types. The constructors without a time stamp the event with now.
 */
public sealed interface SynEvent {

    /** The scope the change happened in. */
    String scope();

    /** The process concerned. */
    ProcessRef process();

    /** The metadata of the entry (after the change, or as it was when removed). */
    @Nullable Object meta();

    /** Why it happened. */
    Reason reason();

    /** When this node applied the change (each node fires its own event, at its own time). */
    Instant time();

    /** {@code name} now refers to {@code process}. */
    record Registered(String scope, String name, ProcessRef process, @Nullable Object meta, Reason reason,
            Instant time) implements SynEvent {

        public Registered(String scope, String name, ProcessRef process, @Nullable Object meta, Reason reason) {
            this(scope, name, process, meta, reason, Instant.now());
        }
    }

    /** The metadata of {@code name} changed from {@code previousMeta} to {@code meta}. */
    record RegistryUpdated(String scope, String name, ProcessRef process, @Nullable Object meta,
            @Nullable Object previousMeta, Reason reason, Instant time) implements SynEvent {

        public RegistryUpdated(String scope, String name, ProcessRef process, @Nullable Object meta,
                @Nullable Object previousMeta, Reason reason) {
            this(scope, name, process, meta, previousMeta, reason, Instant.now());
        }
    }

    /** {@code name} no longer refers to {@code process}. */
    record Unregistered(String scope, String name, ProcessRef process, @Nullable Object meta, Reason reason,
            Instant time) implements SynEvent {

        public Unregistered(String scope, String name, ProcessRef process, @Nullable Object meta, Reason reason) {
            this(scope, name, process, meta, reason, Instant.now());
        }
    }

    /** {@code process} joined {@code group}. */
    record Joined(String scope, String group, ProcessRef process, @Nullable Object meta, Reason reason,
            Instant time) implements SynEvent {

        public Joined(String scope, String group, ProcessRef process, @Nullable Object meta, Reason reason) {
            this(scope, group, process, meta, reason, Instant.now());
        }
    }

    /** The metadata of {@code process} in {@code group} changed. */
    record GroupUpdated(String scope, String group, ProcessRef process, @Nullable Object meta,
            @Nullable Object previousMeta, Reason reason, Instant time) implements SynEvent {

        public GroupUpdated(String scope, String group, ProcessRef process, @Nullable Object meta,
                @Nullable Object previousMeta, Reason reason) {
            this(scope, group, process, meta, previousMeta, reason, Instant.now());
        }
    }

    /** {@code process} left {@code group}. */
    record Left(String scope, String group, ProcessRef process, @Nullable Object meta, Reason reason,
            Instant time) implements SynEvent {

        public Left(String scope, String group, ProcessRef process, @Nullable Object meta, Reason reason) {
            this(scope, group, process, meta, reason, Instant.now());
        }
    }
}
