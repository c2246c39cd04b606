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
