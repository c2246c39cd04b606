package io.synspring.internal.scope;

import io.synspring.NodeId;

/** Told when a scope's replica comes in sync with a peer (holds all its entries), or falls out of it. */
@FunctionalInterface
public interface PeerSync {

    void changed(String scope, NodeId peer, boolean synced);
}
