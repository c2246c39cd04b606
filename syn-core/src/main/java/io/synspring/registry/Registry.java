package io.synspring.registry;

import io.synspring.NodeId;
import io.synspring.internal.process.Messenger;
import io.synspring.internal.replica.ScopeReplica;
import io.synspring.internal.scope.Guard;
import io.synspring.internal.scope.ScopeEngine;
import io.synspring.process.CallRefusedException;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import java.time.Duration;
import java.util.Objects;
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
public final class Registry {

    private final ScopeEngine engine;
    private final Guard guard;
    private final Messenger messenger;
    /** The engine's, held here too: a lookup is bound by dependent memory loads, this saves one. */
    private final ScopeReplica replica;

    public Registry(ScopeEngine engine, Guard guard, Messenger messenger) {
        this.engine = engine;
        this.guard = guard;
        this.messenger = messenger;
        this.replica = engine.replica();
    }

    public String scope() {
        return engine.scope();
    }

    /** Registers {@code process} under {@code name} without metadata. */
    public RegisterResult register(String name, ProcessRef process) {
        return register(name, process, null);
    }

    /**
     * Registers {@code process} under {@code name}. The same process again with other metadata updates it;
     * with equal metadata it changes nothing. A process on another node is registered by that node.
     *
     * @throws IllegalArgumentException for an invalid name, or metadata that cannot cross the wire
     * @throws io.synspring.NodeUnavailableException if the process's node did not answer
     */
    public RegisterResult register(String name, ProcessRef process, @Nullable Object meta) {
        guard.name(name, "name");
        Objects.requireNonNull(process, "process");
        guard.meta(meta);
        return engine.register(name, process, meta);
    }

    /** Removes {@code name}, on the node of the process holding it. */
    public UnregisterResult unregister(String name) {
        return engine.unregister(guard.name(name, "name"));
    }

    /**
     * The process registered under {@code name}, from this node's replica. A local process that has just
     * exited is not returned, even before its cleanup has run.
     */
    public Optional<Registration> lookup(String name) {
        return Optional.ofNullable(visible(name));
    }

    /** The registration of {@code name}, unless it is missing or its process is a local one that exited. */
    private @Nullable Registration visible(String name) {
        boolean noneExiting = messenger.noneExiting(); // before the read: see Messenger.noneExiting
        Registration registration = name == null ? null : replica.lookup(name);
        if (registration == null) {
            guard.name(name, "name"); // only a miss pays for the check: a name that was found is valid
            return null;
        }
        if (!noneExiting && !messenger.isAliveOrRemote(registration.process())) {
            return null;
        }
        return registration;
    }

    /**
     * Replaces the metadata of {@code name} with {@code update}'s result, as a compare-and-set on the node of
     * the process: the function runs on this node (it is never sent anywhere) and its result is written only if
     * the metadata it was given is still current, otherwise it runs again on the current one. It may therefore
     * run more than once and must have no side effects (see {@link MetadataUpdate}). An exception thrown by
     * {@code update} is rethrown here; equal metadata writes nothing.
     *
     * @throws IllegalArgumentException if the new metadata cannot cross the wire
     */
    public UpdateResult update(String name, MetadataUpdate update) {
        guard.name(name, "name");
        Objects.requireNonNull(update, "update");
        return engine.update(name, update);
    }

    /** How many names are registered in this scope, cluster-wide. */
    public int count() {
        return replica.count();
    }

    /** How many names are held by processes of {@code node}. */
    public int count(NodeId node) {
        return replica.count(Objects.requireNonNull(node, "node"));
    }

    /** How many names are held by processes of this node. */
    public int localCount() {
        return replica.count(engine.self());
    }

    /**
     * Every registration of this scope in this node's replica, as a weakly consistent stream (no copy:
     * page through it with skip/limit for large registries).
     */
    public Stream<Registration> registrations() {
        return replica.registrations().stream().filter(r -> messenger.isAliveOrRemote(r.process()));
    }

    /** The names {@code process} holds in this scope. */
    public Set<String> namesOf(ProcessRef process) {
        return replica.namesOf(Objects.requireNonNull(process, "process"));
    }

    /**
     * Calls the process registered under {@code name}, wherever it runs (Syn's {@code gen_server:call} through
     * a via-tuple): completes with its {@link io.synspring.process.MessageContext#reply reply}, or fails as
     * {@link io.synspring.NodeRegistry#call} says; with {@link io.synspring.process.CallRefusedException}
     * ({@code NO_SUCH_NAME}) when no process holds the name.
     *
     * @throws IllegalArgumentException for an invalid name, or a request that cannot cross the wire
     */
    public <R> CompletableFuture<R> call(String name, Object request, Duration timeout) {
        Optional<Registration> registration = lookup(guard.name(name, "name"));
        if (registration.isEmpty()) {
            return CompletableFuture.failedFuture(new CallRefusedException(SendResult.NO_SUCH_NAME,
                    "no process is registered under '" + name + "' in scope '" + scope() + "'"));
        }
        return messenger.call(registration.get().process(), request, timeout);
    }

    /**
     * Sends {@code message} to the process registered under {@code name}, wherever it runs;
     * {@code NO_SUCH_NAME} when {@link #lookup} finds nothing.
     *
     * @throws IllegalArgumentException if the message cannot cross the wire to the process's node
     */
    public SendResult send(String name, Object message) {
        Registration registration = visible(name);
        if (registration == null) {
            return SendResult.NO_SUCH_NAME;
        }
        return messenger.send(registration.process(), message);
    }
}
