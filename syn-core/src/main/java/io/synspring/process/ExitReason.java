package io.synspring.process;

/**
 * Why a process ended. Carried by exit listeners and, wrapped in
 * {@link io.synspring.events.Reason.ProcessExited}, by the events fired when the process's names and
 * memberships disappear.
 */
public sealed interface ExitReason {

    /** The process was stopped on purpose by its owner. */
    ExitReason NORMAL = new Normal();
    /** The node is shutting down. */
    ExitReason SHUTDOWN = new Shutdown();
    /** The process was killed from outside. */
    ExitReason KILLED = new Killed();

    /** See {@link #NORMAL}. */
    record Normal() implements ExitReason {
        @Override
        public String toString() {
            return "NORMAL";
        }
    }

    /** See {@link #SHUTDOWN}. */
    record Shutdown() implements ExitReason {
        @Override
        public String toString() {
            return "SHUTDOWN";
        }
    }

    /** See {@link #KILLED}. */
    record Killed() implements ExitReason {
        @Override
        public String toString() {
            return "KILLED";
        }
    }

    /** The handler threw; the exception's type and message (the exception itself stays on its node). */
    record Crashed(String exceptionType, String message) implements ExitReason {
        public static Crashed of(Throwable error) {
            return new Crashed(error.getClass().getName(), String.valueOf(error.getMessage()));
        }

        @Override
        public String toString() {
            return "CRASHED(" + exceptionType + ": " + message + ")";
        }
    }

    /** Conflict resolution chose another process for {@code name} in {@code scope} and stopped this one. */
    record ConflictResolved(String scope, String name) implements ExitReason {
        @Override
        public String toString() {
            return "CONFLICT_RESOLUTION(" + scope + "/" + name + ")";
        }
    }
}
