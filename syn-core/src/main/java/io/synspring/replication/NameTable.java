package io.synspring.replication;

import io.synspring.cluster.NodeId;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;
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
 * Rebuilds (when the slots or the character array are half used) copy the live names into new arrays and
 * publish them at once.
 */
final class NameTable {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Registration[].class);

    /** Marks a slot whose name was removed; never returned. */
    private static final Registration REMOVED =
            new Registration("", new ProcessRef(new NodeId("removed", 0), 0), null, 0);

    private static final int MIN_CAPACITY = 16;

    /** One generation of the arrays; replaced whole by a rebuild. */
    private static final class Table {
        /** The visible registration per slot: null for a slot never used, {@link #REMOVED} for a removed one. */
        final Registration[] registrations;
        /** Per slot: the name's hash code (high 32 bits) and where its characters start in {@link #names}. */
        final long[] keys;
        /** Per name: its length (2 chars, high half first), then its characters. */
        final char[] names;
        final int shift;
        /** Writer-only: slots taken (live or removed), characters written. */
        int usedSlots;
        int usedChars;

        Table(int capacity, int chars) {
            registrations = new Registration[capacity];
            keys = new long[capacity];
            names = new char[chars];
            shift = Integer.numberOfLeadingZeros(capacity) + 1;
        }

        int home(int hash) {
            return (hash * 0x9E3779B9) >>> shift; // Fibonacci hashing: spreads String hashes' similar low bits
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
                        || registration != REMOVED && (int) (keys[slot] >>> 32) == hash && holds(slot, name)) {
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

        boolean hasRoomFor(String name) {
            return usedSlots + 1 <= registrations.length / 2 && usedChars + 2 + name.length() <= names.length;
        }

        void add(int slot, String name, int hash, Registration registration) {
            int start = usedChars;
            names[start] = (char) (name.length() >>> 16);
            names[start + 1] = (char) name.length();
            name.getChars(0, name.length(), names, start + 2);
            usedChars = start + 2 + name.length();
            keys[slot] = (long) hash << 32 | start;
            usedSlots++;
            SLOT.setRelease(registrations, slot, registration); // publishes the key and characters with it
        }
    }

    private volatile Table table = new Table(MIN_CAPACITY, 256);
    private volatile int size;
    /** Writer-only: characters the live names take, with their lengths. */
    private long liveChars;

    /** The registration visible under {@code name}, if any. Any thread. */
    @Nullable Registration get(String name) {
        Table current = table;
        int hash = name.hashCode();
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
        int hash = name.hashCode();
        Table current = table;
        int slot = current.find(name, hash);
        if (current.registrations[slot] != null) {
            SLOT.setRelease(current.registrations, slot, registration);
            return;
        }
        if (!current.hasRoomFor(name)) {
            current = rebuild(name.length());
            slot = current.find(name, hash);
        }
        current.add(slot, name, hash, registration);
        liveChars += 2 + name.length();
        size = size + 1;
    }

    /** Removes what is visible under {@code name}. Writer thread only. */
    void remove(String name) {
        Table current = table;
        int slot = current.find(name, name.hashCode());
        if (current.registrations[slot] != null) {
            SLOT.setRelease(current.registrations, slot, REMOVED);
            liveChars -= 2 + name.length();
            size = size - 1;
        }
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

    /** Copies the live names into new arrays, sized so that about as many changes again fit before the next. */
    private Table rebuild(int comingChars) {
        Table old = table;
        int live = size + 1;
        int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(live * 3 - 1) << 1);
        long chars = Math.max(256, 2 * (liveChars + 2 + comingChars));
        if (chars > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the names of this scope take more than 2^31 characters");
        }
        Table rebuilt = new Table(capacity, (int) chars);
        for (int slot = 0; slot < old.registrations.length; slot++) {
            Registration registration = old.registrations[slot];
            if (registration != null && registration != REMOVED) {
                String name = registration.name();
                int hash = (int) (old.keys[slot] >>> 32);
                rebuilt.add(rebuilt.find(name, hash), name, hash, registration);
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
