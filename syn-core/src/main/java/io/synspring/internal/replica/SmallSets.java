package io.synspring.internal.replica;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Index values for "names of a process": almost always one or two names, so immutable sets, copied on
 * change, keep each entry a few bytes; past a handful a concurrent set takes over so a process holding
 * thousands of names does not cost quadratic copying.
 */
final class SmallSets {

    private static final int COPY_LIMIT = 8;

    private SmallSets() {}

    static Set<String> with(@Nullable Set<String> names, String name) {
        if (names == null) {
            return Set.of(name);
        }
        if (names.contains(name)) {
            return names;
        }
        if (names.size() < COPY_LIMIT) {
            Set<String> copy = new HashSet<>(names);
            copy.add(name);
            return Set.copyOf(copy);
        }
        if (names.size() == COPY_LIMIT) {
            Set<String> large = ConcurrentHashMap.newKeySet();
            large.addAll(names);
            names = large;
        }
        names.add(name);
        return names;
    }

    static @Nullable Set<String> without(Set<String> names, String name) {
        if (!names.contains(name)) {
            return names;
        }
        if (names.size() == 1) {
            return null;
        }
        if (names.size() > COPY_LIMIT) {
            names.remove(name);
            return names;
        }
        Set<String> copy = new HashSet<>(names);
        copy.remove(name);
        return Set.copyOf(copy);
    }
}
