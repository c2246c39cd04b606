package io.synspring.groups;

import io.synspring.NodeId;
import io.synspring.process.ProcessRef;
import org.jspecify.annotations.Nullable;

/** A process's membership in a group, with its own metadata and the time it joined or was last updated. */
public record Membership(String group, ProcessRef process, @Nullable Object meta, long time) {

    /** The node the process runs on, the authority for this membership. */
    public NodeId node() {
        return process.node();
    }
}
