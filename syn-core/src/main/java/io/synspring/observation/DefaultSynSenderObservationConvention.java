package io.synspring.observation;

import io.micrometer.common.KeyValues;
import io.synspring.NodeId;
import io.synspring.observation.SynObservation.HighCardinalityKeys;
import io.synspring.observation.SynObservation.LowCardinalityKeys;

/** Syn's {@link SynSenderObservationConvention}: timer {@code syn.send}, tagged by scope, operation and outcome. */
public class DefaultSynSenderObservationConvention implements SynSenderObservationConvention {

    /** A shared instance. */
    public static final DefaultSynSenderObservationConvention INSTANCE = new DefaultSynSenderObservationConvention();

    @Override
    public String getName() {
        return "syn.send";
    }

    @Override
    public String getContextualName(SynSenderContext context) {
        return "syn " + context.operation();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(SynSenderContext context) {
        return KeyValues.of(LowCardinalityKeys.SCOPE.withValue(context.scope()),
                LowCardinalityKeys.OPERATION.withValue(context.operation()),
                LowCardinalityKeys.OUTCOME.withValue(context.outcome()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(SynSenderContext context) {
        NodeId peer = context.peer();
        return peer == null ? KeyValues.empty() : KeyValues.of(HighCardinalityKeys.PEER.withValue(peer.toString()));
    }
}
