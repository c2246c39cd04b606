package io.synspring.registry;

import io.synspring.NodeId;
import io.synspring.process.ProcessRef;
import org.jspecify.annotations.Nullable;

/**
 * A name held by a process: what {@link Registry#lookup(String)} returns. {@code time} is when the owner
 * node last registered or updated it (epoch millis); conflict resolution compares it.
 */
public record Registration(String name, ProcessRef process, @Nullable Object meta, long time) {

    /** The node the process runs on, the authority for this entry. */
    public NodeId node() {
        return process.node();
    }
}
