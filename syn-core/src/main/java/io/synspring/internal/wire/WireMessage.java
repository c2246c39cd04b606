package io.synspring.internal.wire;

import io.synspring.NodeId;
import io.synspring.internal.process.ReplyTo;
import io.synspring.internal.replica.ChangeBatch;
import io.synspring.internal.replica.OwnerSnapshot;
import io.synspring.process.ProcessRef;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one node sends another. All of it travels through the receiver's inbox in send order, so two
 * nodes see each other's messages in FIFO order, snapshots included. Encoded by {@link WireCodec}.
 */
public sealed interface WireMessage {

    /** The sending node. */
    NodeId from();

    /** A message for the sender's peer engine of one scope. */
    sealed interface ForScope extends WireMessage {
        String scope();
    }

    /** Changes of the sender's processes in one scope. */
    record Deltas(NodeId from, ChangeBatch batch) implements ForScope {
        @Override
        public String scope() {
            return batch.scope();
        }
    }

    /**
     * The sender's full state in a scope, sent when nodes meet or a receiver lost track;
     * {@code replyWanted}: the receiver answers with its own snapshot. It crosses the wire in parts (each
     * decoded as a Sync holding one part of the snapshot), back to back in the sender's order.
     */
    record Sync(NodeId from, OwnerSnapshot snapshot, boolean replyWanted) implements ForScope {
        @Override
        public String scope() {
            return snapshot.scope();
        }
    }

    /** The sender's latest change number in a scope, sent periodically so lost trailing changes are noticed. */
    record Beacon(NodeId from, String scope, long seq) implements ForScope {}

    /** The sender is leaving the scope (it is shutting down): drop its entries of that scope now. */
    record Leaving(NodeId from, String scope) implements ForScope {}

    /**
     * Asks the owner of a process to perform an operation on it, atomically, and answer. {@code trace}: the
     * caller's trace context, when it observes its operations.
     */
    record Request(NodeId from, String scope, long callId, Operation operation,
            @Nullable Map<String, String> trace) implements ForScope {

        public Request(NodeId from, String scope, long callId, Operation operation) {
            this(from, scope, callId, operation, null);
        }
    }

    /** The answer to a {@link Request}: a result value or a {@link Failure}. */
    record Response(NodeId from, String scope, long callId, Object result) implements ForScope {}

    /**
     * A message for one or more local processes of the receiver (one network message per node). {@code trace}:
     * the sender's trace context, when it observes its sends.
     */
    record Deliver(NodeId from, long[] targets, @Nullable ProcessRef sender, Object message,
            @Nullable ReplyTo replyTo, @Nullable Map<String, String> trace) implements WireMessage {

        public Deliver(NodeId from, long[] targets, @Nullable ProcessRef sender, Object message,
                @Nullable ReplyTo replyTo) {
            this(from, targets, sender, message, replyTo, null);
        }
    }

    /**
     * Tells the sender of a {@link Deliver} that its {@code targets} did not get it: their mailbox was full, or
     * they had exited ({@code mailboxFull} false). {@code callId} is the call it belonged to, or 0.
     */
    record Undelivered(NodeId from, long[] targets, boolean mailboxFull, long callId) implements WireMessage {}

    /** A process's answer to a call. */
    record Reply(NodeId from, long callId, ProcessRef process, Object reply) implements WireMessage {}

    /** An operation routed to the node that owns {@code process()}. */
    sealed interface Operation {
        ProcessRef process();

        record Register(String name, ProcessRef process, @Nullable Object meta) implements Operation {}

        record Unregister(String name, ProcessRef process) implements Operation {}

        /**
         * Sets the metadata of {@code name}, held by {@code process}, to {@code meta} if it still is
         * {@code expected}; otherwise the owner answers with a {@link Stale}. How an update computed on the
         * calling node is applied by the owner: data crosses the wire, never code.
         */
        record CompareAndSet(String name, ProcessRef process, @Nullable Object expected, @Nullable Object meta)
                implements Operation {}

        record Join(String group, ProcessRef process, @Nullable Object meta) implements Operation {}

        record Leave(String group, ProcessRef process) implements Operation {}

        /** Asks for the metadata of {@code process} in {@code group}: answered with a {@link Stale}. */
        record MemberRead(String group, ProcessRef process) implements Operation {}

        /** {@link CompareAndSet} for the metadata of {@code process} in {@code group}. */
        record MemberCompareAndSet(String group, ProcessRef process, @Nullable Object expected,
                @Nullable Object meta) implements Operation {}
    }

    /** The answer to a compare-and-set whose expected metadata was not current: here is the current one. */
    record Stale(@Nullable Object current) {}

    /** An operation that threw on the owner node. */
    record Failure(String exceptionType, String message, @Nullable Throwable cause) {}
}
