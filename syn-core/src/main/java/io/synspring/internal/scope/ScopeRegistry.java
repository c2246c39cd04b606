package io.synspring.internal.scope;

import io.synspring.NodeId;
import io.synspring.internal.process.Messenger;
import io.synspring.internal.replica.NameTable;
import io.synspring.process.CallRefusedException;
import io.synspring.process.ProcessRef;
import io.synspring.process.SendResult;
import io.synspring.registry.MetadataUpdate;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.registry.Registry;
import io.synspring.registry.UnregisterResult;
import io.synspring.registry.UpdateResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The {@link Registry} of one scope, over its engine. */
public final class ScopeRegistry implements Registry {

    private final ScopeEngine engine;
    private final Guard guard;
    private final Messenger messenger;
    /** The replica's names, held here: a lookup is bound by dependent memory loads, this saves two. */
    private final NameTable names;

    public ScopeRegistry(ScopeEngine engine, Guard guard, Messenger messenger) {
        this.engine = engine;
        this.guard = guard;
        this.messenger = messenger;
        this.names = engine.replica().names();
    }

    @Override
    public String scope() {
        return engine.scope();
    }

    @Override
    public RegisterResult register(String name, ProcessRef process, @Nullable Object meta) {
        guard.name(name, "name");
        Objects.requireNonNull(process, "process");
        guard.meta(meta);
        return engine.register(name, process, meta);
    }

    @Override
    public UnregisterResult unregister(String name) {
        return engine.unregister(guard.name(name, "name"));
    }

    @Override
    public Optional<Registration> lookup(String name) {
        Optional<Registration> found = visible(name);
        return found == null ? Optional.empty() : found;
    }

    /**
     * The registration of {@code name} in the {@code Optional} the replica keeps for it (a lookup allocates
     * nothing), or {@code null} if it is missing or its process is a local one that exited.
     */
    private @Nullable Optional<Registration> visible(String name) {
        boolean noneExiting = messenger.noneExiting(); // before the read: see Messenger.noneExiting
        Optional<Registration> found = name == null ? null : names.find(name);
        if (found == null) {
            guard.name(name, "name"); // only a miss pays for the check: a name that was found is valid
            return null;
        }
        if (!noneExiting && !messenger.isAliveOrRemote(found.get().process())) {
            return null;
        }
        return found;
    }

    @Override
    public UpdateResult update(String name, MetadataUpdate update) {
        guard.name(name, "name");
        Objects.requireNonNull(update, "update");
        return engine.update(name, update);
    }

    @Override
    public int count() {
        return names.count();
    }

    @Override
    public int count(NodeId node) {
        return names.count(Objects.requireNonNull(node, "node"));
    }

    @Override
    public int localCount() {
        return names.count(engine.self());
    }

    @Override
    public Stream<Registration> registrations() {
        return names.registrations().filter(r -> messenger.isAliveOrRemote(r.process()));
    }

    @Override
    public Set<String> namesOf(ProcessRef process) {
        return names.namesOf(Objects.requireNonNull(process, "process"));
    }

    @Override
    public <R> CompletableFuture<R> call(String name, Object request, Duration timeout) {
        Optional<Registration> registration = lookup(guard.name(name, "name"));
        if (registration.isEmpty()) {
            return CompletableFuture.failedFuture(new CallRefusedException(SendResult.NO_SUCH_NAME,
                    "no process is registered under '" + name + "' in scope '" + scope() + "'"));
        }
        return messenger.call(registration.get().process(), request, timeout, engine.scope());
    }

    @Override
    public SendResult send(String name, Object message) {
        Optional<Registration> found = visible(name);
        if (found == null) {
            return SendResult.NO_SUCH_NAME;
        }
        return messenger.send(found.get().process(), message, engine.scope());
    }
}
