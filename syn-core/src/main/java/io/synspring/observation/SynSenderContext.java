package io.synspring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.synspring.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The context of {@link SynObservation#SEND}: what this node sends another. Its carrier is the trace context
 * (a few strings) that travels with the message or operation.
 */
public final class SynSenderContext extends SenderContext<Map<String, String>> {

    private final String operation;
    private final String scope;
    private final @Nullable NodeId peer;
    private String outcome = "UNKNOWN";

    /**
     * @param operation what is sent (see {@link SynObservation#SEND})
     * @param scope the scope, or {@code none}
     * @param peer the node it goes to, or {@code null} when it goes to several
     * @param kind {@link Kind#CLIENT} when an answer is waited for, {@link Kind#PRODUCER} otherwise
     */
    public SynSenderContext(String operation, String scope, @Nullable NodeId peer, Kind kind) {
        super((carrier, key, value) -> Objects.requireNonNull(carrier).put(key, value), kind);
        this.operation = operation;
        this.scope = scope;
        this.peer = peer;
        setCarrier(new HashMap<>(4));
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
