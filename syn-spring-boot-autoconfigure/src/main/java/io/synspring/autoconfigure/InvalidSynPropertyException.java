package io.synspring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A {@code syn.*} property has a value Syn cannot run with. Startup fails; {@link SynFailureAnalyzer} turns it
 * into a report naming the property, the value and the fix.
 */
public class InvalidSynPropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final @Nullable Object value;
    private final String reason;
    private final String action;

    public InvalidSynPropertyException(String property, @Nullable Object value, String reason, String action) {
        super("Invalid value '" + value + "' for property '" + property + "': " + reason + ". " + action);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.action = action;
    }

    /** The property's name, e.g. {@code syn.limits.max-name-length}. */
    public String getProperty() {
        return property;
    }

    public @Nullable Object getValue() {
        return value;
    }

    /** What is wrong with the value. */
    public String getReason() {
        return reason;
    }

    /** How to fix it. */
    public String getAction() {
        return action;
    }
}
