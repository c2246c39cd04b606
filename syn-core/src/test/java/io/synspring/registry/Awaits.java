package io.synspring.registry;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Awaitility, checking at once and then every 20 ms: the conditions here are local reads and cheap. */
final class Awaits {

    private Awaits() {}

    static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
    }
}
