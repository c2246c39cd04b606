package io.synspring.transport;

/**
 * What crossed the links with one other node since this node first linked with it.
 *
 * @param messagesSent messages queued for the peer
 * @param bytesSent their payload bytes
 * @param messagesReceived messages received from the peer
 * @param bytesReceived their payload bytes
 * @param resent messages sent to the peer again after a connection broke
 * @param reconnects connections to the peer that broke and were opened again
 * @param unreachable whether the link to the peer has delivered nothing for longer than the settings allow
 */
public record PeerCounts(long messagesSent, long bytesSent, long messagesReceived, long bytesReceived, long resent,
        long reconnects, boolean unreachable) {}
