package io.synspring.process;

import io.synspring.NodeId;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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

    // equals and hashCode written out for a cold JVM's sake, as in NodeId
    @Override
    public boolean equals(@Nullable Object other) {
        return this == other || other instanceof ProcessRef ref && id == ref.id && node.equals(ref.node);
    }

    @Override
    public int hashCode() {
        return 31 * node.hashCode() + Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "<" + node + "." + id + ">";
    }
}
