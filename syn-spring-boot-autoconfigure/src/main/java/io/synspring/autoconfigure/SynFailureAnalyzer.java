package io.synspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an invalid {@code syn.*} property at startup: which property, what is wrong, how to fix it. */
public class SynFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSynPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSynPropertyException cause) {
        return new FailureAnalysis("Invalid value '" + cause.getValue() + "' for property '" + cause.getProperty()
                + "': " + cause.getReason() + ".", cause.getAction(), cause);
    }
}
