package io.synspring.process;

import io.synspring.cluster.NodeId;

/** Where the answer to a call goes: the calling node and its call id. */
public record ReplyTo(NodeId node, long callId) {}
