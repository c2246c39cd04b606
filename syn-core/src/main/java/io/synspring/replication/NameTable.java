package io.synspring.replication;

import io.synspring.cluster.NodeId;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The visible registration of every name in a replica, laid out for lookups, which are most of what a
 * registry is asked: one writer thread, lock-free readers on any thread.
 *
 * <p>Why not a {@code ConcurrentHashMap}: a lookup among 100k names is bound by memory latency, and a
 * {@code ConcurrentHashMap} walks table slot, node, key string and key bytes: four cache misses, each
 * waiting for the one before. Here a slot's registration and the hash and position of its name are found
 * at the same index of two flat arrays, and the name's characters are copied into one more array, so a hit
 * costs two waits: the slot, then the characters. Measured with JMH on this project's 2-core machine:
 * ~2x the lookups per second of a {@code ConcurrentHashMap} (see the README's benchmarks).
 *
 * <p>Open addressing with linear probing. A slot, once taken by a name, keeps that name until the next
 * rebuild: removing a name marks its slot {@link #REMOVED}, and the name is added again in a fresh slot.
 * That is what makes lock-free reads safe: a reader that found a slot's registration reads the name the
 * slot was written with (published with the registration by a release store), never a later tenant's.
 * A rebuild (when half the slots are taken, removed ones included) places the live names in new slots and
 * publishes them at once; their characters stay where they are unless that array has no room left, when
 * they are compacted into a new one.
 */
final class NameTable {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Registration[].class);

    /** Marks a slot whose name was removed; never returned. */
    private static final Registration REMOVED =
            new Registration("", new ProcessRef(new NodeId("removed", 0), 0), null, 0);

    private static final int MIN_CAPACITY = 16;

    /** One generation of the slots; replaced whole by a rebuild. */
    private static final class Table {
        /** The visible registration per slot: null for a slot never used, {@link #REMOVED} for a removed one. */
        final Registration[] registrations;
        /** Per slot: the name's seeded hash (high 32 bits) and where its characters start in {@link #names}. */
        final long[] keys;
        /**
         * Per name: its length (2 chars, high half first), then its characters. Shared with the next generation
         * unless a rebuild compacts it; only ever appended to while shared, past what older generations use.
         */
        final char[] names;
        final int shift;
        /** Writer-only: slots taken, live or removed. */
        int usedSlots;

        Table(int capacity, char[] names) {
            registrations = new Registration[capacity];
            keys = new long[capacity];
            this.names = names;
            shift = Integer.numberOfLeadingZeros(capacity) + 1;
        }

        int capacity() {
            return registrations.length;
        }

        int home(int hash) {
            return hash >>> shift;
        }

        int mask() {
            return registrations.length - 1;
        }

        /** Writer-only: the slot holding {@code name}, or the first never-used slot after its home. */
        int find(String name, int hash) {
            int mask = mask();
            for (int slot = home(hash);; slot = (slot + 1) & mask) {
                Registration registration = registrations[slot];
                if (registration == null
                        || registration != REMOVED && (int) (keys[slot] >>> 32) == hash
                        // the writer mostly passes the very String a registration holds: no characters to read
                        && (registration.name() == name || holds(slot, name))) {
                    return slot;
                }
            }
        }

        boolean holds(int slot, String name) {
            int start = (int) keys[slot];
            int length = names[start] << 16 | names[start + 1];
            if (length != name.length()) {
                return false;
            }
            for (int i = 0, at = start + 2; i < length; i++, at++) {
                if (names[at] != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Takes {@code slot} for the name whose characters are at {@code start}; publishes them with it. */
        void take(int slot, int hash, int start, Registration registration) {
            keys[slot] = (long) hash << 32 | start;
            usedSlots++;
            SLOT.setRelease(registrations, slot, registration);
        }

        /** Rebuild-only: takes the first free slot for a name known not to be in this table yet. */
        void place(int hash, int start, Registration registration) {
            int mask = mask();
            int slot = home(hash);
            while (registrations[slot] != null) {
                slot = (slot + 1) & mask;
            }
            take(slot, hash, start, registration);
        }
    }

    /**
     * Mixed into every name's hash, different in every table. A table is filled in another table's slot
     * order whenever a snapshot arrives (the sender walks its own table); were the two hashed alike, names
     * would arrive sorted by their home slot here, all crowding into the first slots while the table grows:
     * runs of thousands of slots to probe (measured: 2,200 per insert for 100k names, 0.7 s instead of 20 ms).
     */
    private final int seed;
    private volatile Table table = new Table(MIN_CAPACITY, new char[256]);
    private volatile int size;
    /** Writer-only: characters written to the current {@code names}; characters the live names take. */
    private int usedChars;
    private long liveChars;

    NameTable() {
        this(ThreadLocalRandom.current().nextInt());
    }

    NameTable(int seed) {
        this.seed = seed;
    }

    /** The name's hash as this table uses it: String's hash code, seeded and mixed (Murmur3's finalizer). */
    private int hash(String name) {
        int hash = name.hashCode() ^ seed;
        hash ^= hash >>> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >>> 13;
        hash *= 0xC2B2AE35;
        return hash ^ hash >>> 16;
    }

    /** The registration visible under {@code name}, if any. Any thread. */
    @Nullable Registration get(String name) {
        Table current = table;
        int hash = hash(name);
        int mask = current.mask();
        for (int slot = current.home(hash);; slot = (slot + 1) & mask) {
            Registration registration = (Registration) SLOT.getAcquire(current.registrations, slot);
            if (registration == null) {
                return null;
            }
            if (registration != REMOVED && (int) (current.keys[slot] >>> 32) == hash && current.holds(slot, name)) {
                return registration;
            }
        }
    }

    int size() {
        return size;
    }

    /** Makes {@code registration} visible under its name, replacing what was. Writer thread only. */
    void put(Registration registration) {
        String name = registration.name();
        int hash = hash(name);
        Table current = table;
        int slot = current.find(name, hash);
        if (current.registrations[slot] != null) {
            SLOT.setRelease(current.registrations, slot, registration);
            return;
        }
        int length = name.length();
        if (current.usedSlots + 1 > current.capacity() / 2 || usedChars + 2 + length > current.names.length) {
            current = rebuild(length);
            slot = current.find(name, hash);
        }
        char[] names = current.names;
        int start = usedChars;
        names[start] = (char) (length >>> 16);
        names[start + 1] = (char) length;
        name.getChars(0, length, names, start + 2);
        usedChars = start + 2 + length;
        liveChars += 2 + length;
        current.take(slot, hash, start, registration);
        size = size + 1;
    }

    /** Removes what is visible under {@code name}. Writer thread only. */
    void remove(String name) {
        Table current = table;
        int slot = current.find(name, hash(name));
        if (current.registrations[slot] != null) {
            SLOT.setRelease(current.registrations, slot, REMOVED);
            liveChars -= 2 + name.length();
            size = size - 1;
        }
    }

    /** How many slots the longest lookup of a present name walks, its own included. Writer thread; for tests. */
    int longestProbe() {
        Table current = table;
        int mask = current.mask();
        int longest = 0;
        for (int slot = 0; slot < current.capacity(); slot++) {
            Registration registration = current.registrations[slot];
            if (registration != null && registration != REMOVED) {
                int home = current.home((int) (current.keys[slot] >>> 32));
                longest = Math.max(longest, ((slot - home) & mask) + 1);
            }
        }
        return longest;
    }

    /** Every visible registration, weakly consistent (a rebuild during iteration is not seen). */
    java.util.Collection<Registration> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Registration> iterator() {
                return new Live(table.registrations);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * Places the live names in new slots, sized so that about as many changes again fit before the next
     * rebuild, and copies their characters into a new array only if the current one has no room left.
     */
    private Table rebuild(int comingLength) {
        Table old = table;
        int live = size + 1;
        int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(live * 3 - 1) << 1);
        if (capacity < old.capacity() && live > old.capacity() / 16) {
            capacity = old.capacity(); // only shrink when most names are gone: a registry refilling stays put
        }
        boolean compact = usedChars + 2 + comingLength > old.names.length;
        char[] names = old.names;
        if (compact) {
            long chars = Math.max(256, 2 * (liveChars + 2 + comingLength));
            if (chars > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("the names of this scope take more than 2^31 characters");
            }
            names = new char[(int) chars];
            usedChars = 0;
        }
        Table rebuilt = new Table(capacity, names);
        for (int slot = 0; slot < old.capacity(); slot++) {
            Registration registration = old.registrations[slot];
            if (registration != null && registration != REMOVED) {
                long key = old.keys[slot];
                int start = (int) key;
                if (compact) {
                    int from = start;
                    int chars = 2 + (old.names[from] << 16 | old.names[from + 1]);
                    start = usedChars;
                    System.arraycopy(old.names, from, names, start, chars);
                    usedChars += chars;
                }
                rebuilt.place((int) (key >>> 32), start, registration);
            }
        }
        table = rebuilt;
        return rebuilt;
    }

    private static final class Live implements Iterator<Registration> {
        private final Registration[] registrations;
        private int slot;
        private @Nullable Registration next;

        Live(Registration[] registrations) {
            this.registrations = registrations;
            advance();
        }

        private void advance() {
            next = null;
            while (next == null && slot < registrations.length) {
                Registration registration = (Registration) SLOT.getAcquire(registrations, slot++);
                if (registration != null && registration != REMOVED) {
                    next = registration;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Registration next() {
            Registration registration = next;
            if (registration == null) {
                throw new NoSuchElementException();
            }
            advance();
            return registration;
        }
    }
}
