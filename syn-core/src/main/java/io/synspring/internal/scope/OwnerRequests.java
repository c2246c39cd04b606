package io.synspring.internal.scope;

import io.micrometer.observation.transport.Kind;
import io.synspring.NodeId;
import io.synspring.NodeUnavailableException;
import io.synspring.RejectedValue;
import io.synspring.RemoteOperationException;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.wire.WireCodec;
import io.synspring.internal.wire.WireMessage.Failure;
import io.synspring.internal.wire.WireMessage.Operation;
import io.synspring.internal.wire.WireMessage.Request;
import io.synspring.internal.wire.WireMessage;
import io.synspring.process.ProcessRef;
import io.synspring.registry.MetadataUpdate;
import io.synspring.registry.UpdateResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Operations on a process of another node, asked of that node (the owner) and waited for: the owner is the
 * only writer of its processes' entries. An update's function runs here and the owner compare-and-sets its
 * result, so no code crosses the wire.
 */
final class OwnerRequests {

    /** An update that kept racing, in its observation. */
    private static final Object RACED = new Object();

    private final String scope;
    private final NodeId self;
    private final HazelcastCluster cluster;
    private final WireCodec codec;
    private final PendingCalls calls;
    private final Duration timeout;
    private final int maxMetadataBytes;
    private final Observations observations;

    OwnerRequests(String scope, NodeId self, HazelcastCluster cluster, WireCodec codec, PendingCalls calls,
            Duration timeout, int maxMetadataBytes, Observations observations) {
        this.observations = observations;
        this.scope = scope;
        this.self = self;
        this.cluster = cluster;
        this.codec = codec;
        this.calls = calls;
        this.timeout = timeout;
        this.maxMetadataBytes = maxMetadataBytes;
    }

    /**
     * Computes new metadata here and has the owner of {@code process} compare-and-set it, again on the current
     * metadata the owner answers with while it changed meanwhile: the function never leaves this node.
     *
     * @return the owner's result, or {@code null} if the metadata kept changing for {@value MetadataUpdate#MAX_ATTEMPTS}
     *     attempts
     */
    @Nullable Object update(String operation, ProcessRef process, @Nullable Object current,
            BiFunction<@Nullable Object, @Nullable Object, Operation> compareAndSet, MetadataUpdate update) {
        if (!observations.on()) {
            return update(process, current, compareAndSet, update, null);
        }
        Object result = observations.send(operation, scope, process.node(),
                Kind.CLIENT, trace -> {
                    Object answer = update(process, current, compareAndSet, update, trace);
                    return answer == null ? RACED : answer;
                }, OwnerRequests::outcome);
        return result == RACED ? null : result;
    }

    private @Nullable Object update(ProcessRef process, @Nullable Object current,
            BiFunction<@Nullable Object, @Nullable Object, Operation> compareAndSet, MetadataUpdate update,
            @Nullable Map<String, String> trace) {
        Object expected = current;
        for (int attempt = 0; attempt < MetadataUpdate.MAX_ATTEMPTS; attempt++) {
            if (expected instanceof RejectedValue rejected) {
                throw new IllegalArgumentException("the current metadata was refused by this node (" + rejected.reason()
                        + "), so it cannot be updated from here: update it on its own node, or allow its class here");
            }
            Object meta = update.apply(process, expected);
            codec.checkTransferable(meta, maxMetadataBytes, "the updated metadata", true);
            Object result = exchange(process.node(), compareAndSet.apply(expected, meta), trace);
            if (!(result instanceof WireMessage.Stale stale)) {
                return result;
            }
            expected = stale.current();
        }
        return null;
    }

    /**
     * Asks {@code owner} to perform {@code operation} and waits for its answer.
     *
     * @throws NodeUnavailableException if the owner is not a member or did not answer in time
     * @throws IllegalArgumentException if the owner is not in this scope
     */
    Object request(NodeId owner, Operation operation) {
        if (!observations.on()) {
            return exchange(owner, operation, null);
        }
        return observations.send(operationName(operation), scope, owner, Kind.CLIENT,
                trace -> exchange(owner, operation, trace), OwnerRequests::outcome);
    }

    /** The name of {@code operation} in observations. */
    static String operationName(Operation operation) {
        if (operation instanceof Operation.Register) {
            return "register";
        } else if (operation instanceof Operation.Unregister) {
            return "unregister";
        } else if (operation instanceof Operation.CompareAndSet) {
            return "update";
        } else if (operation instanceof Operation.Join) {
            return "join";
        } else if (operation instanceof Operation.Leave) {
            return "leave";
        }
        return "group-update";
    }

    /** The outcome of an owner's answer in observations: the result's status, or ERROR for a failure. */
    static String outcome(Object result) {
        if (result instanceof Enum<?> status) {
            return status.name();
        } else if (result instanceof UpdateResult update) {
            return update.status().name();
        } else if (result instanceof GroupUpdateResult update) {
            return update.status().name();
        } else if (result == RACED) {
            return UpdateResult.Status.RACE_CONDITION.name();
        } else if (result instanceof Failure) {
            return Observations.ERROR;
        }
        return "OK";
    }

    private Object exchange(NodeId owner, Operation operation, @Nullable Map<String, String> trace) {
        HazelcastCluster.Peer peer = cluster.peers().get(owner);
        if (peer == null && !cluster.isVisible(owner)) {
            throw new NodeUnavailableException(owner, "node " + owner + " is not a member of the cluster (it left, or "
                    + "the process belongs to an earlier incarnation of it): nothing was changed");
        }
        if (peer != null && !peer.scopes().contains(scope)) {
            // the owner would ignore the request (it has no such scope) and the caller wait for its timeout
            throw new IllegalArgumentException(operation.process() + " runs on node " + owner
                    + ", which is not in scope '" + scope + "' (its scopes are " + peer.scopes() + "): only processes"
                    + " of the scope's nodes can be registered or join groups in it; add the scope to that node's"
                    + " scopes (syn.scopes)");
        }
        PendingCalls.Pending call = calls.start(owner);
        cluster.send(owner, codec.encode(new Request(self, scope, call.id(), operation, trace)));
        Object result;
        try {
            result = call.future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.future().cancel(false);
            throw new NodeUnavailableException(owner, "node " + owner + " did not answer within " + timeout
                    + " (scope " + scope + ", " + operation + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.future().cancel(false);
            throw new IllegalStateException("interrupted while waiting for node " + owner, e);
        }
        if (result instanceof Failure failure) {
            if (failure.cause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RemoteOperationException(failure.exceptionType(), failure.message());
        }
        return result;
    }
}
