package io.synspring.groups;

import org.jspecify.annotations.Nullable;

/** The outcome of {@link Groups#update}: the status, and on OK the membership after the update. */
public record GroupUpdateResult(Status status, @Nullable Membership membership) {

    /** What happened. */
    public enum Status {
        /** Updated (or the function returned equal metadata: nothing written). */
        OK,
        /** The process is not a member of the group. */
        NOT_IN_GROUP,
        /** Strict mode: only the process itself may update its membership. */
        NOT_SELF,
        /**
         * The process runs on another node, where its metadata in the group changed every time the update was
         * computed, {@value io.synspring.registry.MetadataUpdate#MAX_ATTEMPTS} times: nothing was written.
         */
        RACE_CONDITION
    }

    public static GroupUpdateResult ok(Membership membership) {
        return new GroupUpdateResult(Status.OK, membership);
    }

    public static GroupUpdateResult of(Status status) {
        return new GroupUpdateResult(status, null);
    }

    public boolean isOk() {
        return status == Status.OK;
    }
}
