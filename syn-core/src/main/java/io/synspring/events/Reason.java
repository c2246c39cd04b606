package io.synspring.events;

import io.synspring.NodeId;
import io.synspring.process.ExitReason;

/** Why a registry or group entry changed; carried by every {@link SynEvent}. */
public sealed interface Reason {

    /** An API call (register, unregister, join, leave, update). */
    Reason NORMAL = new Normal();
    /** Conflict resolution decided between two processes holding the same name. */
    Reason CONFLICT_RESOLUTION = new ConflictResolution();
    /**
     * This node missed some of the owner's changes (messages lost while both nodes stayed in the cluster)
     * and an owner's snapshot repaired the gap: the entry was added, changed or removed meanwhile, for a
     * reason this node did not hear (an API call or the process's exit).
     */
    Reason RESYNC = new Resync();

    /** See {@link #NORMAL}. */
    record Normal() implements Reason {
        @Override
        public String toString() {
            return "NORMAL";
        }
    }

    /** See {@link #CONFLICT_RESOLUTION}. */
    record ConflictResolution() implements Reason {
        @Override
        public String toString() {
            return "CONFLICT_RESOLUTION";
        }
    }

    /** See {@link #RESYNC}. */
    record Resync() implements Reason {
        @Override
        public String toString() {
            return "RESYNC";
        }
    }

    /** The process ended; its entries went with it. */
    record ProcessExited(ExitReason exit) implements Reason {
        @Override
        public String toString() {
            return exit.toString();
        }
    }

    /** Entries received because {@code node} appeared (it joined, or a net split healed). */
    record NodeUp(NodeId node) implements Reason {
        @Override
        public String toString() {
            return "NODE_UP(" + node + ")";
        }
    }

    /** Entries dropped because {@code node} left (shutdown, crash or net split). */
    record NodeDown(NodeId node) implements Reason {
        @Override
        public String toString() {
            return "NODE_DOWN(" + node + ")";
        }
    }
}
