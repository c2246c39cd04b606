package io.synspring.events;

import io.synspring.process.ProcessRef;
import org.jspecify.annotations.Nullable;

/**
 * A change of the registry or of a group, fired on every node of the scope, for local and remote changes.
 * A sealed hierarchy: match on the record types.
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

    /** {@code name} now refers to {@code process}. */
    record Registered(String scope, String name, ProcessRef process, @Nullable Object meta, Reason reason)
            implements SynEvent {}

    /** The metadata of {@code name} changed from {@code previousMeta} to {@code meta}. */
    record RegistryUpdated(String scope, String name, ProcessRef process, @Nullable Object meta,
            @Nullable Object previousMeta, Reason reason) implements SynEvent {}

    /** {@code name} no longer refers to {@code process}. */
    record Unregistered(String scope, String name, ProcessRef process, @Nullable Object meta, Reason reason)
            implements SynEvent {}

    /** {@code process} joined {@code group}. */
    record Joined(String scope, String group, ProcessRef process, @Nullable Object meta, Reason reason)
            implements SynEvent {}

    /** The metadata of {@code process} in {@code group} changed. */
    record GroupUpdated(String scope, String group, ProcessRef process, @Nullable Object meta,
            @Nullable Object previousMeta, Reason reason) implements SynEvent {}

    /** {@code process} left {@code group}. */
    record Left(String scope, String group, ProcessRef process, @Nullable Object meta, Reason reason)
            implements SynEvent {}
}
