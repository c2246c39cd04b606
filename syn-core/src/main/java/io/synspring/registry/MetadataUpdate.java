package io.synspring.registry;

import io.synspring.process.ProcessRef;
import org.jspecify.annotations.Nullable;

/**
 * Computes new metadata from the current one. It runs on the calling node and never crosses the wire: for a
 * local process once, atomically under the scope's lock; for a process on another node on the metadata this
 * node holds, and the owner sets the result only if its metadata is still that one, otherwise the function
 * runs again on the owner's current metadata. So it may run more than once: it must be a pure function of
 * its arguments, without side effects.
 */
@FunctionalInterface
public interface MetadataUpdate {

    /**
     * How many times an update of a process on another node is computed, while its metadata keeps changing
     * on the owner, before the update gives up with {@code RACE_CONDITION}.
     */
    int MAX_ATTEMPTS = 16;

    @Nullable Object apply(ProcessRef process, @Nullable Object currentMeta);
}
