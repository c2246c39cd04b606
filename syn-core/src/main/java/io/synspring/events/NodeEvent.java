package io.synspring.events;

import io.synspring.NodeId;
import java.time.Instant;
import java.util.Set;

/**
 * What happens to another Syn node as this node sees it: it comes up, this node holds all its entries
 * (synced), loses track of some (unsynced), and it goes down. Delivered to
 * {@link SynEventListener#onNodeEvent} in order with the registry and group events.
 */
public sealed interface NodeEvent {

    /** The node this is about. */
    NodeId node();

    /** When this node saw it happen. */
    Instant time();

    /** {@code node} became visible (with secure links: its link proved who it is), in {@code scopes}. */
    record Up(NodeId node, Set<String> scopes, Instant time) implements NodeEvent {}

    /** This node now holds every entry of {@code node} in each scope they share. */
    record Synced(NodeId node, Instant time) implements NodeEvent {}

    /**
     * This node no longer holds every entry of {@code node} in some shared scope (a gap in its changes, a
     * snapshot part lost): it is catching up, and the node is synced again when it has.
     */
    record Unsynced(NodeId node, Instant time) implements NodeEvent {}

    /**
     * {@code node} is gone, and its entries with it: {@code left} when it said goodbye (it shut down),
     * otherwise it crashed or was cut off.
     */
    record Down(NodeId node, boolean left, Instant time) implements NodeEvent {}
}
