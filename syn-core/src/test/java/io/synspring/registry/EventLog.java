package io.synspring.registry;

import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Records every event one node fires, in the order its listeners got them. */
final class EventLog implements SynEventListener {

    private final List<SynEvent> events = new CopyOnWriteArrayList<>();
    private final int index;

    private EventLog(int index) {
        this.index = index;
    }

    /** Records the events of node {@code index} of {@code cluster}. */
    static EventLog on(TestCluster cluster, int index) {
        EventLog log = new EventLog(index);
        cluster.node(index).addListener(log);
        return log;
    }

    /** Records the events of every node of a 3-node cluster. */
    static List<EventLog> onEveryNode(TestCluster cluster) {
        return IntStream.range(0, 3).mapToObj(i -> on(cluster, i)).collect(Collectors.toList());
    }

    /** The index of the node in its test cluster. */
    int index() {
        return index;
    }

    @Override
    public void onEvent(SynEvent event) {
        events.add(event);
    }

    /** The registry events about {@code name}, in order. */
    List<SynEvent> about(String name) {
        return events.stream().filter(event -> name.equals(nameOf(event))).collect(Collectors.toList());
    }

    /** The events of {@code type} about {@code name}, in order. */
    <T extends SynEvent> List<T> about(String name, Class<T> type) {
        return about(name).stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return "events of node " + (index + 1) + ": " + events;
    }

    List<SynEvent> all() {
        return List.copyOf(events);
    }

    static String nameOf(SynEvent event) {
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
