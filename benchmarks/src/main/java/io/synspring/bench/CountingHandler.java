package io.synspring.bench;

import io.synspring.process.MessageContext;
import io.synspring.process.MessageHandler;
import java.util.concurrent.atomic.AtomicLong;

/** The benchmark processes' behaviour: answers a call with "pong", counts the plain messages it receives. */
final class CountingHandler implements MessageHandler {

    private final AtomicLong received = new AtomicLong();

    @Override
    public void handle(Object message, MessageContext context) {
        if (context.isCall()) {
            context.reply("pong");
        } else {
            received.incrementAndGet();
        }
    }

    /** Plain messages received by every process running this handler. */
    long received() {
        return received.get();
    }

    void reset() {
        received.set(0);
    }
}
