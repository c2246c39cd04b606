package io.synspring.internal.node;

import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.Kind;
import io.synspring.NodeId;
import io.synspring.NodeUnavailableException;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.process.Envelope;
import io.synspring.internal.process.Messenger;
import io.synspring.internal.process.ProcessTable;
import io.synspring.internal.process.ReplyTo;
import io.synspring.internal.scope.Guard;
import io.synspring.internal.scope.PendingCalls;
import io.synspring.internal.transport.Transport;
import io.synspring.internal.wire.WireCodec;
import io.synspring.internal.wire.WireMessage;
import io.synspring.observation.SynSenderContext;
import io.synspring.process.CallRefusedException;
import io.synspring.process.DeliveryResult;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessExitedException;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Delivers messages and calls to processes wherever they run: into a local mailbox at once, or over the
 * link to the process's node; and carries a handler's reply back to its caller.
 */
public final class NodeMessenger implements Messenger {

    private final NodeId self;
    /** Its own reference: a lookup's "none exiting" read is one load shorter than through the node. */
    private final ProcessTable processes;
    private final HazelcastCluster cluster;
    private final WireCodec codec;
    private final Guard guard;
    private final PendingCalls calls;
    private final Observations observations;

    public NodeMessenger(NodeId self, ProcessTable processes, HazelcastCluster cluster, WireCodec codec, Guard guard,
            PendingCalls calls, Observations observations) {
        this.observations = observations;
        this.self = self;
        this.processes = processes;
        this.cluster = cluster;
        this.codec = codec;
        this.guard = guard;
        this.calls = calls;
    }

    @Override
    public SendResult send(ProcessRef process, Object message, String scope) {
        Objects.requireNonNull(message, "message");
        ProcessRef sender = ProcessTable.current().orElse(null);
        if (process.node().equals(self)) {
            return toSendResult(processes.deliver(process.id(), new Envelope(message, sender, null)));
        }
        guard.message(message);
        if (observations.on()) {
            return observations.send("send", scope, process.node(), Kind.PRODUCER,
                    trace -> sendRemote(process, sender, message, trace), SendResult::name);
        }
        return sendRemote(process, sender, message, null);
    }

    private SendResult sendRemote(ProcessRef process, @Nullable ProcessRef sender, Object message,
            @Nullable Map<String, String> trace) {
        Transport.Outcome outcome = cluster.sendBounded(process.node(), codec.encode(
                new WireMessage.Deliver(self, new long[] {process.id()}, sender, message, null, trace)));
        return switch (outcome) {
            case SENT -> SendResult.SENT;
            case BACKPRESSURE -> SendResult.BACKPRESSURE;
            // its node left, or it belongs to an earlier incarnation of a node
            case NO_LINK -> SendResult.NOT_ALIVE;
        };
    }

