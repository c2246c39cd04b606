package io.synspring.internal.node;

import io.synspring.NodeId;
import io.synspring.RejectedValue;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.process.Envelope;
import io.synspring.internal.process.ProcessTable;
import io.synspring.internal.scope.PendingCalls;
import io.synspring.internal.scope.ScopeEngine;
import io.synspring.internal.wire.WireCodec;
import io.synspring.internal.wire.WireMessage;
import io.synspring.process.DeliveryResult;
import io.synspring.transport.DropReason;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the messages from other nodes go: replication and operations to their scope's engine, messages to
 * local processes' mailboxes (what cannot be delivered is reported back to the sender), and answers to the
 * calls waiting for them.
 */
public final class InboundDispatcher {

    private static final Logger log = LoggerFactory.getLogger(InboundDispatcher.class);

    private final NodeId self;
    private final WireCodec codec;
    private final HazelcastCluster cluster;
    private final Map<String, ScopeEngine> engines;
    private final ProcessTable processes;
    private final PendingCalls calls;
    private final NodeStates states;
    private final Observations observations;

    public InboundDispatcher(NodeId self, WireCodec codec, HazelcastCluster cluster, Map<String, ScopeEngine> engines,
            ProcessTable processes, PendingCalls calls, NodeStates states, Observations observations) {
        this.observations = observations;
        this.self = self;
        this.codec = codec;
        this.cluster = cluster;
        this.engines = engines;
        this.processes = processes;
        this.calls = calls;
        this.states = states;
    }

    /** Decodes a message from another node and hands it to the scope, process or call it is for. */
    public void dispatch(byte[] bytes) {
        WireMessage message;
        try {
            message = codec.decode(bytes);
        } catch (RuntimeException e) {
            log.warn("rejected a message: {} (if the class is yours, add its package to the allowed classes, "
                    + "syn.serialization.allowed-classes)", e.toString());
            return;
        }
        if (message instanceof WireMessage.ForScope scoped) {
            if (scoped instanceof WireMessage.Leaving) {
                calls.nodeDown(scoped.from());
                states.leaving(scoped.from());
            }
            ScopeEngine engine = engines.get(scoped.scope());
            if (engine != null) {
                engine.receive(scoped);
            } else {
                log.debug("ignoring a message for scope {}, which this node is not in", scoped.scope());
            }
        } else if (message instanceof WireMessage.Deliver deliver) {
            if (deliver.message() instanceof RejectedValue rejected) {
                log.warn("dropped a message from {}: {} (add its class's package to the allowed classes)",
                        deliver.from(), rejected.reason());
                return;
            }
            deliver(deliver);
        } else if (message instanceof WireMessage.Undelivered undelivered) {
            DropReason reason = undelivered.mailboxFull() ? DropReason.MAILBOX_FULL
                    : DropReason.NOT_ALIVE;
            cluster.transport().undelivered(reason, undelivered.targets().length);
            log.debug("{} message(s) to processes {} of node {} were not delivered: {}", undelivered.targets().length,
                    Arrays.toString(undelivered.targets()), undelivered.from(), reason);
            if (undelivered.callId() != 0) {
                calls.complete(undelivered.callId(), undelivered);
            }
        } else if (message instanceof WireMessage.Reply reply) {
            if (reply.reply() instanceof RejectedValue rejected) {
                log.warn("dropped a reply from {}: {} (add its class's package to the allowed classes)",
                        reply.from(), rejected.reason());
                return;
            }
            calls.complete(reply.callId(), reply);
        }
    }

    /**
     * Hands a message from another node to its local targets; those that cannot take it (a full mailbox, an
     * exited process) are counted and reported back to the sender, with the call they belong to.
     */
    private void deliver(WireMessage.Deliver deliver) {
        Map<String, String> trace = null;
        if (observations.on()) { // observed on the handler's thread, as current while it runs
            Map<String, String> received = deliver.trace();
            trace = received == null ? Map.of() : received;
        }
        Envelope envelope = new Envelope(deliver.message(), deliver.sender(), deliver.replyTo(), trace);
        long[] full = new long[0];
        long[] exited = new long[0];
        for (long id : deliver.targets()) {
            DeliveryResult result = processes.deliver(id, envelope);
            if (result == DeliveryResult.MAILBOX_FULL) {
                full = append(full, id);
                cluster.transport().dropped(DropReason.MAILBOX_FULL);
            } else if (result != DeliveryResult.DELIVERED) {
                exited = append(exited, id);
                cluster.transport().dropped(DropReason.NOT_ALIVE);
            }
        }
        long callId = deliver.replyTo() == null ? 0 : deliver.replyTo().callId();
        if (full.length > 0) {
            cluster.send(deliver.from(), codec.encode(new WireMessage.Undelivered(self, full, true, callId)));
        }
        if (exited.length > 0) {
            cluster.send(deliver.from(), codec.encode(new WireMessage.Undelivered(self, exited, false, callId)));
        }
    }

    private static long[] append(long[] ids, long id) {
        long[] longer = Arrays.copyOf(ids, ids.length + 1);
        longer[ids.length] = id;
        return longer;
    }
}
