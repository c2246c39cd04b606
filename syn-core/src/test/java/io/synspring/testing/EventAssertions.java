package io.synspring.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.events.SynEvent;
import java.util.List;
import org.assertj.core.api.ListAssert;
import org.assertj.core.api.RecursiveComparisonAssert;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;

/**
 * Assertions on events that compare them field by field and type by type, except for when each node saw them:
 * an expected event is built with the time of the test, not of the node.
 */
public final class EventAssertions {

    private static final RecursiveComparisonConfiguration IGNORING_TIME = RecursiveComparisonConfiguration.builder()
            .withIgnoredFields("time").withStrictTypeChecking(true).build();

    private EventAssertions() {}

    public static <E extends SynEvent> ListAssert<E> assertThatEvents(List<E> events) {
        return assertThat(events).usingRecursiveFieldByFieldElementComparator(IGNORING_TIME);
    }

    public static RecursiveComparisonAssert<?> assertThatEvent(SynEvent event) {
        return assertThat(event).usingRecursiveComparison(IGNORING_TIME);
    }
}
