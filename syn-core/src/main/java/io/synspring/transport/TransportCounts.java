package io.synspring.transport;

import io.synspring.NodeId;
import java.util.Map;

/**
 * What crossed a node's links since it started.
 *
 * @param messagesSent messages queued for other nodes
 * @param bytesSent their payload bytes
 * @param writes the writes to connections that carried them (each carries one frame or many packed together)
 * @param messagesReceived messages received from other nodes
 * @param bytesReceived their payload bytes
 * @param resent messages sent again after a connection broke
 * @param reconnects connections to other nodes that broke and were opened again
 * @param refused links refused because the other end did not prove who it is (certificate, shared secret)
 * @param dropped messages received that never reached their process, by reason
 * @param undelivered messages this node sent that their node could not hand to their process, by reason (the
 *     other node's drops, reported back)
 * @param peers the same counts for each node this node has a link with, and whether it is unreachable
 */
public record TransportCounts(long messagesSent, long bytesSent, long writes, long messagesReceived, long bytesReceived,
        long resent, long reconnects, long refused, Map<DropReason, Long> dropped,
        Map<DropReason, Long> undelivered, Map<NodeId, PeerCounts> peers) {

    public TransportCounts {
        dropped = Map.copyOf(dropped);
        undelivered = Map.copyOf(undelivered);
        peers = Map.copyOf(peers);
    }
}
