package io.synspring.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it with short parks (measurement code: the condition is a local memory
 * read, so polling every ~50 µs costs little and bounds the error of a measured time).
 */
final class Poll {

    private static final long PARK_NANOS = 50_000;

    private Poll() {}

    /** @return {@link System#nanoTime()} when {@code condition} was first seen true */
    static long until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    static void sleepMillis(long millis) {
        LockSupport.parkNanos(millis * 1_000_000L);
    }
}
