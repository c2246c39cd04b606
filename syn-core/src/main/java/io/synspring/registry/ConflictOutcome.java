package io.synspring.registry;

import io.synspring.process.ProcessRef;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ConflictResolver} decided: which process keeps the name ({@code null}: neither) and
 * whether the losing process(es) are stopped with {@link io.synspring.process.ExitReason.ConflictResolved}.
 */
public record ConflictOutcome(@Nullable ProcessRef keep, boolean stopLosers) {

    /** {@code winner} keeps the name; the other process loses the name but keeps running. */
    public static ConflictOutcome keep(ProcessRef winner) {
        return new ConflictOutcome(Objects.requireNonNull(winner, "winner"), false);
    }

    /** {@code winner} keeps the name; the other process is stopped. */
    public static ConflictOutcome keepAndStopOther(ProcessRef winner) {
        return new ConflictOutcome(Objects.requireNonNull(winner, "winner"), true);
    }

    /** Neither keeps the name; both keep running. */
    public static ConflictOutcome keepNeither() {
        return new ConflictOutcome(null, false);
    }

    /** Neither keeps the name; both are stopped. */
    public static ConflictOutcome keepNeitherAndStopBoth() {
        return new ConflictOutcome(null, true);
    }
}
