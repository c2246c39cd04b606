package io.synspring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link SynObservation#SEND}. Implement it (or extend {@link DefaultSynSenderObservationConvention})
 * and pass it to {@link io.synspring.SynSettings.Builder#senderObservationConvention}, or declare it as a bean.
 */
public interface SynSenderObservationConvention extends ObservationConvention<SynSenderContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof SynSenderContext;
    }
}
