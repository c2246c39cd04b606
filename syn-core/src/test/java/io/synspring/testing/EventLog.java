package io.synspring.testing;

import io.synspring.events.NodeEvent;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/** Records every event one node fires, in the order its listeners got them, for assertions. */
public final class EventLog implements SynEventListener {

    private final Queue<SynEvent> events = new ConcurrentLinkedQueue<>();
    private final Queue<NodeEvent> nodeEvents = new ConcurrentLinkedQueue<>();
    private final int index;

    public EventLog(int index) {
        this.index = index;
    }

    /** Records the events of node {@code index} of {@code cluster}. */
    public static EventLog on(TestCluster cluster, int index) {
        EventLog log = new EventLog(index);
        cluster.node(index).addListener(log);
        return log;
    }

    /** Records the events of every running node of {@code cluster}, in node order. */
    public static List<EventLog> onEveryNode(TestCluster cluster) {
        return IntStream.range(0, cluster.size()).filter(i -> cluster.node(i) != null).mapToObj(i -> on(cluster, i))
                .collect(Collectors.toList());
    }

    /** The index of the node in its test cluster. */
    public int index() {
        return index;
    }

    @Override
    public void onEvent(SynEvent event) {
        events.add(event);
    }

    @Override
    public void onNodeEvent(NodeEvent event) {
        nodeEvents.add(event);
    }

    /** The node events, in order. */
    public List<NodeEvent> nodeEvents() {
        return List.copyOf(nodeEvents);
    }

    public List<SynEvent> all() {
        return List.copyOf(events);
    }

    public <T extends SynEvent> List<T> of(Class<T> type, Predicate<T> filter) {
        return events.stream().filter(type::isInstance).map(type::cast).filter(filter).collect(Collectors.toList());
    }

    public <T extends SynEvent> List<T> of(Class<T> type) {
        return of(type, event -> true);
    }

    /** The registry events about {@code name}, in order. */
    public List<SynEvent> about(String name) {
        return events.stream().filter(event -> name.equals(nameOf(event))).collect(Collectors.toList());
    }

    /** The events of {@code type} about {@code name}, in order. */
    public <T extends SynEvent> List<T> about(String name, Class<T> type) {
        return about(name).stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    public void clear() {
        events.clear();
    }

    @Override
    public String toString() {
        return "events of node " + (index + 1) + ": " + events;
    }

    /** The registered name an event is about, or null for a group event. */
    public static @Nullable String nameOf(SynEvent event) {
        if (event instanceof SynEvent.Registered registered) {
            return registered.name();
        } else if (event instanceof SynEvent.RegistryUpdated updated) {
            return updated.name();
        } else if (event instanceof SynEvent.Unregistered unregistered) {
            return unregistered.name();
        }
        return null;
    }
}