    @Override
    public <R> CompletableFuture<R> call(ProcessRef process, Object request, Duration timeout, String scope) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        SingleCall<R> call = new SingleCall<>(process);
        long id = calls.register(call);
        call.future.whenComplete((reply, failure) -> calls.forget(id));
        ProcessRef sender = ProcessTable.current().orElse(null);
        SendResult sent;
        if (process.node().equals(self)) {
            sent = toSendResult(processes.deliver(process.id(), new Envelope(request, sender, new ReplyTo(self, id))));
        } else {
            guard.message(request);
            Map<String, String> trace = null;
            if (observations.on()) {
                SynSenderContext context = new SynSenderContext("call", scope, process.node(), Kind.CLIENT);
                Observation observation = observations.startSend(context);
                trace = Observations.trace(context);
                call.future.whenComplete((reply, failure) -> {
                    context.setOutcome(failure == null ? "REPLIED" : Observations.outcomeOf(failure));
                    if (failure != null) {
                        observation.error(failure);
                    }
                    observation.stop();
                });
            }
            Transport.Outcome outcome = cluster.sendBounded(process.node(), codec.encode(new WireMessage.Deliver(
                    self, new long[] {process.id()}, sender, request, new ReplyTo(self, id), trace)));
            if (outcome == Transport.Outcome.NO_LINK) {
                call.future.completeExceptionally(new NodeUnavailableException(process.node(), "node "
                        + process.node() + " of " + process + " is not a member of the cluster"));
                return call.future;
            }
            sent = outcome == Transport.Outcome.SENT ? SendResult.SENT : SendResult.BACKPRESSURE;
        }
        if (sent != SendResult.SENT) {
            call.future.completeExceptionally(new CallRefusedException(sent,
                    "the call to " + process + " was not delivered: " + sent));
        }
        return call.future.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int deliver(NodeId node, long[] processIds, Object message, @Nullable ReplyTo replyTo,
            @Nullable Map<String, String> trace) {
        ProcessRef sender = ProcessTable.current().orElse(null);
        if (!node.equals(self)) {
            Transport.Outcome outcome = cluster.sendBounded(node,
                    codec.encode(new WireMessage.Deliver(self, processIds, sender, message, replyTo, trace)));
            return outcome == Transport.Outcome.SENT ? processIds.length : 0;
        }
        Envelope envelope = new Envelope(message, sender, replyTo);
        int delivered = 0;
        for (long id : processIds) {
            if (processes.deliver(id, envelope) == DeliveryResult.DELIVERED) {
                delivered++;
            }
        }
        return delivered;
    }

    @Override
    public Observations observations() {
        return observations;
    }

    @Override
    public boolean isAliveOrRemote(ProcessRef process) {
        return !process.node().equals(self) || processes.isAlive(process);
    }

    @Override
    public boolean noneExiting() {
        return processes.noneExiting();
    }

    /** Carries {@code reply}, from the local process {@code from}, to the caller waiting for it. */
    public void reply(ReplyTo to, ProcessRef from, Object reply) {
        if (to.node().equals(self)) {
            calls.complete(to.callId(), new WireMessage.Reply(self, to.callId(), from, reply));
        } else {
            guard.message(reply);
            cluster.send(to.node(), codec.encode(new WireMessage.Reply(self, to.callId(), from, reply)));
        }
    }

    /** A call to one process, answered once. */
    private static final class SingleCall<R> implements PendingCalls.Waiter {
        final CompletableFuture<R> future = new CompletableFuture<>();
        private final ProcessRef process;

        SingleCall(ProcessRef process) {
            this.process = process;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void answer(Object answer) {
            if (answer instanceof WireMessage.Reply reply && reply.process().equals(process)) {
                future.complete((R) reply.reply());
            } else if (answer instanceof WireMessage.Undelivered undelivered
                    && undelivered.from().equals(process.node())
                    && Arrays.stream(undelivered.targets()).anyMatch(id -> id == process.id())) {
                SendResult result = undelivered.mailboxFull() ? SendResult.MAILBOX_FULL : SendResult.NOT_ALIVE;
                future.completeExceptionally(new CallRefusedException(result, "the call to " + process
                        + " was not delivered on its node: " + result));
            }
        }

        @Override
        public void nodeDown(NodeId node) {
            if (process.node().equals(node)) {
                future.completeExceptionally(new NodeUnavailableException(node, "node " + node + " of " + process
                        + " left before " + process + " replied"));
            }
        }

        @Override
        public void processExited(ProcessRef exited, @Nullable ExitReason reason) {
            if (process.equals(exited)) {
                future.completeExceptionally(new ProcessExitedException(process, reason));
            }
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }
    }

    private static SendResult toSendResult(DeliveryResult result) {
        switch (result) {
            case DELIVERED:
                return SendResult.SENT;
            case MAILBOX_FULL:
                return SendResult.MAILBOX_FULL;
            default:
                return SendResult.NOT_ALIVE;
        }
    }
}
