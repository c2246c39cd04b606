package io.synspring.process;

import io.synspring.cluster.NodeId;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * The cluster-wide address of a process: the node it runs on and its id there. Small, immutable and
 * serializable, so it can be stored in metadata and sent in messages.
 */
public record ProcessRef(NodeId node, long id) implements Serializable, Comparable<ProcessRef> {

    private static final Comparator<ProcessRef> ORDER =
            Comparator.comparing(ProcessRef::node).thenComparingLong(ProcessRef::id);

    public ProcessRef {
        Objects.requireNonNull(node, "node");
    }

    @Override
    public int compareTo(ProcessRef other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return "<" + node + "." + id + ">";
    }
}
