package io.synspring.internal.process;

import io.micrometer.observation.transport.Kind;
import io.synspring.NodeId;
import io.synspring.internal.observation.Observations;
import io.synspring.observation.SynReceiverContext;
import io.synspring.process.DeliveryResult;
import io.synspring.process.ExitReason;
import io.synspring.process.MessageContext;
import io.synspring.process.MessageHandler;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes running on this node: spawns them, delivers to their mailboxes and ends them. Engine
 * internal; applications use {@code NodeRegistry}.
 */
public final class ProcessTable {

    private static final Logger log = LoggerFactory.getLogger(ProcessTable.class);
    private static final int MESSAGES_PER_TURN = 64;
    private static final int EXITS_PER_TURN = 256;
    private static final ThreadLocal<@Nullable ProcessRef> CURRENT = new ThreadLocal<>();
    /** A field, not an AtomicInteger: a lookup reads it, and one object less to go through is measurable there. */
    private static final AtomicIntegerFieldUpdater<ProcessTable> EXITING =
            AtomicIntegerFieldUpdater.newUpdater(ProcessTable.class, "exiting");

    /**
     * Told first when processes exit, before their own exit listeners run. An exit is told on the thread that
     * ended the process when {@link #mayRunHere} says so, as an unregistration runs on its caller's thread: the
     * names are gone when {@code exit} returns, and many threads ending processes share the work instead of
     * queueing it for one. Otherwise (inside the engine) the exits not told yet go to the executor, in the order
     * they happened, a batch per pass (one task telling at a time).
     */
    @FunctionalInterface
    public interface ExitHook {
        void processesExited(List<Exit> exits);

        /** Whether the calling thread may run {@link #processesExited} itself: false where it holds what that takes. */
        default boolean mayRunHere() {
            return false;
        }
    }

    /** A process that exited, and why; {@code number} counts the exits of this table, 1 for the first. */
    public record Exit(long number, ProcessRef process, ExitReason reason) {}

    /** Carries a handler's reply to the caller. */
    @FunctionalInterface
    public interface ReplySink {
        void reply(ReplyTo to, ProcessRef from, Object reply);
    }

    private final NodeId node;
    private final Executor executor;
    private final int maxMailboxSize;
    private final ExitHook exitHook;
    private final ReplySink replySink;
    private final Observations observations;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, LocalProcess> processes = new ConcurrentHashMap<>();
    /** How many processes exited and their names and memberships are not removed by the exit hook yet. */
    private volatile int exiting;
    /** Those exits, by the order they began in (1, 2, ...), until the exit hook has run for them. */
    private final ConcurrentHashMap<Long, Exit> unfinishedExits = new ConcurrentHashMap<>();
    /** Numbers the exits and lists them in {@link #unfinishedExits}, one at a time. */
    private final Object numberingExits = new Object();
    /** How many exits began: the number of the last one in {@link #unfinishedExits}. Written under its lock. */
    private volatile long exitsBegun;
    /** Exited processes the exit hook has not been told about yet, and whether a task is telling it. */
    private final ConcurrentLinkedQueue<LocalProcess> exited = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean tellingExits = new AtomicBoolean();

    public ProcessTable(NodeId node, Executor executor, int maxMailboxSize, ExitHook exitHook,
            ReplySink replySink) {
        this(node, executor, maxMailboxSize, exitHook, replySink, Observations.OFF);
    }

    /** @param observations observe the handling of messages from other nodes (see {@link Envelope#trace}) */
    public ProcessTable(NodeId node, Executor executor, int maxMailboxSize, ExitHook exitHook,
            ReplySink replySink, Observations observations) {
        this.observations = observations;
        this.node = node;
        this.executor = executor;
        this.maxMailboxSize = maxMailboxSize;
        this.exitHook = exitHook;
        this.replySink = replySink;
    }

    /** The process whose handler is running on the calling thread, if any. */
    public static Optional<ProcessRef> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    public SynProcess spawn(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        LocalProcess process = new LocalProcess(new ProcessRef(node, ids.incrementAndGet()), handler);
        processes.put(process.ref.id(), process);
        return process;
    }

    public @Nullable SynProcess get(ProcessRef ref) {
        return ref.node().equals(node) ? processes.get(ref.id()) : null;
    }

    /** Whether {@code ref} is a live process of this node. */
    public boolean isAlive(ProcessRef ref) {
        LocalProcess process = ref.node().equals(node) ? processes.get(ref.id()) : null;
        return process != null && process.isAlive();
    }

    /**
     * Whether no process is exiting. An exited process's entries stay in the replicas only until its exit
     * hook has removed them, and it counts as exiting until then: a read that finds this true <em>before</em>
     * it reads an entry knows the entry belongs to a process that was alive when the read began. One read,
     * where checking the process in the table costs a hash lookup and the memory misses that go with it (the
     * hot path of a lookup).
     */
    public boolean noneExiting() {
        return exiting == 0;
    }

