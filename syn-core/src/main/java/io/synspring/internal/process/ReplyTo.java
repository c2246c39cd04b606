package io.synspring.internal.process;

import io.synspring.NodeId;

/** Where the answer to a call goes: the calling node and its call id. */
public record ReplyTo(NodeId node, long callId) {}
