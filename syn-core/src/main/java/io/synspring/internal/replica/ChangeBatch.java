package io.synspring.internal.replica;

import io.synspring.NodeId;
import java.util.List;

/**
 * Consecutive changes of one owner in one scope: {@code changes.get(i)} has sequence number
 * {@code firstSeq + i}. Receivers apply them in sequence; a gap means something was lost.
 */
public record ChangeBatch(String scope, NodeId owner, long firstSeq, List<Change> changes) {

    public ChangeBatch {
        changes = List.copyOf(changes);
    }

    public long lastSeq() {
        return firstSeq + changes.size() - 1;
    }
}
