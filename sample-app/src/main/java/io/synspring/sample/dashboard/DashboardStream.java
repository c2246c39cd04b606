package io.synspring.sample.dashboard;

import io.synspring.NodeRegistry;
import io.synspring.events.NodeEvent;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import io.synspring.autoconfigure.events.SynApplicationEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * The dashboard's live feed, pushed as server-sent events to every open dashboard ({@code GET /api/events}):
 * <ul>
 * <li>{@code snapshot}: a {@link ClusterSnapshot} (nodes, devices per node, tenants), first on connect and then
 * whenever it changes (after events, and when a node comes or goes);</li>
 * <li>{@code syn}: one {@link EventView} per registry or group event, as this node applies them (received as
 * Spring application events from the starter); a new dashboard first gets the last {@value #HISTORY};</li>
 * <li>{@code dropped}: {@code {"count": n}} when a burst of events was more than the stream carries.</li>
 * </ul>
 * One thread writes to every stream, every {@value #TICK_MILLIS} ms at most, so a slow dashboard never slows the
 * registry, and a burst of a hundred thousand registrations is carried as a bounded number of frames.
 */
@Component
public class DashboardStream implements SmartLifecycle {

    static final int HISTORY = 100;
    static final long TICK_MILLIS = 100;
    /** Events sent per tick at most; the rest of a burst is counted in a {@code dropped} event. */
    static final int MAX_EVENTS_PER_TICK = 2_000;
    private static final long RECOMPUTE_MILLIS = 500;
    private static final long KEEPALIVE_MILLIS = 15_000;

    private static final Logger log = LoggerFactory.getLogger(DashboardStream.class);

    private final NodeRegistry syn;
    private final ObjectMapper json;
    private final ArrayBlockingQueue<EventView> incoming = new ArrayBlockingQueue<>(50_000);
    private final AtomicLong overflow = new AtomicLong();
    private final Queue<SseEmitter> newcomers = new ConcurrentLinkedQueue<>();
    private final List<SseEmitter> clients = new CopyOnWriteArrayList<>();
    /** Touched by the push thread only. */
    private final Deque<String> history = new ArrayDeque<>();
    /** Nodes coming up, syncing and going down change the cluster view: the next push sends it again. */
    private final SynEventListener nodeChanges = new SynEventListener() {
        @Override
        public void onEvent(SynEvent event) {}

        @Override
        public void onNodeEvent(NodeEvent event) {
            membershipChanged = true;
        }
    };
    private volatile boolean membershipChanged = true;
    private @Nullable ClusterSnapshot lastSnapshot;
    private String lastSnapshotJson = "";
    private long lastComputed;
    private long lastWrite = System.currentTimeMillis();
    private @Nullable ScheduledExecutorService pusher;

    public DashboardStream(NodeRegistry syn, ObjectMapper json) {
        this.syn = syn;
        this.json = json;
        syn.addListener(nodeChanges);
    }

    /** Every registry and group event of this node, from the starter's ApplicationEvent bridge. */
    @EventListener
    public void on(SynApplicationEvent event) {
        if (!incoming.offer(EventView.of(event.getEvent(), event.getTimestamp()))) {
            overflow.incrementAndGet();
        }
    }

    /** A new dashboard: its stream starts with the current snapshot and the recent events. */
    public SseEmitter subscribe() {
        SseEmitter emitter = new SseEmitter(0L);
        emitter.onCompletion(() -> clients.remove(emitter));
        emitter.onTimeout(() -> clients.remove(emitter));
        emitter.onError(error -> clients.remove(emitter));
        newcomers.add(emitter);
        return emitter;
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dashboard-push");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        pusher = executor;
    }

    /** Closes the streams first, so that a graceful shutdown does not wait for open dashboards. */
    @Override
    public void stop() {
        ScheduledExecutorService executor = pusher;
        pusher = null;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.forEach(SseEmitter::complete);
        clients.clear();
        syn.removeListener(nodeChanges);
    }

    @Override
    public boolean isRunning() {
        return pusher != null;
    }

    private void tick() {
        try {
            push();
        } catch (RuntimeException e) {
            log.warn("dashboard push failed", e);
        }
    }

    private void push() {
        long now = System.currentTimeMillis();
        List<EventView> batch = new ArrayList<>();
        incoming.drainTo(batch, MAX_EVENTS_PER_TICK);
        long dropped = overflow.getAndSet(0);
        if (batch.size() == MAX_EVENTS_PER_TICK) {
            dropped += incoming.size();
            incoming.clear();
        }
        boolean recompute = !batch.isEmpty() || membershipChanged || now - lastComputed >= RECOMPUTE_MILLIS
                || !newcomers.isEmpty();
        if (recompute) {
            membershipChanged = false;
            lastComputed = now;
            ClusterSnapshot snapshot = ClusterSnapshot.of(syn);
            if (!snapshot.equals(lastSnapshot)) {
                lastSnapshot = snapshot;
                lastSnapshotJson = json.writeValueAsString(snapshot);
                sendAll(clients, "snapshot", lastSnapshotJson);
            }
        }
        for (SseEmitter newcomer; (newcomer = newcomers.poll()) != null;) {
            List<SseEmitter> one = List.of(newcomer);
            sendAll(one, "snapshot", lastSnapshotJson);
            for (String event : history) {
                sendAll(one, "syn", event);
            }
            clients.add(newcomer);
        }
        for (EventView event : batch) {
            String data = json.writeValueAsString(event);
            history.addLast(data);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            sendAll(clients, "syn", data);
        }
        if (dropped > 0) {
            sendAll(clients, "dropped", "{\"count\":" + dropped + "}");
        }
        if (now - lastWrite >= KEEPALIVE_MILLIS) {
            for (SseEmitter client : clients) {
                send(client, SseEmitter.event().comment("keep-alive"));
            }
            lastWrite = now;
        }
    }

    private void sendAll(List<SseEmitter> targets, String name, String data) {
        if (targets.isEmpty()) {
            return;
        }
        lastWrite = System.currentTimeMillis();
        for (SseEmitter client : targets) {
            send(client, SseEmitter.event().name(name).data(data));
        }
    }

    private void send(SseEmitter client, SseEmitter.SseEventBuilder event) {
        try {
            client.send(event);
        } catch (IOException | IllegalStateException gone) {
            clients.remove(client);
            client.completeWithError(gone);
        }
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
