package io.synspring.internal.scope;

import io.synspring.NodeId;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.replica.Change;
import io.synspring.internal.replica.ChangeBatch;
import io.synspring.internal.wire.WireCodec;
import io.synspring.internal.wire.WireMessage.Deltas;
import io.synspring.internal.wire.WireMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one scope of this node sends, in order: each change of a local process stamped with the next
 * sequence number and batched with the changes next to it for every peer, and direct messages for some
 * nodes between them. A serial flusher encodes each item once and hands it to the links. Appended to under
 * the scope lock.
 */
final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final int MAX_BATCH = 2048;

    /** A message for some nodes ({@code to}), or for every peer ({@code null}: the deltas). */
    private record Outgoing(@Nullable List<NodeId> to, WireMessage message) {}

    private final String scope;
    private final NodeId self;
    private final ReentrantLock lock;
    private final Set<NodeId> peers;
    private final WireCodec codec;
    private final HazelcastCluster cluster;
    private final SerialExecutor flusher;

    // guarded by lock
    private long seq;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private @Nullable List<Change> openBatch;
    private long openBatchFirstSeq;
    private boolean flushScheduled;
    /** This node said goodbye: nothing more is sent. */
    private boolean closed;

    Outbox(String scope, NodeId self, ReentrantLock lock, Set<NodeId> peers, WireCodec codec, HazelcastCluster cluster,
            Executor pool) {
        this.scope = scope;
        this.self = self;
        this.lock = lock;
        this.peers = peers;
        this.codec = codec;
        this.cluster = cluster;
        this.flusher = new SerialExecutor("scope " + scope + " outbound", pool);
    }

    /** The sequence number of this node's latest change. Under the lock. */
    long seq() {
        return seq;
    }

    /** Whether this node said goodbye. Under the lock. */
    boolean isClosed() {
        return closed;
    }

    /** Stamps a change of a local process and queues it for every peer. Under the lock. */
    void append(Change change) {
        if (closed) {
            return;
        }
        seq++;
        if (openBatch == null) {
            openBatch = new ArrayList<>();
            openBatchFirstSeq = seq;
        }
        openBatch.add(change);
        if (openBatch.size() >= MAX_BATCH) {
            closeBatch();
        }
        scheduleFlush();
    }

    /** Queues {@code message} for {@code to}, after everything queued before. Under the lock. */
    void send(NodeId to, WireMessage message) {
        send(List.of(to), message);
    }

    /** Queues {@code message}, encoded once, for each of {@code to}. Under the lock. */
    void send(List<NodeId> to, WireMessage message) {
        closeBatch();
        queue.add(new Outgoing(to, message));
        scheduleFlush();
    }

    /** Tells every peer this node is leaving, after everything queued before; nothing is sent after. Under the lock. */
    void close() {
        for (NodeId peer : peers) {
            send(peer, new WireMessage.Leaving(self, scope));
        }
        closed = true;
    }

    /** Waits until everything queued so far has been handed to the links. */
    void awaitFlushed(Duration timeout) {
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        flusher.execute(() -> flushed.complete(null));
        try {
            flushed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("scope {}: the outbox was not flushed within {}", scope, timeout);
        }
    }

    private void closeBatch() {
        if (openBatch != null) {
            queue.add(new Outgoing(null, new Deltas(self, new ChangeBatch(scope, self, openBatchFirstSeq, openBatch))));
            openBatch = null;
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            flusher.execute(this::flush);
        }
    }

    private void flush() {
        List<Outgoing> items;
        List<NodeId> targets;
        lock.lock();
        try {
            closeBatch();
            items = new ArrayList<>(queue);
            queue.clear();
            flushScheduled = false;
            targets = List.copyOf(peers);
        } finally {
            lock.unlock();
        }
        for (Outgoing item : items) {
            List<NodeId> to = item.to() != null ? item.to() : targets;
            if (!to.isEmpty()) {
                codec.encode(item.message(), packet -> {
                    for (NodeId peer : to) {
                        cluster.send(peer, packet);
                    }
                });
            }
        }
    }
}
