package io.synspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports at startup a {@code HazelcastInstance} bean Syn cannot run on: what is wrong, how to fix it. */
public class SynHazelcastInstanceFailureAnalyzer extends AbstractFailureAnalyzer<UnusableHazelcastInstanceException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnusableHazelcastInstanceException cause) {
        return new FailureAnalysis(cause.getReason() + ".", cause.getAction(), cause);
    }
}
