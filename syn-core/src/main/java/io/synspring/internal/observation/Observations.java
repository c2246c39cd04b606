package io.synspring.internal.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.synspring.NodeId;
import io.synspring.NodeUnavailableException;
import io.synspring.observation.DefaultSynReceiverObservationConvention;
import io.synspring.observation.DefaultSynSenderObservationConvention;
import io.synspring.observation.SynObservation;
import io.synspring.observation.SynReceiverContext;
import io.synspring.observation.SynReceiverObservationConvention;
import io.synspring.observation.SynSenderContext;
import io.synspring.observation.SynSenderObservationConvention;
import io.synspring.process.CallRefusedException;
import io.synspring.process.ProcessExitedException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's observations: off (nothing created, nothing added to the wire) with {@link ObservationRegistry#NOOP}
 * or a registry without handlers; callers check {@link #on()} first and keep their unobserved path as it is.
 */
public final class Observations {

    private static final Logger log = LoggerFactory.getLogger(Observations.class);
    /** Observations off: what a node without a registry uses. */
    public static final Observations OFF = new Observations(ObservationRegistry.NOOP, null, null);
    /** The scope key value of what belongs to no scope (a message sent to a process reference). */
    public static final String NO_SCOPE = "none";
    public static final String ERROR = "ERROR";
    /** The most entries a trace context may have to travel (W3C or B3 propagation needs one to three). */
    public static final int MAX_TRACE_ENTRIES = 16;
    /** The most characters, keys and values together, a trace context may have to travel. */
    public static final int MAX_TRACE_CHARS = 4096;
    private static final AtomicBoolean warned = new AtomicBoolean();

    private final ObservationRegistry registry;
    private final boolean never;
    private final @Nullable SynSenderObservationConvention senderConvention;
    private final @Nullable SynReceiverObservationConvention receiverConvention;

    public Observations(ObservationRegistry registry, @Nullable SynSenderObservationConvention senderConvention,
            @Nullable SynReceiverObservationConvention receiverConvention) {
        this.registry = registry;
        this.never = registry == ObservationRegistry.NOOP;
        this.senderConvention = senderConvention;
        this.receiverConvention = receiverConvention;
    }

    /** Whether observations are made: a registry with at least one handler. */
    public boolean on() {
        return !never && !registry.isNoop();
    }

    /** Work that is given the trace context to send along ({@code null}: none). */
    @FunctionalInterface
    public interface Traced<T> {
        T run(@Nullable Map<String, String> trace);
    }

    /** Work done for another node. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Observes {@code action}, which sends something to another node (and waits for its answer) with the trace
     * context it is given; its outcome is {@code outcome} of the result, or {@link #ERROR} when it throws.
     */
    public <T> T send(String operation, String scope, @Nullable NodeId peer, Kind kind, Traced<T> action,
            Function<? super T, String> outcome) {
        SynSenderContext context = new SynSenderContext(operation, scope, peer, kind);
        Observation observation = startSend(context);
        try (Observation.Scope ignored = observation.openScope()) {
            T result = action.run(trace(context));
            context.setOutcome(outcome.apply(result));
            return result;
        } catch (Throwable e) {
            context.setOutcome(ERROR);
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    /**
     * Runs {@code action}, which sends this node's snapshot to {@code peer} ({@code null}: several peers) when
     * {@code sent}, or applies a part of {@code peer}'s snapshot otherwise: observed as a {@code snapshot} when on.
     */
    public void snapshot(String scope, @Nullable NodeId peer, boolean sent, Runnable action) {
        if (!on()) {
            action.run();
        } else if (sent) {
            send("snapshot", scope, peer, Kind.PRODUCER, trace -> {
                action.run();
                return "SENT";
            }, outcome -> outcome);
        } else {
            receive(new SynReceiverContext("snapshot", scope, peer, Map.of(), Kind.CONSUMER), () -> {
                action.run();
                return "OK";
            }, outcome -> outcome);
        }
    }

    /** Starts observing a send; stop it when done. {@link #trace} then gives the context to send along. */
    public Observation startSend(SynSenderContext context) {
        return SynObservation.SEND.observation(senderConvention, DefaultSynSenderObservationConvention.INSTANCE,
                () -> context, registry).start();
    }

    /**
     * Observes {@code work}, done for another node, as current (so what it logs and sends continues the trace
     * that came with it); its outcome is {@code outcome} of the result, or {@link #ERROR} when it throws.
     */
    public <T, E extends Exception> T receive(SynReceiverContext context, Work<T, E> work,
            Function<? super T, String> outcome) throws E {
        Observation observation = SynObservation.RECEIVE.observation(receiverConvention,
                DefaultSynReceiverObservationConvention.INSTANCE, () -> context, registry).start();
        try (Observation.Scope ignored = observation.openScope()) {
            T result = work.run();
            context.setOutcome(outcome.apply(result));
            return result;
        } catch (Throwable e) {
            context.setOutcome(ERROR);
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    /** The outcome of a call that failed with {@code failure}. */
    public static String outcomeOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof TimeoutException) {
            return "TIMEOUT";
        } else if (cause instanceof CallRefusedException refused) {
            return refused.result().name();
        } else if (cause instanceof ProcessExitedException) {
            return "EXITED";
        } else if (cause instanceof NodeUnavailableException) {
            return "NODE_UNAVAILABLE";
        }
        return ERROR;
    }

    /** The trace context a started send filled in, to travel with it: {@code null} when empty or too large. */
    public static @Nullable Map<String, String> trace(SynSenderContext context) {
        Map<String, String> carrier = context.getCarrier();
        return carrier == null || carrier.isEmpty() ? null : bounded(carrier, "to send");
    }

    /**
     * {@code trace} if it is small enough to travel ({@value #MAX_TRACE_ENTRIES} entries and
     * {@value #MAX_TRACE_CHARS} characters at most), otherwise {@code null}, logged: the message then goes
     * without it, and the trace is cut there.
     */
    public static @Nullable Map<String, String> bounded(Map<String, String> trace, String what) {
        int chars = 0;
        for (Map.Entry<String, String> entry : trace.entrySet()) {
            chars += entry.getKey().length() + entry.getValue().length();
        }
        if (trace.size() <= MAX_TRACE_ENTRIES && chars <= MAX_TRACE_CHARS) {
            return trace;
        }
        String message = "dropped a trace context {} of {} entries and {} characters (at most " + MAX_TRACE_ENTRIES
                + " and " + MAX_TRACE_CHARS + "): the message goes on without it. Keep baggage small";
        if (warned.compareAndSet(false, true)) {
            log.warn(message, what, trace.size(), chars);
        } else {
            log.debug(message, what, trace.size(), chars);
        }
        return null;
    }
}
