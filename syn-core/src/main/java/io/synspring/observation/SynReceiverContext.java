package io.synspring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.synspring.NodeId;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The context of {@link SynObservation#RECEIVE}: what this node does for another. Its carrier is the trace
 * context that came with the message or operation (empty when none came).
 */
public final class SynReceiverContext extends ReceiverContext<Map<String, String>> {

    private final String operation;
    private final String scope;
    private final @Nullable NodeId peer;
    private String outcome = "UNKNOWN";

    /**
     * @param operation what is done (see {@link SynObservation#RECEIVE})
     * @param scope the scope, or {@code none}
     * @param peer the node it came from, when known
     * @param carrier the trace context that came with it
     * @param kind {@link Kind#SERVER} when the other node waits for an answer, {@link Kind#CONSUMER} otherwise
     */
    public SynReceiverContext(String operation, String scope, @Nullable NodeId peer, Map<String, String> carrier,
            Kind kind) {
        super((map, key) -> map.get(key), kind);
        this.operation = operation;
        this.scope = scope;
        this.peer = peer;
        setCarrier(carrier);
        setRemoteServiceName(peer == null ? "syn" : peer.name());
    }

    public String operation() {
        return operation;
    }

    public String scope() {
        return scope;
    }

    public @Nullable NodeId peer() {
        return peer;
    }

    /** How it ended: see {@link SynObservation.LowCardinalityKeys#OUTCOME}. */
    public String outcome() {
        return outcome;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }
}
