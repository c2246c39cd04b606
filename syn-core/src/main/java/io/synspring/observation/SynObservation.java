package io.synspring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of a Syn node: what it asks of another node, and what it does for one. Only operations that
 * cross nodes are observed; reads and operations on local processes are not.
 */
public enum SynObservation implements ObservationDocumentation {

    /**
     * Something this node sends another and, for a call or a routed operation, waits for: {@code send},
     * {@code call}, {@code publish}, {@code multicall} (messages to processes of other nodes), {@code register},
     * {@code unregister}, {@code update}, {@code join}, {@code leave}, {@code group-update} (operations on a
     * process of another node, performed by its node) and {@code snapshot} (this node's entries of a scope,
     * taken and queued for its peers). The trace context travels with messages and operations.
     */
    SEND {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultSynSenderObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeys.values();
        }
    },

    /**
     * Something this node does for another: {@code send} or {@code call} (a local process handling a message
     * from another node; current while the handler runs, continuing the sender's trace), an operation routed
     * here ({@code register} ... {@code group-update}), or {@code snapshot} (a part of a peer's snapshot applied).
     */
    RECEIVE {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultSynReceiverObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeys.values();
        }
    };

    /** The tags of both observations' timers: a few values each, never a name or a message. */
    public enum LowCardinalityKeys implements KeyName {

        /** The scope, or {@code none} for a message sent to a process reference. */
        SCOPE {
            @Override
            public String asString() {
                return "syn.scope";
            }
        },

        /** What was done: {@code send}, {@code call}, {@code register}, ... (see {@link SynObservation}). */
        OPERATION {
            @Override
            public String asString() {
                return "syn.operation";
            }
        },

        /**
         * How it ended: the result's name ({@code SENT}, {@code BACKPRESSURE}, {@code OK}, {@code TAKEN}, ...),
         * {@code REPLIED} for a call answered, {@code ERROR} when it threw (the observation then carries the
         * exception).
         */
        OUTCOME {
            @Override
            public String asString() {
                return "syn.outcome";
            }
        }
    }

    /** Key values for spans only. */
    public enum HighCardinalityKeys implements KeyName {

        /** The other node, when there is one. */
        PEER {
            @Override
            public String asString() {
                return "syn.peer";
            }
        }
    }
}
