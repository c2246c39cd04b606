package io.synspring.autoconfigure.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import io.synspring.process.ProcessRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The switch from held to published events when the context starts, and publication stopping with it. */
class SynApplicationEventPublisherTests {

    private static final ProcessRef PROCESS = new ProcessRef(NodeId.newIncarnation("peer"), 1);

    private final NodeRegistry node = mock(NodeRegistry.class);
    private final List<Object> published = Collections.synchronizedList(new ArrayList<>());
    private final SynApplicationEventPublisher publisher = new SynApplicationEventPublisher(() -> node, published::add);

    @Test
    void eventsFiredWhileTheContextStartsArePublishedOnceAndInOrderWithTheOnesAfter() throws InterruptedException {
        SynEventListener listener = publisher.listenFromNodeStart();
        AtomicInteger fired = new AtomicInteger();
        CountDownLatch firing = new CountDownLatch(1);
        // the node's event thread keeps firing while the context starts (up to a bound), and a while after
        Thread events = new Thread(() -> {
            int afterStart = 0;
            while (afterStart < 1_000) {
                if (fired.get() >= 100_000 && !publisher.isRunning()) {
                    Thread.onSpinWait();
                    continue;
                }
                listener.onEvent(registered("name-" + fired.getAndIncrement()));
                if (fired.get() == 1_000) {
                    firing.countDown();
                }
                if (publisher.isRunning()) {
                    afterStart++;
                }
            }
        });
        events.start();
        firing.await();
        assertThat(published).isEmpty();

        publisher.start();
        events.join();

        assertThat(published).extracting(event -> ((SynRegisteredEvent) event).getName()).containsExactlyElementsOf(
                IntStream.range(0, fired.get()).mapToObj(i -> "name-" + i).toList());
        assertThat(published).allMatch(event -> ((SynApplicationEvent) event).getSource() == node);
        // the node was started with the publisher: it is not added a second time
        verify(node, never()).addListener(any());
    }

    @Test
    void aNodeStartedWithoutItIsListenedToFromTheContextsStartUntilItStops() {
        publisher.start();
        verify(node).addListener(publisher);
        publisher.onEvent(registered("while-running"));

        publisher.stop();
        verify(node).removeListener(publisher);
        publisher.onEvent(registered("after-stop"));

        assertThat(published).extracting(event -> ((SynRegisteredEvent) event).getName())
                .containsExactly("while-running");
    }

    @Test
    void theSpringEventIsStampedWithTheTimeTheNodeAppliedTheChange() {
        Instant applied = Instant.parse("2026-01-02T03:04:05.678Z");
        SynEvent event = new SynEvent.Registered("default", "stamped", PROCESS, null, Reason.NORMAL, applied);

        SynApplicationEvent published = SynApplicationEvent.of(node, event);

        assertThat(published.getTime()).isEqualTo(applied);
        assertThat(published.getTimestamp()).isEqualTo(applied.toEpochMilli());
    }

    private static SynEvent registered(String name) {
        return new SynEvent.Registered("default", name, PROCESS, null, Reason.NORMAL);
    }
}
