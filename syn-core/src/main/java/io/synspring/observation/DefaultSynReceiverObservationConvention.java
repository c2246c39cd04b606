package io.synspring.observation;

import io.micrometer.common.KeyValues;
import io.synspring.NodeId;
import io.synspring.observation.SynObservation.HighCardinalityKeys;
import io.synspring.observation.SynObservation.LowCardinalityKeys;

/**
 * Syn's {@link SynReceiverObservationConvention}: timer {@code syn.receive}, tagged by scope, operation and outcome.
 */
public class DefaultSynReceiverObservationConvention implements SynReceiverObservationConvention {

    /** A shared instance. */
    public static final DefaultSynReceiverObservationConvention INSTANCE =
            new DefaultSynReceiverObservationConvention();

    @Override
    public String getName() {
        return "syn.receive";
    }

    @Override
    public String getContextualName(SynReceiverContext context) {
        return "syn receive " + context.operation();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(SynReceiverContext context) {
        return KeyValues.of(LowCardinalityKeys.SCOPE.withValue(context.scope()),
                LowCardinalityKeys.OPERATION.withValue(context.operation()),
                LowCardinalityKeys.OUTCOME.withValue(context.outcome()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(SynReceiverContext context) {
        NodeId peer = context.peer();
        return peer == null ? KeyValues.empty() : KeyValues.of(HighCardinalityKeys.PEER.withValue(peer.toString()));
    }
}
