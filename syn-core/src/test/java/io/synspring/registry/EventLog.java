package io.synspring.registry;

import io.synspring.NodeRegistry;
import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records every event one node fires, in the order its listeners got them. */
final class EventLog implements SynEventListener {

    private final List<SynEvent> events = new CopyOnWriteArrayList<>();

    static EventLog on(NodeRegistry node) {
        EventLog log = new EventLog();
        node.addListener(log);
        return log;
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
