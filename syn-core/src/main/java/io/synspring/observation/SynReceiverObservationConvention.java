package io.synspring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link SynObservation#RECEIVE}. Implement it (or extend
 * {@link DefaultSynReceiverObservationConvention}) and pass it to
 * {@link io.synspring.SynSettings.Builder#receiverObservationConvention}, or declare it as a bean.
 */
public interface SynReceiverObservationConvention extends ObservationConvention<SynReceiverContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof SynReceiverContext;
    }
}
