package io.synspring.internal.process;

import io.synspring.process.DeliveryResult;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessTableTests {

    static final NodeId NODE = new NodeId("n", 1);
    static final Duration WAIT = Duration.ofSeconds(10);

    ExecutorService pool;
    /** What happened, in order: exit hook calls, exit listener calls, replies. */
    final List<String> log = new CopyOnWriteArrayList<>();
    ProcessTable.ExitHook exitHook =
            exits -> exits.forEach(exit -> log.add("hook " + exit.process() + " " + exit.reason()));
    ProcessTable table;

    @BeforeEach
    void start() {
        pool = Executors.newFixedThreadPool(4);
        table = new ProcessTable(NODE, pool, 1000, exits -> exitHook.processesExited(exits),
                (to, from, reply) -> log.add("reply " + to.callId() + " from " + from + ": " + reply));
    }

    /** Waits for a condition, checking it often (handlers run in microseconds). */
    static ConditionFactory waiting() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void messagesAreHandledOneAtATimeInOrder() {
        List<Object> handled = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        SynProcess process = table.spawn((message, context) -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            handled.add(message);
            inside.decrementAndGet();
        });

        for (int i = 0; i < 500; i++) {
            assertThat(process.tell(i)).isEqualTo(DeliveryResult.DELIVERED);
        }

        waiting().until(() -> handled.size() == 500);
        assertThat(handled).isEqualTo(IntStream.range(0, 500).boxed().collect(Collectors.toList()));
        assertThat(maxInside).hasValue(1);
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void messagesFromConcurrentSendersKeepEachSendersOrder() throws InterruptedException {
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        SynProcess process = table.spawn((message, context) -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            handled.add((String) message);
            inside.decrementAndGet();
        });
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            String sender = "s" + s;
            senders.add(new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    process.tell(sender + ":" + i);
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread sender : senders) {
            sender.join(WAIT.toMillis());
        }

        waiting().until(() -> handled.size() == 600);
        assertThat(maxInside).hasValue(1);
        for (int s = 0; s < 3; s++) {
            String prefix = "s" + s + ":";
            assertThat(handled.stream().filter(m -> m.startsWith(prefix)).collect(Collectors.toList()))
                    .isEqualTo(IntStream.range(0, 200).mapToObj(i -> prefix + i).collect(Collectors.toList()));
        }
    }

    @Test
    void aHandlerThatThrowsCrashesTheProcessWithTheExceptionType() {
        List<Object> handled = new CopyOnWriteArrayList<>();
        AtomicReference<ExitReason> seen = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        SynProcess process = table.spawn((message, context) -> {
            if ("block".equals(message)) {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            handled.add(message);
            if ("crash".equals(message)) {
                throw new IllegalArgumentException("bad input");
            }
        });
        process.onExit(seen::set);

        process.tell("block");
        process.tell("crash");
        process.tell("after");
        release.countDown();

        ExitReason expected = new ExitReason.Crashed(IllegalArgumentException.class.getName(), "bad input");
        waiting().until(() -> seen.get() != null);
        assertThat(seen.get()).isEqualTo(expected);
        assertThat(process.isAlive()).isFalse();
        assertThat(process.exitReason()).contains(expected);
        assertThat(handled).containsExactly("block", "crash");
        assertThat(process.tell("later")).isEqualTo(DeliveryResult.NOT_ALIVE);
        assertThat(table.isAlive(process.ref())).isFalse();
        assertThat(table.get(process.ref())).isNull();
        assertThat(table.deliver(process.ref().id(), Envelope.of("x"))).isEqualTo(DeliveryResult.NOT_ALIVE);
        assertThat(table.size()).isZero();
    }

    @Test
    void theExitHookRunsBeforeTheExitListeners() {
        SynProcess process = table.spawn((message, context) -> {});
        process.onExit(reason -> log.add("listener 1 " + reason));
        process.onExit(reason -> log.add("listener 2 " + reason));

        process.exit(ExitReason.KILLED);

        waiting().until(() -> log.size() == 3);
        assertThat(log).containsExactly("hook " + process.ref() + " KILLED", "listener 1 KILLED",
                "listener 2 KILLED");
    }

    @Test
    void anExitTheHookMayTakeHereIsToldBeforeExitReturnsAndItsListenersRunAfter() {
        List<Thread> hookThreads = new CopyOnWriteArrayList<>();
        ProcessTable here = new ProcessTable(NODE, pool, 1000, new ProcessTable.ExitHook() {
            @Override
            public void processesExited(List<ProcessTable.Exit> exits) {
                hookThreads.add(Thread.currentThread());
                exits.forEach(exit -> log.add("hook " + exit.process() + " " + exit.reason()));
            }

            @Override
            public boolean mayRunHere() {
                return true;
            }
        }, (to, from, reply) -> {});
        SynProcess process = here.spawn((message, context) -> {});
        process.onExit(reason -> log.add("listener " + reason));

        process.exit(ExitReason.KILLED);

        assertThat(hookThreads).containsExactly(Thread.currentThread());
        assertThat(here.noneExiting()).isTrue();
        waiting().until(() -> log.size() == 2);
        assertThat(log).containsExactly("hook " + process.ref() + " KILLED", "listener KILLED");
    }

    @Test
    void manyExitsAtOnceReachTheHookOnceEachInOrderBeforeTheirListeners() {
        List<SynProcess> processes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            SynProcess process = table.spawn((message, context) -> {});
            process.onExit(reason -> log.add("listener " + process.ref()));
            processes.add(process);
        }

        processes.forEach(process -> process.exit(ExitReason.KILLED));

        waiting().until(() -> log.size() == 4_000);
        List<String> hooks = log.stream().filter(line -> line.startsWith("hook ")).toList();
        assertThat(hooks).containsExactlyElementsOf(
                processes.stream().map(process -> "hook " + process.ref() + " KILLED").toList());
        for (SynProcess process : processes) {
            assertThat(log.indexOf("hook " + process.ref() + " KILLED"))
                    .isLessThan(log.indexOf("listener " + process.ref()));
        }
        assertThat(table.noneExiting()).isTrue();
    }

    @Test
    void aListenerAddedAfterTheExitStillRuns() {
        SynProcess process = table.spawn((message, context) -> {});
        process.stop();
        waiting().until(() -> log.size() == 1);

        process.onExit(reason -> log.add("late " + reason));

        waiting().until(() -> log.size() == 2);
        assertThat(log).containsExactly("hook " + process.ref() + " NORMAL", "late NORMAL");
    }

    @Test
    void aListenerAddedWhileTheExitHookRunsWaitsForIt() throws InterruptedException {
        CountDownLatch hookStarted = new CountDownLatch(1);
        CountDownLatch hookMayFinish = new CountDownLatch(1);
        exitHook = exits -> {
            hookStarted.countDown();
            try {
                hookMayFinish.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.add("hook done");
        };
        SynProcess process = table.spawn((message, context) -> {});
        process.exit(ExitReason.KILLED);
        assertThat(hookStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        // the process has exited but its names are not gone yet: the listener must not run before that
        process.onExit(reason -> log.add("listener " + reason));
        hookMayFinish.countDown();

        waiting().until(() -> log.size() == 2);
        assertThat(log).containsExactly("hook done", "listener KILLED");
    }

    @Test
    void unfinishedExitsAreListedInTheOrderTheyBeganSoEachCanBeTakenOnce() throws InterruptedException {
        CountDownLatch hookMayFinish = new CountDownLatch(1);
        exitHook = exits -> {
            try {
                hookMayFinish.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<SynProcess> processes = IntStream.range(0, 3).mapToObj(i -> table.spawn((message, context) -> {}))
                .toList();
        long before = table.exitsBegun();

        processes.get(0).exit(ExitReason.KILLED);
        long afterFirst = table.exitsBegun();
        processes.get(1).exit(ExitReason.NORMAL);
        processes.get(2).exit(ExitReason.SHUTDOWN);

        assertThat(afterFirst).isEqualTo(before + 1);
        assertThat(table.exitsBegun()).isEqualTo(before + 3);
        assertThat(table.unfinishedExits(before, table.exitsBegun())).extracting(ProcessTable.Exit::process)
                .containsExactly(processes.get(0).ref(), processes.get(1).ref(), processes.get(2).ref());
        assertThat(table.unfinishedExits(afterFirst, table.exitsBegun())).extracting(ProcessTable.Exit::process)
                .containsExactly(processes.get(1).ref(), processes.get(2).ref());
        assertThat(table.unfinishedExits(before, afterFirst)).extracting(ProcessTable.Exit::process)
                .containsExactly(processes.get(0).ref());
        assertThat(table.unfinishedExits(table.exitsBegun(), table.exitsBegun())).isEmpty();

        hookMayFinish.countDown();
        waiting().until(() -> table.unfinishedExits().isEmpty() && table.noneExiting());
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        SynProcess process = table.spawn((message, context) -> {});
        process.onExit(reason -> {
            throw new IllegalStateException("listener failure");
        });
        process.onExit(reason -> log.add("second"));

        process.stop();

        waiting().until(() -> log.contains("second"));
    }

    @Test
    void exitingTwiceKeepsTheFirstReason() {
        SynProcess process = table.spawn((message, context) -> {});

        process.exit(ExitReason.KILLED);
        process.exit(ExitReason.SHUTDOWN);

        assertThat(process.exitReason()).contains(ExitReason.KILLED);
        process.onExit(reason -> log.add("listener " + reason));
        waiting().until(() -> log.size() == 2);
        assertThat(log).containsExactlyInAnyOrder("hook " + process.ref() + " KILLED", "listener KILLED");
    }

    @Test
    void aFullMailboxRefusesMessages() {
        ProcessTable small = new ProcessTable(NODE, pool, 2, exits -> {}, (to, from, reply) -> {});
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Object> handled = new CopyOnWriteArrayList<>();
        SynProcess process = small.spawn((message, context) -> {
            if ("block".equals(message)) {
                handling.countDown();
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            handled.add(message);
        });
        process.tell("block");
        waiting().until(() -> handling.getCount() == 0);

        assertThat(process.tell("one")).isEqualTo(DeliveryResult.DELIVERED);
        assertThat(small.deliver(process.ref().id(), Envelope.of("two"))).isEqualTo(DeliveryResult.DELIVERED);
        assertThat(process.tell("three")).isEqualTo(DeliveryResult.MAILBOX_FULL);
        assertThat(small.deliver(process.ref().id(), Envelope.of("four"))).isEqualTo(DeliveryResult.MAILBOX_FULL);

        release.countDown();
        waiting().until(() -> handled.size() == 3);
        assertThat(handled).containsExactly("block", "one", "two");
        // room again once the mailbox drained
        assertThat(process.tell("five")).isEqualTo(DeliveryResult.DELIVERED);
        waiting().until(() -> handled.contains("five"));
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void exitAllEndsEveryProcessWithTheReason() {
        List<SynProcess> processes = List.of(table.spawn((m, c) -> {}), table.spawn((m, c) -> {}),
                table.spawn((m, c) -> {}));
        assertThat(table.size()).isEqualTo(3);

        table.exitAll(ExitReason.SHUTDOWN);

        assertThat(processes).allSatisfy(process -> {
            assertThat(process.isAlive()).isFalse();
            assertThat(process.exitReason()).contains(ExitReason.SHUTDOWN);
        });
        assertThat(table.size()).isZero();
        waiting().until(() -> log.size() == 3);
        assertThat(log).containsExactlyInAnyOrderElementsOf(
                processes.stream().map(p -> "hook " + p.ref() + " SHUTDOWN").collect(Collectors.toList()));
    }

    @Test
    void currentIsTheProcessWhoseHandlerRuns() {
        AtomicReference<Optional<ProcessRef>> inside = new AtomicReference<>();
        AtomicReference<SynProcess> self = new AtomicReference<>();
        SynProcess process = table.spawn((message, context) -> {
            self.set(context.self());
            inside.set(ProcessTable.current());
        });
        SynProcess other = table.spawn((message, context) -> {});

        process.tell("hello");

        waiting().until(() -> inside.get() != null);
        assertThat(inside.get()).contains(process.ref());
        assertThat(self.get()).isSameAs(process);
        assertThat(process.ref()).isNotEqualTo(other.ref());
        assertThat(ProcessTable.current()).isEmpty();
    }

    @Test
    void currentIsClearedAfterTheHandlerOnTheSameThread() {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            ProcessTable onOneThread = new ProcessTable(NODE, single, 10, exits -> {},
                    (to, from, reply) -> {});
            SynProcess process = onOneThread.spawn((message, context) -> {});
            AtomicReference<Optional<ProcessRef>> afterwards = new AtomicReference<>();

            process.tell("hello");
            single.execute(() -> afterwards.set(ProcessTable.current()));

            waiting().until(() -> afterwards.get() != null);
            assertThat(afterwards.get()).isEmpty();
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void aCallGetsItsReplyAndAPlainMessageHasNoneToGive() {
        ProcessRef caller = new ProcessRef(new NodeId("caller", 1), 7);
        List<String> seen = new CopyOnWriteArrayList<>();
        SynProcess process = table.spawn((message, context) -> {
            seen.add(message + " call=" + context.isCall() + " sender=" + context.sender() + " replied="
                    + context.reply("re:" + message));
        });

        table.deliver(process.ref().id(), new Envelope("ping", caller, new ReplyTo(caller.node(), 42)));
        process.tell("plain");

        waiting().until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("ping call=true sender=" + caller + " replied=true",
                "plain call=false sender=null replied=false");
        assertThat(log).containsExactly("reply 42 from " + process.ref() + ": re:ping");
    }

    @Test
    void processesOfOtherNodesAreNotHere() {
        SynProcess process = table.spawn((message, context) -> {});
        ProcessRef sameIdElsewhere = new ProcessRef(new NodeId("elsewhere", 1), process.ref().id());

        assertThat(process.ref().node()).isEqualTo(NODE);
        assertThat(table.get(process.ref())).isSameAs(process);
        assertThat(table.isAlive(process.ref())).isTrue();
        assertThat(table.get(sameIdElsewhere)).isNull();
        assertThat(table.isAlive(sameIdElsewhere)).isFalse();
        assertThat(table.deliver(12345, Envelope.of("x"))).isEqualTo(DeliveryResult.NOT_ALIVE);
    }
}
