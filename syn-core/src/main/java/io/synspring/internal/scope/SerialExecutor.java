package io.synspring.internal.scope;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its tasks one at a time, in submission order, on a shared pool: an actor's mailbox without a
 * thread of its own. A task that throws is logged and does not stop the ones after it.
 */
public final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private static final int TASKS_PER_TURN = 256;

    private final String name;
    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public SerialExecutor(String name, Executor pool) {
        this.name = name;
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(Objects.requireNonNull(task, "task"));
        if (scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    /**
     * Runs {@code task} on the calling thread when no task is running or waiting, saving the hand-off to the
     * pool (a wake-up, which on a busy machine waits for a core); otherwise queues it as {@link #execute}
     * does. Either way it runs after every task queued before it and before any queued after it.
     */
    public void executeHereIfIdle(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (!tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
            execute(task);
            return;
        }
        try {
            runLogged(task);
        } finally {
            release();
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < TASKS_PER_TURN; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                runLogged(task);
            }
        } finally {
            release();
        }
    }

    private void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("{}: task failed", name, e);
        }
    }

    /** Ends a turn; a task queued meanwhile gets a turn on the pool. */
    private void release() {
        scheduled.set(false);
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }
}
