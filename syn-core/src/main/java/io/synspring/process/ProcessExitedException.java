package io.synspring.process;

import org.jspecify.annotations.Nullable;

/** The process of a call exited before it replied. */
public class ProcessExitedException extends RuntimeException {

    private final ProcessRef process;
    private final @Nullable ExitReason reason;

    public ProcessExitedException(ProcessRef process, @Nullable ExitReason reason) {
        super("process " + process + " exited before replying" + (reason == null ? "" : " (" + reason + ")"));
        this.process = process;
        this.reason = reason;
    }

    public ProcessRef process() {
        return process;
    }

    /** Why it exited, when this node knows. */
    public @Nullable ExitReason reason() {
        return reason;
    }
}
