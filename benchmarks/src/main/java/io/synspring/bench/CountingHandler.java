package io.synspring.bench;

import io.synspring.process.MessageContext;
import io.synspring.process.MessageHandler;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The benchmark processes' behaviour: answers a call with "pong", counts the plain messages it receives, and
 * while {@link #timeFromSendTime} is on, records how long each message (the {@link System#nanoTime()} it was
 * sent at) took to arrive.
 */
final class CountingHandler implements MessageHandler {

    private final AtomicLong received = new AtomicLong();
    private volatile Recorder latency;

    @Override
    public void handle(Object message, MessageContext context) {
        if (context.isCall()) {
            context.reply("pong");
        } else {
            Recorder recorder = latency;
            if (recorder != null && message instanceof Long sentAt) {
                recorder.recordValue(Math.max(0, System.nanoTime() - sentAt));
            }
            received.incrementAndGet();
        }
    }

    /** Plain messages received by every process running this handler. */
    long received() {
        return received.get();
    }

    /** From now on, records each message's latency in {@code recorder}; {@code null}: no longer. */
    void timeFromSendTime(Recorder recorder) {
        latency = recorder;
    }

    void reset() {
        received.set(0);
    }
}
