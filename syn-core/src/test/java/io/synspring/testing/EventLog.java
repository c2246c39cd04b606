package io.synspring.testing;

import io.synspring.events.SynEvent;
import io.synspring.events.SynEventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Records the events a node fires, for assertions. */
public final class EventLog implements SynEventListener {

    private final List<SynEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(SynEvent event) {
        events.add(event);
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

    public void clear() {
        events.clear();
    }
}