    /**
     * The processes that exited and whose exit hook has not finished yet: their names and memberships may
     * still be in the replicas. Each one is listed from before it stops being alive ({@code isAlive} false)
     * until after the hook returned, so a caller finding an entry of an exited process finds its exit here.
     */
    public Collection<Exit> unfinishedExits() {
        return unfinishedExits.values();
    }

    /**
     * How many exits have begun since this table was made. With {@link #unfinishedExits(long, long)}, a caller
     * that must see every unfinished exit before it acts looks at each one once, not at every exit still
     * unfinished each time (a burst of exits is thousands of them).
     */
    public long exitsBegun() {
        return exitsBegun;
    }

    /**
     * The unfinished exits numbered {@code after + 1} to {@code upTo}, in order: every one of them, if
     * {@code upTo} was read from {@link #exitsBegun}.
     */
    public List<Exit> unfinishedExits(long after, long upTo) {
        List<Exit> exits = new ArrayList<>();
        for (long number = after + 1; number <= upTo; number++) {
            Exit exit = unfinishedExits.get(number);
            if (exit != null) {
                exits.add(exit);
            }
        }
        return exits;
    }

    public DeliveryResult deliver(long localId, Envelope envelope) {
        LocalProcess process = processes.get(localId);
        return process == null ? DeliveryResult.NOT_ALIVE : process.deliver(envelope);
    }

    public int size() {
        return processes.size();
    }

    /**
     * Ends every process with {@code reason}.
     *
     * @return completes once every one of them is cleaned up and its exit listeners have run
     */
    public CompletableFuture<Void> exitAll(ExitReason reason) {
        Collection<LocalProcess> all = new ArrayList<>(processes.values());
        all.forEach(process -> process.exit(reason));
        return CompletableFuture.allOf(all.stream().map(process -> process.done).toArray(CompletableFuture[]::new));
    }

    /** Tells the exit hook about the exited processes, a batch at a time, then runs their listeners. */
    private void tellExits() {
        List<LocalProcess> batch = new ArrayList<>();
        LocalProcess process;
        while (batch.size() < EXITS_PER_TURN && (process = exited.poll()) != null) {
            batch.add(process);
        }
        List<Exit> exits = batch.stream().map(gone -> unfinishedExits.get(gone.exitNumber)).toList();
        try {
            if (!exits.isEmpty()) {
                exitHook.processesExited(exits);
            }
        } catch (RuntimeException e) {
            log.error("cleaning up after processes {} failed", exits, e);
        } finally {
            batch.forEach(gone -> unfinishedExits.remove(gone.exitNumber));
            EXITING.addAndGet(this, -batch.size());
        }
        batch.forEach(LocalProcess::cleanedUp);
        tellingExits.set(false);
        if (!exited.isEmpty() && tellingExits.compareAndSet(false, true)) {
            executor.execute(this::tellExits);
        }
    }

    private final class LocalProcess implements SynProcess, Runnable {

        final ProcessRef ref;
        private final MessageHandler handler;
        private final ConcurrentLinkedQueue<Envelope> mailbox = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final List<Consumer<ExitReason>> exitListeners = new ArrayList<>();
        private volatile @Nullable ExitReason exitReason;
        /** Its key in {@link #unfinishedExits}, once it exits. */
        private long exitNumber;
        /** Completes once the exit hook and the exit listeners have run. */
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** The exit hook has run: listeners added from now on run at once. Guarded by this. */
        private boolean cleanedUp;

        LocalProcess(ProcessRef ref, MessageHandler handler) {
            this.ref = ref;
            this.handler = handler;
        }

        @Override
        public ProcessRef ref() {
            return ref;
        }

        @Override
        public boolean isAlive() {
            return exitReason == null;
        }

        @Override
        public Optional<ExitReason> exitReason() {
            return Optional.ofNullable(exitReason);
        }

        @Override
        public void onExit(Consumer<ExitReason> listener) {
            Objects.requireNonNull(listener, "listener");
            ExitReason reason;
            synchronized (this) {
                if (!cleanedUp) {
                    exitListeners.add(listener);
                    return;
                }
                reason = Objects.requireNonNull(exitReason, "cleaned up before exiting");
            }
            executor.execute(() -> notifyListener(listener, reason));
        }

        @Override
        public DeliveryResult tell(Object message) {
            return deliver(Envelope.of(Objects.requireNonNull(message, "message")));
        }

