package io.synspring.events;

/**
 * Receives every registry and group event of the node's scopes, in the order the node applied them, and, if
 * it wants them, the other nodes' {@link NodeEvent}s in order with those. Runs on an engine thread, never
 * while the engine holds a lock; an exception is logged and ignored.
 */
@FunctionalInterface
public interface SynEventListener {

    void onEvent(SynEvent event);

    /** Another node came up, became synced, fell out of sync or went down. Ignored unless overridden. */
    default void onNodeEvent(NodeEvent event) {}
}
