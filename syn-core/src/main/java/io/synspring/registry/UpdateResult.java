package io.synspring.registry;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link Registry#update}: the status, and on {@link Status#OK} the registration as it is
 * after the update.
 */
public record UpdateResult(Status status, @Nullable Registration registration) {

    /** What happened. */
    public enum Status {
        /** Updated (or the function returned equal metadata: nothing written). */
        OK,
        /** The name is not registered. */
        UNDEFINED,
        /** Strict mode: only the process itself may update its registration. */
        NOT_SELF,
        /**
         * This node's replica and the owner disagree about who holds the name; or the process runs on another
         * node, where its metadata changed every time the update was computed
         * ({@value io.synspring.registry.MetadataUpdate#MAX_ATTEMPTS} times): nothing was written.
         */
        RACE_CONDITION
    }

    public static UpdateResult ok(Registration registration) {
        return new UpdateResult(Status.OK, registration);
    }

    public static UpdateResult of(Status status) {
        return new UpdateResult(status, null);
    }

    public boolean isOk() {
        return status == Status.OK;
    }
}
