package io.synspring.internal.process;

import io.synspring.NodeId;
import io.synspring.process.CallRefusedException;
import io.synspring.process.MessageContext;
import io.synspring.process.ProcessExitedException;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import io.synspring.internal.observation.Observations;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Delivers messages to processes wherever they run. */
public interface Messenger {

    /**
     * Sends {@code message} to {@code process}: into its mailbox when it is local, over the network
     * otherwise (the message must then be serializable). The sender is the calling process, if any.
     * {@code scope}: the scope it was looked up in, or {@code none}, for its observation.
     */
    SendResult send(ProcessRef process, Object message, String scope);

    /**
     * Sends {@code request} to {@code process} as a call: the future completes with the process's
     * {@link MessageContext#reply reply}, or fails with {@link CallRefusedException} (not delivered),
     * {@link ProcessExitedException} (it exited first), {@link io.synspring.NodeUnavailableException} (its
     * node left) or {@link java.util.concurrent.TimeoutException} (no reply within {@code timeout}).
     * {@code scope}: the scope it was looked up in, or {@code none}, for its observation.
     */
    <R> CompletableFuture<R> call(ProcessRef process, Object request, Duration timeout, String scope);

    /**
     * Delivers one message to several processes of {@code node}: one network message for a remote node, with
     * {@code trace} (the observing caller's trace context) if not {@code null}.
     *
     * @return how many processes it was handed to (for a remote node: all of them, or none when the link to it
     *     refused the message: back-pressure, or the node is gone)
     */
    int deliver(NodeId node, long[] processIds, Object message, @Nullable ReplyTo replyTo,
            @Nullable Map<String, String> trace);

    /** The node's observations. */
    Observations observations();

    /**
     * Whether an entry of {@code process} read from a replica may be shown: {@code false} for a local process
     * that has exited (even before its cleanup ran), {@code true} for a remote one. Only for processes
     * holding entries in a replica.
     */
    boolean isAliveOrRemote(ProcessRef process);

    /**
     * Whether no local process is exiting. Read <em>before</em> reading an entry, {@code true} means the
     * entry's process was alive when the read began, and the read may skip {@link #isAliveOrRemote} (and the
     * memory of the entry's process reference). Read after, it proves nothing: the process may have exited
     * and been cleaned up in between.
     */
    default boolean noneExiting() {
        return false;
    }
}
