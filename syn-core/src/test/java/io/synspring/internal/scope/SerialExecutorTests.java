package io.synspring.internal.scope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The serial executor's order: tasks run one at a time in submission order, whether a task runs on the
 * pool or on the thread that submitted it. The pool here runs what it is given only when the test says so,
 * which makes every interleaving below deterministic.
 */
class SerialExecutorTests {

    /** A pool that holds its tasks until {@link #runAll}. */
    static final class HeldPool implements Executor {
        final Queue<Runnable> held = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = held.poll()) != null) {
                task.run();
            }
        }
    }

    final HeldPool pool = new HeldPool();
    final SerialExecutor serial = new SerialExecutor("test", pool);
    final List<String> ran = new ArrayList<>();

    @Test
    void anIdleExecutorRunsTheTaskOnTheCallingThreadAtOnce() {
        Thread caller = Thread.currentThread();
        List<Thread> ranOn = new ArrayList<>();

        serial.executeHereIfIdle(() -> ranOn.add(Thread.currentThread()));

        assertThat(ranOn).containsExactly(caller);
        assertThat(pool.held).isEmpty();
    }

    @Test
    void aTaskWaitingOnThePoolRunsBeforeOneGivenToRunHere() {
        serial.execute(() -> ran.add("first"));

        serial.executeHereIfIdle(() -> ran.add("second"));

        assertThat(ran).isEmpty(); // the second waits for the first rather than overtaking it
        pool.runAll();
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void aTaskQueuedWhileOneRunsHereRunsAfterItOnThePool() {
        serial.executeHereIfIdle(() -> {
            ran.add("here");
            serial.execute(() -> ran.add("queued meanwhile"));
            serial.executeHereIfIdle(() -> ran.add("given to run here meanwhile"));
            ran.add("here, done");
        });

        assertThat(ran).containsExactly("here", "here, done");
        pool.runAll();
        assertThat(ran).containsExactly("here", "here, done", "queued meanwhile", "given to run here meanwhile");
    }

    @Test
    void aFailingTaskRunHereIsLoggedAndTheExecutorGoesOn() {
        serial.executeHereIfIdle(() -> {
            throw new IllegalStateException("boom");
        });
        serial.executeHereIfIdle(() -> ran.add("next"));

        assertThat(ran).containsExactly("next");
        assertThat(pool.held).isEmpty();
    }
}
