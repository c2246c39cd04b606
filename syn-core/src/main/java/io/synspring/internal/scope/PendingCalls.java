package io.synspring.internal.scope;

import io.synspring.NodeId;
import io.synspring.NodeUnavailableException;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Calls waiting for answers from other nodes or processes, by call id: operations routed to an owner node
 * and multi-calls to group members. A call involving a node that leaves, or a process that exits, hears
 * about it at once instead of waiting for its timeout.
 */
public final class PendingCalls {

    /** Something waiting for answers. */
    public interface Waiter {
        /** An answer arrived. */
        void answer(Object answer);

        /** {@code node} left; fail or discount what it owed. */
        void nodeDown(NodeId node);

        /** {@code process} exited ({@code reason}, when known); discount what it owed. */
        default void processExited(ProcessRef process, @Nullable ExitReason reason) {}

        /** Whether the waiter is done and can be forgotten. */
        boolean isDone();
    }

    /** A call in flight to one node, answered once. */
    public record Pending(long id, NodeId node, CompletableFuture<Object> future) implements Waiter {
        @Override
        public void answer(Object answer) {
            future.complete(answer);
        }

        @Override
        public void nodeDown(NodeId down) {
            if (node.equals(down)) {
                future.completeExceptionally(
                        new NodeUnavailableException(node, "node " + node + " left before answering"));
            }
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();

    /** Starts a call to {@code node} answered once. */
    public Pending start(NodeId node) {
        Pending call = new Pending(ids.incrementAndGet(), node, new CompletableFuture<>());
        waiting.put(call.id(), call);
        call.future().whenComplete((result, error) -> waiting.remove(call.id()));
        return call;
    }

    /** A fresh call id for {@code waiter}; {@link #forget(long)} it when done. */
    public long register(Waiter waiter) {
        long id = ids.incrementAndGet();
        waiting.put(id, waiter);
        return id;
    }

    public void forget(long id) {
        waiting.remove(id);
    }

    /** An answer to call {@code id}; ignored if nobody waits for it any more. */
    public void complete(long id, Object answer) {
        Waiter waiter = waiting.get(id);
        if (waiter != null) {
            waiter.answer(answer);
        }
    }

    public void nodeDown(NodeId node) {
        waiting.values().forEach(waiter -> waiter.nodeDown(node));
        waiting.values().removeIf(Waiter::isDone);
    }

    public void processExited(ProcessRef process, @Nullable ExitReason reason) {
        if (!waiting.isEmpty()) {
            waiting.values().forEach(waiter -> waiter.processExited(process, reason));
        }
    }
}
