package io.synspring.bench;

import io.synspring.NodeRegistry;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How long the registrations {@code prefix0} … {@code prefix<count-1>} of a probe took to be applied on one
 * node: the time in each {@link SynEvent.Registered}, which the engine stamps as it applies the change (from
 * then on lookups on the node find the name), minus the wall-clock time of the {@code register} call, which
 * the probe puts in the metadata. A listener rather than a thread polling the replica, so the measurement
 * takes no core from the threads it measures. One wall clock for every JVM of the machine.
 */
final class ApplyTimes implements SynEventListener {

    private final NodeRegistry node;
    private final String prefix;
    private final long[] latencies;
    private final CountDownLatch pending;

    private ApplyTimes(NodeRegistry node, String prefix, int count) {
        this.node = node;
        this.prefix = prefix;
        this.latencies = new long[count];
        Arrays.fill(latencies, -1);
        this.pending = new CountDownLatch(count);
    }

    /** Starts noting on {@code node}. */
    static ApplyTimes listen(NodeRegistry node, String prefix, int count) {
        ApplyTimes times = new ApplyTimes(node, prefix, count);
        node.addListener(times);
        return times;
    }

    /** The metadata of a probe's registration: now, on the wall clock, in nanoseconds. */
    static long wallClockNanos() {
        return nanos(Instant.now());
    }

    @Override
    public void onEvent(SynEvent event) {
        if (event instanceof SynEvent.Registered registered && registered.meta() instanceof Long madeAt
                && registered.name().startsWith(prefix)) {
            String name = registered.name();
            int i = Integer.parseInt(name, prefix.length(), name.length(), 10);
            if (i < latencies.length && latencies[i] < 0) {
                latencies[i] = nanos(registered.time()) - madeAt;
                pending.countDown();
            }
        }
    }

    /**
     * Waits until every registration was applied or {@code timeoutMillis} passed, and stops listening.
     *
     * @return each registration's latency in nanoseconds, -1 when it was not applied in time
     */
    long[] await(long timeoutMillis) throws InterruptedException {
        pending.await(timeoutMillis, TimeUnit.MILLISECONDS);
        node.removeListener(this);
        return latencies.clone();
    }

    private static long nanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }
}
