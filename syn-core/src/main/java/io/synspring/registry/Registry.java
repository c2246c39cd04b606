package io.synspring.registry;

import io.synspring.NodeId;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The process registry of one scope: unique names for processes anywhere in the cluster. Reads are local
 * (this node holds a full replica); writes are made by the node that runs the process and propagate to the
 * others within milliseconds. Obtain it from {@code NodeRegistry.registry(scope)}.
 */
public interface Registry {

    /** The scope this registry belongs to. */
    String scope();

    /** Registers {@code process} under {@code name} without metadata. */
    default RegisterResult register(String name, ProcessRef process) {
        return register(name, process, null);
    }

    /**
     * Registers {@code process} under {@code name}. The same process again with other metadata updates it;
     * with equal metadata it changes nothing. A process on another node is registered by that node.
     *
     * @throws IllegalArgumentException for an invalid name, or metadata that cannot cross the wire
     * @throws io.synspring.NodeUnavailableException if the process's node did not answer
     */
    RegisterResult register(String name, ProcessRef process, @Nullable Object meta);

    /** Removes {@code name}, on the node of the process holding it. */
    UnregisterResult unregister(String name);

    /**
     * The process registered under {@code name}, from this node's replica. A local process that has just
     * exited is not returned, even before its cleanup has run.
     */
    Optional<Registration> lookup(String name);

    /**
     * Replaces the metadata of {@code name} with {@code update}'s result, as a compare-and-set on the node of
     * the process: the function runs on this node (it is never sent anywhere) and its result is written only if
     * the metadata it was given is still current, otherwise it runs again on the current one. It may therefore
     * run more than once and must have no side effects (see {@link MetadataUpdate}). An exception thrown by
     * {@code update} is rethrown here; equal metadata writes nothing.
     *
     * @throws IllegalArgumentException if the new metadata cannot cross the wire
     */
    UpdateResult update(String name, MetadataUpdate update);

    /** How many names are registered in this scope, cluster-wide. */
    int count();

    /** How many names are held by processes of {@code node}. */
    int count(NodeId node);

    /** How many names are held by processes of this node. */
    int localCount();

    /**
     * Every registration of this scope in this node's replica, as a weakly consistent stream (no copy:
     * page through it with skip/limit for large registries).
     */
    Stream<Registration> registrations();

    /** The names {@code process} holds in this scope. */
    Set<String> namesOf(ProcessRef process);

    /**
     * Calls the process registered under {@code name}, wherever it runs (Syn's {@code gen_server:call} through
     * a via-tuple): completes with its {@link io.synspring.process.MessageContext#reply reply}, or fails as
     * {@link io.synspring.NodeRegistry#call} says; with {@link io.synspring.process.CallRefusedException}
     * ({@code NO_SUCH_NAME}) when no process holds the name.
     *
     * @throws IllegalArgumentException for an invalid name, or a request that cannot cross the wire
     */
    <R> CompletableFuture<R> call(String name, Object request, Duration timeout);

    /**
     * Sends {@code message} to the process registered under {@code name}, wherever it runs;
     * {@code NO_SUCH_NAME} when {@link #lookup} finds nothing.
     *
     * @throws IllegalArgumentException if the message cannot cross the wire to the process's node
     */
    SendResult send(String name, Object message);
}
