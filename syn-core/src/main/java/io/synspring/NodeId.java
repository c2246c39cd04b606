package io.synspring;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The identity of one Syn node: its configured name plus an incarnation chosen at each start, so that a
 * node restarted under the same name is never confused with its previous life. Never the Hazelcast member
 * UUID, which changes when a split cluster merges.
 */
public record NodeId(String name, long incarnation) implements Serializable, Comparable<NodeId> {

    private static final Comparator<NodeId> ORDER =
            Comparator.comparing(NodeId::name).thenComparingLong(NodeId::incarnation);

    public NodeId {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a node name must not be blank");
        }
    }

    /** A new incarnation of the node called {@code name}. */
    public static NodeId newIncarnation(String name) {
        return new NodeId(name, ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** Parses the form written by {@link #toString()}: {@code name#incarnation}. */
    public static NodeId parse(String text) {
        int hash = text.lastIndexOf('#');
        if (hash <= 0 || hash == text.length() - 1) {
            throw new IllegalArgumentException("not a Syn node id (name#incarnation): '" + text + "'");
        }
        return new NodeId(text.substring(0, hash), Long.parseUnsignedLong(text.substring(hash + 1), 36));
    }

    @Override
    public int compareTo(NodeId other) {
        return ORDER.compare(this, other);
    }

    // equals and hashCode written out: a record's generated ones go through invokedynamic and stay slow until
    // C2 compiles them, and every replica map hashes these, which a fresh JVM applying a snapshot feels
    @Override
    public boolean equals(@Nullable Object other) {
        return this == other
                || other instanceof NodeId node && incarnation == node.incarnation && name.equals(node.name);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Long.hashCode(incarnation);
    }

    @Override
    public String toString() {
        return name + "#" + Long.toUnsignedString(incarnation, 36);
    }
}