        DeliveryResult deliver(Envelope envelope) {
            if (exitReason != null) {
                return DeliveryResult.NOT_ALIVE;
            }
            if (queued.incrementAndGet() > maxMailboxSize) {
                queued.decrementAndGet();
                return DeliveryResult.MAILBOX_FULL;
            }
            mailbox.add(envelope);
            if (scheduled.compareAndSet(false, true)) {
                executor.execute(this);
            }
            return DeliveryResult.DELIVERED;
        }

        @Override
        public void run() {
            CURRENT.set(ref);
            try {
                for (int i = 0; i < MESSAGES_PER_TURN && exitReason == null; i++) {
                    Envelope envelope = mailbox.poll();
                    if (envelope == null) {
                        break;
                    }
                    queued.decrementAndGet();
                    try {
                        Map<String, String> trace = envelope.trace();
                        if (trace == null) {
                            handler.handle(envelope.message(), new Context(envelope));
                        } else {
                            handleObserved(envelope, trace);
                        }
                    } catch (Throwable error) {
                        log.debug("process {} crashed", ref, error);
                        exit(ExitReason.Crashed.of(error));
                    }
                }
            } finally {
                CURRENT.remove();
                scheduled.set(false);
            }
            if (exitReason == null && !mailbox.isEmpty() && scheduled.compareAndSet(false, true)) {
                executor.execute(this);
            }
        }

        /** Handles a message from another node as the current observation, continuing the sender's trace. */
        private void handleObserved(Envelope envelope, Map<String, String> trace) throws Exception {
            ProcessRef sender = envelope.sender();
            boolean call = envelope.replyTo() != null;
            SynReceiverContext context = new SynReceiverContext(call ? "call" : "send", Observations.NO_SCOPE,
                    sender == null ? null : sender.node(), trace, call ? Kind.SERVER : Kind.CONSUMER);
            observations.receive(context, () -> {
                handler.handle(envelope.message(), new Context(envelope));
                return "OK";
            }, outcome -> outcome);
        }

        @Override
        public void exit(ExitReason reason) {
            Objects.requireNonNull(reason, "reason");
            synchronized (this) {
                if (exitReason != null) {
                    return;
                }
                EXITING.incrementAndGet(ProcessTable.this);
                synchronized (numberingExits) { // numbered in the order they are listed: see exitsBegun()
                    exitNumber = exitsBegun + 1;
                    unfinishedExits.put(exitNumber, new Exit(exitNumber, ref, reason)); // before it reads as exited
                    exitsBegun = exitNumber;
                }
                exitReason = reason;
            }
            processes.remove(ref.id(), this);
            mailbox.clear();
            if (exitHook.mayRunHere()) {
                tellExit();
                return;
            }
            exited.add(this);
            if (tellingExits.compareAndSet(false, true)) {
                executor.execute(ProcessTable.this::tellExits);
            }
        }

        /** Tells the exit hook about this process's exit on the calling thread, then runs its listeners. */
        private void tellExit() {
            Exit exit = unfinishedExits.get(exitNumber);
            try {
                exitHook.processesExited(List.of(Objects.requireNonNull(exit, "exit not listed")));
            } catch (RuntimeException e) {
                log.error("cleaning up after process {} failed", ref, e);
            } finally {
                unfinishedExits.remove(exitNumber);
                EXITING.decrementAndGet(ProcessTable.this);
            }
            cleanedUp();
        }

        /** The exit hook has run for this process: its exit listeners run now, on the executor. */
        void cleanedUp() {
            List<Consumer<ExitReason>> listeners;
            synchronized (this) {
                cleanedUp = true;
                listeners = exitListeners.isEmpty() ? List.of() : List.copyOf(exitListeners);
                exitListeners.clear();
            }
            ExitReason reason = Objects.requireNonNull(exitReason);
            if (listeners.isEmpty()) {
                done.complete(null);
                return;
            }
            executor.execute(() -> {
                listeners.forEach(listener -> notifyListener(listener, reason));
                done.complete(null);
            });
        }

        private void notifyListener(Consumer<ExitReason> listener, ExitReason reason) {
            try {
                listener.accept(reason);
            } catch (RuntimeException e) {
                log.warn("exit listener of process {} failed", ref, e);
            }
        }

        @Override
        public String toString() {
            return "SynProcess" + ref;
        }

        private final class Context implements MessageContext {
            private final Envelope envelope;

            Context(Envelope envelope) {
                this.envelope = envelope;
            }

            @Override
            public SynProcess self() {
                return LocalProcess.this;
            }

            @Override
            public @Nullable ProcessRef sender() {
                return envelope.sender();
            }

            @Override
            public boolean isCall() {
                return envelope.replyTo() != null;
            }

            @Override
            public boolean reply(Object reply) {
                ReplyTo to = envelope.replyTo();
                if (to == null) {
                    return false;
                }
                replySink.reply(to, ref, Objects.requireNonNull(reply, "reply"));
                return true;
            }
        }
    }
}
