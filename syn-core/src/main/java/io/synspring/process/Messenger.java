package io.synspring.process;

import io.synspring.cluster.NodeId;
import org.jspecify.annotations.Nullable;

/** Delivers messages to processes wherever they run. */
public interface Messenger {

    /**
     * Sends {@code message} to {@code process}: into its mailbox when it is local, over the network
     * otherwise (the message must then be serializable). The sender is the calling process, if any.
     */
    SendResult send(ProcessRef process, Object message);

    /**
     * Delivers one message to several processes of {@code node}: one network message for a remote node.
     *
     * @return how many processes it was handed to (for a remote node: all of them)
     */
    int deliver(NodeId node, long[] processIds, Object message, @Nullable ReplyTo replyTo);

    /** Whether {@code process} is alive, when it is local; {@code true} for a remote one. */
    boolean isAliveOrRemote(ProcessRef process);
}
