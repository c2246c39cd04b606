package io.synspring.autoconfigure;

/**
 * The application's {@code HazelcastInstance} bean is one Syn cannot run on (a client, or a member whose
 * configuration was not prepared for Syn). Startup fails; {@link SynHazelcastInstanceFailureAnalyzer} turns it
 * into a report saying what is wrong and the fix.
 */
public class UnusableHazelcastInstanceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final String action;

    public UnusableHazelcastInstanceException(String reason, String action, Throwable cause) {
        super(reason + ". " + action, cause);
        this.reason = reason;
        this.action = action;
    }

    public UnusableHazelcastInstanceException(String reason, String action) {
        super(reason + ". " + action);
        this.reason = reason;
        this.action = action;
    }

    /** What is wrong with the instance. */
    public String getReason() {
        return reason;
    }

    /** How to fix it. */
    public String getAction() {
        return action;
    }
}
