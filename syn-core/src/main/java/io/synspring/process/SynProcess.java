package io.synspring.process;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A local process: a mailbox handled one message at a time, alive until it exits. Its names and group
 * memberships live and die with it, cluster-wide.
 */
public interface SynProcess {

    /** Its cluster-wide address. */
    ProcessRef ref();

    boolean isAlive();

    /** Why it exited, once it has. */
    Optional<ExitReason> exitReason();

    /**
     * Runs {@code listener} once the process has exited and its names and memberships are gone from this
     * node (at once, on an engine thread, if it already has). Use it to release what the process owned, for
     * example to close a socket when conflict resolution stops the process.
     */
    void onExit(Consumer<ExitReason> listener);

    /** Puts a message in its own mailbox (no sender). */
    DeliveryResult tell(Object message);

    /** Ends the process with {@link ExitReason#NORMAL}. */
    default void stop() {
        exit(ExitReason.NORMAL);
    }

    /**
     * Ends the process with {@code reason}; does nothing if it already ended. Its names and memberships are gone
     * from this node when this returns, and on their way to the others (called from inside the registry, from an
     * update's function say, they go a moment later); its exit listeners run after that, on an engine thread.
     */
    void exit(ExitReason reason);
}
