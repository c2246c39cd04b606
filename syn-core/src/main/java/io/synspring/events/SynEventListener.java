package io.synspring.events;

/**
 * Receives every registry and group event of the node's scopes, in the order the node applied them.
 * Runs on an engine thread, never while the engine holds a lock; an exception is logged and ignored.
 */
@FunctionalInterface
public interface SynEventListener {

    void onEvent(SynEvent event);
}
