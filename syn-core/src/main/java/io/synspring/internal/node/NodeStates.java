package io.synspring.internal.node;

import io.synspring.NodeId;
import io.synspring.events.NodeEvent;
import io.synspring.internal.scope.EventBus;
import io.synspring.internal.scope.PeerSync;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The other nodes' states as this node sees them, from membership and from each scope's sync with them, told
 * as {@link NodeEvent}s: up, synced once every shared scope is, unsynced when one falls behind, down.
 */
public final class NodeStates implements PeerSync {

    private final Set<String> localScopes;
    private final EventBus events;
    /** Per visible node: the shared scopes not in sync with it. */
    private final Map<NodeId, Set<String>> unsynced = new HashMap<>();
    private final Set<NodeId> synced = new HashSet<>();
    private final Set<NodeId> leaving = new HashSet<>();

    public NodeStates(Set<String> localScopes, EventBus events) {
        this.localScopes = localScopes;
        this.events = events;
    }

    /** {@code node} became visible in {@code scopes}: unsynced in each scope this node shares with it. */
    public synchronized void up(NodeId node, Set<String> scopes) {
        Set<String> shared = new HashSet<>(scopes);
        shared.retainAll(localScopes);
        unsynced.put(node, shared);
        synced.remove(node);
        leaving.remove(node);
        events.publish(new NodeEvent.Up(node, Set.copyOf(scopes), Instant.now()));
        if (shared.isEmpty()) {
            markSynced(node);
        }
    }

    /** {@code node} said it is leaving (it shuts down): its coming down is a departure, not a failure. */
    public synchronized void leaving(NodeId node) {
        if (unsynced.containsKey(node)) {
            leaving.add(node);
        }
    }

    /** {@code node} is no longer visible. */
    public synchronized void down(NodeId node) {
        if (unsynced.remove(node) != null) {
            synced.remove(node);
            events.publish(new NodeEvent.Down(node, leaving.remove(node), Instant.now()));
        }
    }

    @Override
    public synchronized void changed(String scope, NodeId peer, boolean inSync) {
        Set<String> scopes = unsynced.get(peer);
        if (scopes == null) {
            return; // not visible (any more): its state is told at its next up
        }
        if (inSync) {
            if (scopes.remove(scope) && scopes.isEmpty()) {
                markSynced(peer);
            }
        } else if (scopes.add(scope) && synced.remove(peer)) {
            events.publish(new NodeEvent.Unsynced(peer, Instant.now()));
        }
    }

    private void markSynced(NodeId node) {
        if (synced.add(node)) {
            events.publish(new NodeEvent.Synced(node, Instant.now()));
        }
    }
}
