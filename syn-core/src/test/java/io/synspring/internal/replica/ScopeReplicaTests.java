package io.synspring.internal.replica;

import static io.synspring.testing.EventAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.ConflictOutcome;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The replica state machine without Hazelcast: what readers see and which events fire for local changes,
 * remote batches, snapshots, departed owners and conflicting claims.
 */
class ScopeReplicaTests {

    static final String SCOPE = "devices";
    static final NodeId A = new NodeId("a", 1);
    static final NodeId B = new NodeId("b", 1);
    static final NodeId C = new NodeId("c", 1);
    /** The node the observing replica runs on; it owns no process in these tests. */
    static final NodeId OBSERVER = new NodeId("o", 1);

    static final ProcessRef A1 = new ProcessRef(A, 1);
    static final ProcessRef A2 = new ProcessRef(A, 2);
    static final ProcessRef B1 = new ProcessRef(B, 1);
    static final ProcessRef B2 = new ProcessRef(B, 2);
    static final ProcessRef C1 = new ProcessRef(C, 1);

    static final Reason KILLED = new Reason.ProcessExited(ExitReason.KILLED);

    /** Records what the replica asked its node to do. */
    static final class RecordingSink implements ReplicaSink {
        final List<SynEvent> events = new ArrayList<>();
        final List<Loss> losses = new ArrayList<>();

        @Override
        public void event(SynEvent event) {
            events.add(event);
        }

        @Override
        public void localConflictLost(Registration loser, boolean stop) {
            losses.add(new Loss(loser, stop));
        }

        List<SynEvent> take() {
            List<SynEvent> taken = List.copyOf(events);
            events.clear();
            return taken;
        }
    }

    record Loss(Registration claim, boolean stop) {}

    static Registration reg(String name, ProcessRef process, @Nullable Object meta, long time) {
        return new Registration(name, process, meta, time);
    }

    static Change register(String name, ProcessRef process, @Nullable Object meta, long time) {
        return new Change.Register(reg(name, process, meta, time), Reason.NORMAL);
    }

    static Change unregister(String name, ProcessRef process, Reason reason) {
        return new Change.Unregister(name, process, reason);
    }

    static Change join(String group, ProcessRef process, @Nullable Object meta) {
        return new Change.Join(new Membership(group, process, meta, 1), Reason.NORMAL);
    }

    static Change leave(String group, ProcessRef process, Reason reason) {
        return new Change.Leave(group, process, reason);
    }

    static ChangeBatch batch(NodeId owner, long firstSeq, Change... changes) {
        return new ChangeBatch(SCOPE, owner, firstSeq, Arrays.asList(changes));
    }

    static OwnerSnapshot snapshot(NodeId owner, long seq, List<Registration> registrations,
            List<Membership> memberships) {
        return new OwnerSnapshot(SCOPE, owner, seq, registrations, memberships);
    }

    static OwnerSnapshot empty(NodeId owner) {
        return snapshot(owner, 0, List.of(), List.of());
    }

    static SynEvent.Registered registered(String name, ProcessRef process, @Nullable Object meta, Reason reason) {
        return new SynEvent.Registered(SCOPE, name, process, meta, reason);
    }

    static SynEvent.Unregistered unregistered(String name, ProcessRef process, @Nullable Object meta,
            Reason reason) {
        return new SynEvent.Unregistered(SCOPE, name, process, meta, reason);
    }

    RecordingSink sink;
    private final List<Runnable> cleanups = new ArrayList<>();

    /** Records what the replica logs from now until the end of the test. */
    List<ILoggingEvent> recordLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger(NameTable.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        cleanups.add(() -> logger.detachAppender(appender));
        return appender.list;
    }

    @AfterEach
    void cleanUp() {
        cleanups.forEach(Runnable::run);
    }

    @BeforeEach
    void newSink() {
        sink = new RecordingSink();
    }

    /** A replica on {@link #OBSERVER} that has the empty initial snapshot of every owner. */
    ScopeReplica observer(ConflictResolver resolver) {
        ScopeReplica replica = new ScopeReplica(SCOPE, OBSERVER, resolver);
        RecordingSink initial = new RecordingSink();
        for (NodeId owner : List.of(A, B, C)) {
            assertThat(replica.receive(empty(owner), new Reason.NodeUp(owner), initial)).isTrue();
        }
        assertThat(initial.events).isEmpty();
        return replica;
    }

    ScopeReplica observer() {
        return observer(ConflictResolver.KEEP_MOST_RECENT);
    }

    @Nested
    class Registry {

        @Test
        void registerIsVisibleAndFiresRegistered() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);

            replica.applyLocal(register("n", A1, Map.of("fw", "1.2"), 10), sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, Map.of("fw", "1.2"), 10));
            assertThatEvents(sink.take()).containsExactly(registered("n", A1, Map.of("fw", "1.2"), Reason.NORMAL));
            assertThat(replica.names().lookup("other")).isNull();
        }

        @Test
        void registeringAgainWithOtherMetaFiresUpdatedWithThePreviousMeta() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            replica.applyLocal(register("n", A1, "v1", 10), sink);
            sink.take();

            replica.applyLocal(register("n", A1, "v2", 11), sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, "v2", 11));
            assertThatEvents(sink.take()).containsExactly(
                    new SynEvent.RegistryUpdated(SCOPE, "n", A1, "v2", "v1", Reason.NORMAL));
            assertThat(replica.names().count()).isEqualTo(1);
            assertThat(replica.names().count(A)).isEqualTo(1);
        }

        @Test
        void registeringAgainWithIdenticalMetaFiresNothing() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            replica.applyLocal(register("n", A1, Map.of("k", "v"), 10), sink);
            sink.take();

            replica.applyLocal(register("n", A1, Map.of("k", "v"), 11), sink);
            replica.applyLocal(register("m", A1, null, 12), sink);
            sink.take();
            replica.applyLocal(register("m", A1, null, 13), sink);

            assertThat(sink.events).isEmpty();
            assertThat(replica.names().lookup("n").meta()).isEqualTo(Map.of("k", "v"));
            assertThat(replica.names().count(A)).isEqualTo(2);
        }

        @Test
        void unregisterFiresUnregisteredWithTheChangesReasonAndMeta() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            replica.applyLocal(register("n", A1, "m", 10), sink);
            replica.applyLocal(register("x", A1, "mx", 10), sink);
            sink.take();

            replica.applyLocal(unregister("n", A1, Reason.NORMAL), sink);
            replica.applyLocal(unregister("x", A1, KILLED), sink);

            assertThatEvents(sink.take()).containsExactly(unregistered("n", A1, "m", Reason.NORMAL),
                    unregistered("x", A1, "mx", KILLED));
            assertThat(replica.names().lookup("n")).isNull();
            assertThat(replica.names().lookup("x")).isNull();
            assertThat(replica.names().count()).isZero();
            assertThat(replica.names().count(A)).isZero();
            assertThat(replica.names().namesOf(A1)).isEmpty();
        }

        @Test
        void unregisteringWhatIsNotThereOrHeldByAnotherProcessChangesNothing() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            replica.applyLocal(register("n", A1, "m", 10), sink);
            sink.take();

            replica.applyLocal(unregister("unknown", A1, Reason.NORMAL), sink);
            replica.applyLocal(unregister("n", A2, Reason.NORMAL), sink);

            assertThat(sink.events).isEmpty();
            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, "m", 10));
        }

        @Test
        void countsPerNodeAndNamesOfAProcess() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("a1", A1, null, 1), register("a2", A1, null, 1),
                    register("a3", A2, null, 1)), sink);
            replica.receive(batch(B, 1, register("b1", B1, null, 1)), sink);

            assertThat(replica.names().count()).isEqualTo(4);
            assertThat(replica.names().count(A)).isEqualTo(3);
            assertThat(replica.names().count(B)).isEqualTo(1);
            assertThat(replica.names().count(C)).isZero();
            assertThat(replica.names().namesOf(A1)).containsExactlyInAnyOrder("a1", "a2");
            assertThat(replica.names().namesOf(A2)).containsExactly("a3");
            assertThat(replica.names().namesOf(C1)).isEmpty();
            assertThat(replica.names().registrations()).extracting(Registration::name)
                    .containsExactlyInAnyOrder("a1", "a2", "a3", "b1");

            replica.receive(batch(A, 4, unregister("a1", A1, Reason.NORMAL)), sink);

            assertThat(replica.names().count()).isEqualTo(3);
            assertThat(replica.names().count(A)).isEqualTo(2);
            assertThat(replica.names().namesOf(A1)).containsExactly("a2");
        }

        @Test
        void aProcessCanHoldManyNames() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            for (int i = 0; i < 20; i++) {
                replica.applyLocal(register("n" + i, A1, i, 10), sink);
            }
            for (int i = 0; i < 20; i += 2) {
                replica.applyLocal(unregister("n" + i, A1, Reason.NORMAL), sink);
            }

            assertThat(replica.names().namesOf(A1)).hasSize(10)
                    .allMatch(name -> Integer.parseInt(name.substring(1)) % 2 == 1);
            assertThat(replica.names().count(A)).isEqualTo(10);
            assertThat(replica.names().claimedNames(A1))
                    .containsExactlyInAnyOrderElementsOf(replica.names().namesOf(A1));
        }

        @Test
        void remoteChangesFireTheSameEventsAsLocalOnes() {
            ScopeReplica replica = observer();

            replica.receive(batch(A, 1, register("n", A1, "v1", 10), register("n", A1, "v2", 11),
                    register("n", A1, "v2", 12), unregister("n", A1, KILLED)), sink);

            assertThatEvents(sink.take()).containsExactly(registered("n", A1, "v1", Reason.NORMAL),
                    new SynEvent.RegistryUpdated(SCOPE, "n", A1, "v2", "v1", Reason.NORMAL),
                    unregistered("n", A1, "v2", KILLED));
        }

        @Test
        void aBatchCannotChangeEntriesOfProcessesItsOwnerDoesNotRun() {
            ScopeReplica replica = observer();
            replica.receive(batch(B, 1, register("b", B1, null, 1)), sink);
            sink.take();

            assertThat(replica.receive(batch(A, 1, register("n", B1, null, 1), unregister("b", B1, Reason.NORMAL),
                    join("g", B1, null), register("ok", A1, null, 1)), sink)).isEqualTo(ScopeReplica.Receipt.APPLIED);

            assertThat(replica.names().lookup("n")).isNull();
            assertThat(replica.names().lookup("b")).isNotNull();
            assertThat(replica.groups().memberCount("g")).isZero();
            assertThat(replica.names().lookup("ok")).isNotNull();
            assertThatEvents(sink.take()).containsExactly(registered("ok", A1, null, Reason.NORMAL));
        }
    }

    @Nested
    class Groups {

        @Test
        void joinUpdateAndLeaveFireEvents() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);

            replica.applyLocal(join("g", A1, "m1"), sink);
            replica.applyLocal(join("g", A1, "m2"), sink);
            replica.applyLocal(join("g", A1, "m2"), sink);
            replica.applyLocal(leave("g", A1, KILLED), sink);

            assertThatEvents(sink.take()).containsExactly(new SynEvent.Joined(SCOPE, "g", A1, "m1", Reason.NORMAL),
                    new SynEvent.GroupUpdated(SCOPE, "g", A1, "m2", "m1", Reason.NORMAL),
                    new SynEvent.Left(SCOPE, "g", A1, "m2", KILLED));
        }

        @Test
        void leavingAGroupOneIsNotInChangesNothing() {
            ScopeReplica replica = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            replica.applyLocal(join("g", A1, null), sink);
            sink.take();

            replica.applyLocal(leave("g", A2, Reason.NORMAL), sink);
            replica.applyLocal(leave("h", A1, Reason.NORMAL), sink);

            assertThat(sink.events).isEmpty();
            assertThat(replica.groups().memberCount("g")).isEqualTo(1);
            assertThat(replica.groups().groupNames()).containsExactly("g");
        }

        @Test
        void membersAndCountsPerNode() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, join("g", A1, "a1"), join("g", A2, "a2"), join("h", A1, "a1h")), sink);
            replica.receive(batch(B, 1, join("g", B1, "b1"), join("k", B1, null)), sink);

            assertThat(replica.groups().memberCount("g")).isEqualTo(3);
            assertThat(replica.groups().memberCount("g", A)).isEqualTo(2);
            assertThat(replica.groups().memberCount("g", B)).isEqualTo(1);
            assertThat(replica.groups().memberCount("g", C)).isZero();
            assertThat(replica.groups().memberCount("nope")).isZero();
            assertThat(replica.groups().groupCount()).isEqualTo(3);
            assertThat(replica.groups().groupCount(A)).isEqualTo(2);
            assertThat(replica.groups().groupCount(B)).isEqualTo(2);
            assertThat(replica.groups().groupCount(C)).isZero();
            assertThat(replica.groups().groupNames()).containsExactlyInAnyOrder("g", "h", "k");
            assertThat(replica.groups().groupNames(A)).containsExactlyInAnyOrder("g", "h");
            assertThat(replica.groups().groupNames(B)).containsExactlyInAnyOrder("g", "k");
            assertThat(replica.groups().groupNames(C)).isEmpty();
            assertThat(replica.groups().members("g")).extracting(Membership::process).containsExactlyInAnyOrder(A1, A2,
                    B1);
            assertThat(replica.groups().members("g", A)).extracting(Membership::meta).containsExactlyInAnyOrder("a1",
                    "a2");
            assertThat(replica.groups().members("nope")).isEmpty();
            assertThat(replica.groups().member("h", A1)).isEqualTo(new Membership("h", A1, "a1h", 1));
            assertThat(replica.groups().member("h", A2)).isNull();
            assertThat(replica.groups().groupsOf(A1)).containsExactlyInAnyOrder("g", "h");

            replica.receive(batch(A, 4, leave("g", A1, Reason.NORMAL), leave("g", A2, Reason.NORMAL)), sink);

            assertThat(replica.groups().memberCount("g")).isEqualTo(1);
            assertThat(replica.groups().memberCount("g", A)).isZero();
            assertThat(replica.groups().groupCount(A)).isEqualTo(1);
            assertThat(replica.groups().groupNames(A)).containsExactly("h");
            assertThat(replica.groups().groupsOf(A1)).containsExactly("h");

            replica.receive(batch(B, 3, leave("g", B1, Reason.NORMAL)), sink);

            assertThat(replica.groups().groupNames()).containsExactlyInAnyOrder("h", "k");
            assertThat(replica.groups().groupCount()).isEqualTo(2);
            assertThat(replica.groups().members("g")).isEmpty();
        }

        @Test
        void groupsHaveNoConflictsMembershipsUnion() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, join("g", A1, "a")), sink);
            replica.receive(batch(B, 1, join("g", B1, "b")), sink);

            assertThat(replica.groups().members("g")).containsExactlyInAnyOrder(new Membership("g", A1, "a", 1),
                    new Membership("g", B1, "b", 1));
            assertThat(sink.losses).isEmpty();
        }
    }

    @Nested
    class Sequencing {

        @Test
        void batchesBeforeAnySnapshotAreIgnored() {
            ScopeReplica replica = new ScopeReplica(SCOPE, OBSERVER, ConflictResolver.KEEP_MOST_RECENT);

            assertThat(replica.needsSnapshot(A)).isTrue();
            assertThat(replica.receive(batch(A, 1, register("n", A1, null, 1)), sink))
                    .isEqualTo(ScopeReplica.Receipt.NO_BASE);

            assertThat(replica.names().lookup("n")).isNull();
            assertThat(sink.events).isEmpty();
            assertThat(replica.needsSnapshot(A)).isTrue();

            assertThat(replica.receive(empty(A), Reason.NORMAL, sink)).isTrue();
            assertThat(replica.followedOwners()).containsExactly(A);
            // change 1 was seen and ignored: the replica knows it is behind until it gets it again
            assertThat(replica.needsSnapshot(A)).isTrue();
            assertThat(replica.receive(batch(A, 1, register("n", A1, null, 1)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);
            assertThat(replica.names().lookup("n")).isNotNull();
            assertThat(replica.needsSnapshot(A)).isFalse();
        }

        @Test
        void aDuplicateBatchIsIgnored() {
            ScopeReplica replica = observer();
            ChangeBatch first = batch(A, 1, register("n", A1, "v1", 1), register("n", A1, "v2", 2));
            replica.receive(first, sink);
            replica.receive(batch(A, 3, unregister("n", A1, Reason.NORMAL)), sink);
            sink.take();

            assertThat(replica.receive(first, sink)).isEqualTo(ScopeReplica.Receipt.DUPLICATE);
            assertThat(replica.receive(batch(A, 2, register("n", A1, "v2", 2)), sink))
                    .isEqualTo(ScopeReplica.Receipt.DUPLICATE);

            assertThat(sink.events).isEmpty();
            assertThat(replica.names().lookup("n")).isNull();
        }

        @Test
        void aBatchOverlappingWhatWasAppliedAppliesOnlyItsNewChanges() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "v1", 1), register("n", A1, "v2", 2)), sink);
            sink.take();

            assertThat(replica.receive(batch(A, 2, register("n", A1, "v2", 2), register("m", A1, null, 3)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);

            assertThatEvents(sink.take()).containsExactly(registered("m", A1, null, Reason.NORMAL));
        }

        @Test
        void aBatchAfterAGapIsHeldBackUntilTheMissingOneArrives() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "v1", 1)), sink);
            sink.take();

            assertThat(replica.receive(batch(A, 4, unregister("n", A1, Reason.NORMAL)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);
            assertThat(replica.receive(batch(A, 5, register("later", A1, null, 5)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);
            assertThat(sink.events).isEmpty();
            assertThat(replica.names().lookup("n").meta()).isEqualTo("v1");
            assertThat(replica.needsSnapshot(A)).isTrue();

            assertThat(replica.receive(batch(A, 2, register("n", A1, "v2", 2), register("m", A1, null, 3)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);

            assertThatEvents(sink.take()).containsExactly(
                    new SynEvent.RegistryUpdated(SCOPE, "n", A1, "v2", "v1", Reason.NORMAL),
                    registered("m", A1, null, Reason.NORMAL),
                    unregistered("n", A1, "v2", Reason.NORMAL),
                    registered("later", A1, null, Reason.NORMAL));
            assertThat(replica.needsSnapshot(A)).isFalse();
            assertThat(replica.receive(batch(A, 5, register("later", A1, null, 5)), sink))
                    .isEqualTo(ScopeReplica.Receipt.DUPLICATE);
        }

        @Test
        void whenOnlyPartOfTheGapIsFilledTheRestStaysHeldBack() {
            ScopeReplica replica = observer();

            assertThat(replica.receive(batch(A, 3, register("c", A1, null, 3)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);
            assertThat(replica.receive(batch(A, 1, register("a", A1, null, 1)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);

            assertThat(replica.names().lookup("a")).isNotNull();
            assertThat(replica.names().lookup("c")).isNull();
            assertThat(replica.needsSnapshot(A)).isTrue();

            assertThat(replica.receive(batch(A, 2, register("b", A1, null, 2)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);
            assertThat(replica.names().lookup("c")).isNotNull();
        }

        @Test
        void aSnapshotReplacesTheOwnersEntriesWithItsReason() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("x", A1, "x", 1), register("y", A1, "y1", 1), join("g", A1, "g"),
                    join("h", A2, "h1")), sink);
            replica.receive(batch(B, 1, register("b", B1, null, 1), join("g", B1, null)), sink);
            sink.take();
            Reason nodeUp = new Reason.NodeUp(A);

            boolean applied = replica.receive(snapshot(A, 9,
                    List.of(reg("y", A1, "y2", 5), reg("z", A2, "z", 6)),
                    List.of(new Membership("h", A2, "h2", 7), new Membership("k", A1, null, 7))), nodeUp, sink);

            assertThat(applied).isTrue();
            assertThatEvents(sink.take()).containsExactlyInAnyOrder(unregistered("x", A1, "x", nodeUp),
                    new SynEvent.RegistryUpdated(SCOPE, "y", A1, "y2", "y1", nodeUp),
                    registered("z", A2, "z", nodeUp),
                    new SynEvent.Left(SCOPE, "g", A1, "g", nodeUp),
                    new SynEvent.GroupUpdated(SCOPE, "h", A2, "h2", "h1", nodeUp),
                    new SynEvent.Joined(SCOPE, "k", A1, null, nodeUp));
            assertThat(replica.names().registrations()).extracting(Registration::name)
                    .containsExactlyInAnyOrder("y", "z", "b");
            assertThat(replica.groups().members("g")).extracting(Membership::process).containsExactly(B1);
            assertThat(replica.names().count(A)).isEqualTo(2);
            assertThat(replica.groups().groupNames(A)).containsExactlyInAnyOrder("h", "k");
            // sequencing continues after the snapshot's seq
            assertThat(replica.receive(batch(A, 10, register("after", A1, null, 10)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);
            assertThat(replica.receive(batch(A, 9, register("old", A1, null, 9)), sink))
                    .isEqualTo(ScopeReplica.Receipt.DUPLICATE);
        }

        @Test
        void aSnapshotIdenticalToWhatIsHeldFiresNothing() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("x", A1, "x", 1), join("g", A1, "g")), sink);
            sink.take();

            assertThat(replica.receive(snapshot(A, 2, List.of(reg("x", A1, "x", 1)),
                    List.of(new Membership("g", A1, "g", 1))), new Reason.NodeUp(A), sink)).isTrue();

            assertThat(sink.events).isEmpty();
        }

        @Test
        void aSnapshotMovingANameBetweenTheOwnersProcessesIsNoConflict() {
            List<String> resolved = new ArrayList<>();
            ScopeReplica replica = observer((scope, name, first, second) -> {
                resolved.add(name);
                return ConflictOutcome.keep(first.process());
            });
            replica.receive(batch(A, 1, register("n", A1, "a1", 1)), sink);
            sink.take();

            // A1 gave the name up and A2 took it (seq 2 and 3), received as a resync
            replica.receive(snapshot(A, 3, List.of(reg("n", A2, "a2", 2)), List.of()), Reason.NORMAL, sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A2, "a2", 2));
            assertThat(resolved).isEmpty();
            assertThatEvents(sink.take()).containsExactly(unregistered("n", A1, "a1", Reason.NORMAL),
                    registered("n", A2, "a2", Reason.NORMAL));
        }

        @Test
        void aSnapshotIgnoresEntriesOfOtherOwners() {
            ScopeReplica replica = observer();

            replica.receive(snapshot(A, 1, List.of(reg("stolen", B1, null, 1), reg("own", A1, null, 1)),
                    List.of(new Membership("g", B1, null, 1))), Reason.NORMAL, sink);

            assertThat(replica.names().lookup("stolen")).isNull();
            assertThat(replica.names().lookup("own")).isNotNull();
            assertThat(replica.groups().memberCount("g")).isZero();
        }

        @Test
        void aSnapshotDrainsTheBatchesHeldBackAfterIt() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "v1", 1)), sink);
            // seq 2 and 3 are lost; 3 registered "gone" and 4 unregistered it: the snapshot at 4 lacks it
            assertThat(replica.receive(batch(A, 3, register("gone", A1, null, 3)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);
            assertThat(replica.receive(batch(A, 5, register("five", A1, null, 5)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);
            sink.take();

            assertThat(replica.receive(snapshot(A, 4, List.of(reg("n", A1, "v2", 2)), List.of()), Reason.NORMAL,
                    sink)).isTrue();

            assertThat(replica.names().lookup("gone")).isNull();
            assertThat(replica.names().lookup("n").meta()).isEqualTo("v2");
            assertThat(replica.names().lookup("five")).isNotNull();
            assertThat(replica.needsSnapshot(A)).isFalse();
            assertThatEvents(sink.take()).containsExactly(
                    new SynEvent.RegistryUpdated(SCOPE, "n", A1, "v2", "v1", Reason.NORMAL),
                    registered("five", A1, null, Reason.NORMAL));
            assertThat(replica.receive(batch(A, 6, register("six", A1, null, 6)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);
        }

        @Test
        void aSnapshotOlderThanWhatWasAppliedIsIgnored() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "v1", 1), register("n", A1, "v2", 2),
                    register("m", A1, null, 3)), sink);
            sink.take();

            assertThat(replica.receive(snapshot(A, 1, List.of(reg("n", A1, "v1", 1)), List.of()), Reason.NORMAL,
                    sink)).isFalse();

            assertThat(sink.events).isEmpty();
            assertThat(replica.names().lookup("n").meta()).isEqualTo("v2");
            assertThat(replica.names().lookup("m")).isNotNull();
            assertThat(replica.receive(batch(A, 4, unregister("m", A1, Reason.NORMAL)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);
        }

        @Test
        void aSnapshotOlderThanWhatWasAppliedIsIgnoredAlsoWhileBatchesAreHeldBack() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "v1", 1), register("n", A1, "v2", 2),
                    register("m", A1, null, 3)), sink);
            replica.receive(batch(A, 5, register("five", A1, null, 5)), sink);
            sink.take();

            replica.receive(snapshot(A, 1, List.of(reg("n", A1, "v1", 1)), List.of()), Reason.NORMAL, sink);

            assertThat(sink.events).isEmpty();
            assertThat(replica.names().lookup("n").meta()).isEqualTo("v2");
            assertThat(replica.names().lookup("m")).isNotNull();
            // the missing change 4 still closes the gap
            assertThat(replica.receive(batch(A, 4, register("four", A1, null, 4)), sink))
                    .isEqualTo(ScopeReplica.Receipt.APPLIED);
            assertThat(replica.names().lookup("five")).isNotNull();
        }
    }

    @Nested
    class SnapshotsInParts {

        OwnerSnapshot part(NodeId owner, long seq, int part, boolean last, List<Registration> registrations,
                List<Membership> memberships) {
            return new OwnerSnapshot(SCOPE, owner, seq, part, last, registrations, memberships);
        }

        @Test
        void eachPartShowsItsEntriesAndTheLastRemovesWhatTheOwnerNoLongerHolds() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("old", A1, null, 1), register("kept", A1, "v1", 1),
                    join("g", A1, null), join("h", A1, null)), sink);
            sink.take();

            assertThat(replica.receive(part(A, 5, 0, false, List.of(reg("kept", A1, "v2", 4)), List.of()),
                    Reason.NORMAL, sink)).isFalse();
            assertThat(replica.names().lookup("kept").meta()).isEqualTo("v2");
            assertThat(replica.names().lookup("old")).isNotNull(); // maybe in a later part: removed only at the end
            assertThat(replica.needsSnapshot(A)).isTrue();

            assertThat(replica.receive(part(A, 5, 1, false, List.of(reg("new", A2, null, 5)),
                    List.of(new Membership("g", A1, null, 1))), Reason.NORMAL, sink)).isFalse();
            assertThat(replica.receive(part(A, 5, 2, true, List.of(), List.of()), Reason.NORMAL, sink)).isTrue();

            assertThat(replica.names().lookup("old")).isNull();
            assertThat(replica.names().lookup("new")).isNotNull();
            assertThat(replica.groups().groupsOf(A1)).containsExactly("g");
            assertThat(replica.names().count(A)).isEqualTo(2);
            assertThat(replica.needsSnapshot(A)).isFalse();
            assertThatEvents(sink.take()).contains(unregistered("old", A1, null, Reason.NORMAL),
                    registered("new", A2, null, Reason.NORMAL));
        }

        @Test
        void theFirstPartsReasonHoldsForTheWholeSnapshot() {
            ScopeReplica replica = new ScopeReplica(SCOPE, OBSERVER, ConflictResolver.KEEP_MOST_RECENT);
            Reason nodeUp = new Reason.NodeUp(A);

            replica.receive(part(A, 3, 0, false, List.of(reg("a", A1, null, 1)), List.of()), nodeUp, sink);
            assertThat(replica.followedOwners()).isEmpty();
            replica.receive(part(A, 3, 1, true, List.of(reg("b", A1, null, 1)), List.of()), Reason.NORMAL, sink);

            assertThat(replica.followedOwners()).containsExactly(A);
            assertThatEvents(sink.take()).containsExactly(registered("a", A1, null, nodeUp),
                    registered("b", A1, null, nodeUp));
        }

        @Test
        void aLostPartLeavesTheReplicaAskingForAWholeSnapshot() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("old", A1, null, 1)), sink);

            replica.receive(part(A, 4, 0, false, List.of(reg("a", A1, null, 2)), List.of()), Reason.NORMAL, sink);
            assertThat(replica.receive(part(A, 4, 2, true, List.of(reg("c", A1, null, 4)), List.of()),
                    Reason.NORMAL, sink)).isFalse(); // part 1 never came

            assertThat(replica.names().lookup("c")).isNull();
            assertThat(replica.names().lookup("old")).isNotNull(); // what arrived stays shown: nothing is removed on a guess
            assertThat(replica.needsSnapshot(A)).isTrue();
            assertThat(replica.snapshotBroken(A)).isTrue();
            assertThat(replica.receive(batch(A, 5, register("later", A1, null, 5)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);

            assertThat(replica.receive(snapshot(A, 4, List.of(reg("a", A1, null, 2), reg("c", A1, null, 4)),
                    List.of()), Reason.NORMAL, sink)).isTrue();
            assertThat(replica.needsSnapshot(A)).isFalse();
            assertThat(replica.snapshotBroken(A)).isFalse();
            assertThat(replica.names().lookup("old")).isNull();
            assertThat(replica.names().lookup("later")).isNotNull(); // held back, applied after the snapshot
        }

        @Test
        void theOwnersChangesWaitForTheSnapshotComingIn() {
            ScopeReplica replica = observer();

            replica.receive(part(A, 3, 0, false, List.of(reg("a", A1, null, 1)), List.of()), Reason.NORMAL, sink);
            assertThat(replica.receive(batch(A, 2, register("older", A1, null, 2)), sink))
                    .isEqualTo(ScopeReplica.Receipt.DUPLICATE); // the snapshot holds its effect already
            assertThat(replica.receive(batch(A, 4, unregister("a", A1, Reason.NORMAL)), sink))
                    .isEqualTo(ScopeReplica.Receipt.GAP);
            assertThat(replica.names().lookup("a")).isNotNull();
            assertThat(replica.names().lookup("older")).isNull();

            replica.receive(part(A, 3, 1, true, List.of(), List.of()), Reason.NORMAL, sink);

            assertThat(replica.names().lookup("a")).isNull();
            assertThat(replica.needsSnapshot(A)).isFalse();
        }

        @Test
        void anOwnersOutdatedClaimOnANameMakesWayWithoutAConflict() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, null, 1)), sink);
            sink.take();

            replica.receive(part(A, 4, 0, false, List.of(reg("n", A2, null, 3)), List.of()), Reason.NORMAL, sink);

            assertThat(replica.names().lookup("n").process()).isEqualTo(A2);
            assertThatEvents(sink.take()).containsExactly(unregistered("n", A1, null, Reason.NORMAL),
                    registered("n", A2, null, Reason.NORMAL));
        }

        @Test
        void aReceiverWaitingForASnapshotSeesWhetherItIsStillComingIn() {
            ScopeReplica replica = observer();
            assertThat(replica.receivingSnapshot(A)).isFalse();

            replica.receive(part(A, 2, 0, false, List.of(reg("a", A1, null, 1)), List.of()), Reason.NORMAL, sink);
            assertThat(replica.receivingSnapshot(A)).isTrue();
            assertThat(replica.receivingSnapshot(A)).isFalse(); // nothing arrived since

            replica.receive(part(A, 2, 1, false, List.of(), List.of()), Reason.NORMAL, sink);
            assertThat(replica.receivingSnapshot(A)).isTrue();
            replica.receive(part(A, 2, 2, true, List.of(), List.of()), Reason.NORMAL, sink);
            assertThat(replica.receivingSnapshot(A)).isFalse();
        }

        @Test
        void aStaleSnapshotsPartsAreIgnored() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, null, 1), register("m", A1, null, 2)), sink);
            sink.take();

            assertThat(replica.receive(part(A, 1, 0, false, List.of(), List.of()), Reason.NORMAL, sink)).isFalse();
            assertThat(replica.receive(part(A, 1, 1, true, List.of(), List.of()), Reason.NORMAL, sink)).isFalse();

            assertThat(replica.names().count(A)).isEqualTo(2);
            assertThat(sink.events).isEmpty();
            assertThat(replica.needsSnapshot(A)).isFalse();
        }
    }

    @Nested
    class NodeDown {

        @Test
        void droppingAnOwnerRemovesItsEntriesWithNodeDown() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("a1", A1, "m", 1), register("a2", A2, null, 1), join("g", A1, "gm"),
                    join("h", A2, null)), sink);
            replica.receive(batch(B, 1, register("b", B1, null, 1), join("g", B1, null)), sink);
            sink.take();
            Reason down = new Reason.NodeDown(A);

            replica.dropOwner(A, down, sink);

            assertThatEvents(sink.take()).containsExactlyInAnyOrder(unregistered("a1", A1, "m", down),
                    unregistered("a2", A2, null, down), new SynEvent.Left(SCOPE, "g", A1, "gm", down),
                    new SynEvent.Left(SCOPE, "h", A2, null, down));
            assertThat(replica.names().count()).isEqualTo(1);
            assertThat(replica.names().count(A)).isZero();
            assertThat(replica.names().lookup("b")).isNotNull();
            assertThat(replica.groups().members("g")).extracting(Membership::process).containsExactly(B1);
            assertThat(replica.groups().groupNames()).containsExactly("g");
            assertThat(replica.groups().groupCount(A)).isZero();
            assertThat(replica.names().namesOf(A1)).isEmpty();
            assertThat(replica.groups().groupsOf(A1)).isEmpty();
        }

        @Test
        void aDroppedOwnerIsForgottenUntilItsNextSnapshot() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("a", A1, null, 1)), sink);

            replica.dropOwner(A, new Reason.NodeDown(A), sink);

            assertThat(replica.followedOwners()).doesNotContain(A);
            assertThat(replica.needsSnapshot(A)).isTrue();
            assertThat(replica.receive(batch(A, 2, register("late", A1, null, 2)), sink))
                    .isEqualTo(ScopeReplica.Receipt.NO_BASE);
            assertThat(replica.names().lookup("late")).isNull();

            sink.take();
            replica.receive(snapshot(A, 2, List.of(reg("a", A1, null, 1), reg("late", A1, null, 2)), List.of()),
                    new Reason.NodeUp(A), sink);

            assertThatEvents(sink.take()).containsExactlyInAnyOrder(registered("a", A1, null, new Reason.NodeUp(A)),
                    registered("late", A1, null, new Reason.NodeUp(A)));
        }

        @Test
        void droppingAnOwnerRemovesItsLosingClaimsToo() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, null, 1)), sink);
            replica.receive(batch(B, 1, register("n", B1, null, 2)), sink);
            sink.take();

            replica.dropOwner(A, new Reason.NodeDown(A), sink);
            // A's losing claim is gone: when B lets go, nothing is left
            replica.receive(batch(B, 2, unregister("n", B1, Reason.NORMAL)), sink);

            assertThat(replica.names().lookup("n")).isNull();
            assertThat(replica.snapshotOf(A, 0).registrations()).isEmpty();
        }

        @Test
        void droppingTheOwnerOfAContestedNamesWinnerReportsNodeDownForIt() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "a", 1)), sink);
            replica.receive(batch(B, 1, register("n", B1, "b", 2)), sink);
            sink.take();
            Reason down = new Reason.NodeDown(B);

            replica.dropOwner(B, down, sink);

            // the remaining claim (not yet given up by its owner) shows again
            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, "a", 1));
            assertThatEvents(sink.take()).containsExactly(unregistered("n", B1, "b", down),
                    registered("n", A1, "a", Reason.CONFLICT_RESOLUTION));
        }
    }

    @Nested
    class Conflicts {

        @Test
        void theMostRecentRegistrationWinsWhateverTheArrivalOrder() {
            ScopeReplica first = observer();
            first.receive(batch(A, 1, register("n", A1, "a", 10)), sink);
            first.receive(batch(B, 1, register("n", B1, "b", 20)), sink);
            assertThatEvents(sink.take()).containsExactly(registered("n", A1, "a", Reason.NORMAL),
                    unregistered("n", A1, "a", Reason.CONFLICT_RESOLUTION),
                    registered("n", B1, "b", Reason.CONFLICT_RESOLUTION));

            ScopeReplica second = observer();
            second.receive(batch(B, 1, register("n", B1, "b", 20)), sink);
            second.receive(batch(A, 1, register("n", A1, "a", 10)), sink);
            assertThatEvents(sink.take()).containsExactly(registered("n", B1, "b", Reason.NORMAL));

            assertThat(first.names().lookup("n")).isEqualTo(reg("n", B1, "b", 20))
                    .isEqualTo(second.names().lookup("n"));
            assertThat(first.names().count(A)).isZero();
            assertThat(first.names().count(B)).isEqualTo(1);
            assertThat(first.names().namesOf(A1)).isEmpty();
            assertThat(sink.losses).isEmpty();
        }

        @Test
        void anOlderRegistrationArrivingLaterDoesNotWin() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "a", 30)), sink);
            replica.receive(batch(B, 1, register("n", B1, "b", 20)), sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, "a", 30));
        }

        @Test
        void onATieTheLargerProcessReferenceWins() {
            ScopeReplica first = observer();
            first.receive(batch(B, 1, register("n", B1, null, 10)), sink);
            first.receive(batch(A, 1, register("n", A1, null, 10)), sink);
            ScopeReplica second = observer();
            second.receive(batch(A, 1, register("n", A1, null, 10)), sink);
            second.receive(batch(B, 1, register("n", B1, null, 10)), sink);

            assertThat(B1).isGreaterThan(A1);
            assertThat(first.names().lookup("n").process()).isEqualTo(B1);
            assertThat(second.names().lookup("n").process()).isEqualTo(B1);
        }

        @Test
        void theLoserIsToldOnlyOnItsOwnNodeAndAskedToStop() {
            RecordingSink onA = new RecordingSink();
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            nodeA.receive(empty(B), Reason.NORMAL, onA);
            nodeA.applyLocal(register("n", A1, "a", 10), onA);
            RecordingSink onB = new RecordingSink();
            ScopeReplica nodeB = new ScopeReplica(SCOPE, B, ConflictResolver.KEEP_MOST_RECENT);
            nodeB.receive(empty(A), Reason.NORMAL, onB);
            nodeB.applyLocal(register("n", B1, "b", 20), onB);

            nodeA.receive(batch(B, 1, register("n", B1, "b", 20)), onA);
            nodeB.receive(batch(A, 1, register("n", A1, "a", 10)), onB);

            assertThat(onA.losses).containsExactly(new Loss(reg("n", A1, "a", 10), true));
            assertThat(onB.losses).isEmpty();
            assertThat(nodeA.names().lookup("n").process()).isEqualTo(B1);
            assertThat(nodeB.names().lookup("n").process()).isEqualTo(B1);
            // the losing claim is still held (and would be in A's snapshot) until A gives it up
            assertThat(nodeA.names().claim("n", A1)).isEqualTo(reg("n", A1, "a", 10));
            assertThat(nodeA.names().claimOfNode("n", A)).isEqualTo(reg("n", A1, "a", 10));
            assertThat(nodeA.names().claimedNames(A1)).containsExactly("n");
            assertThat(nodeA.snapshotOf(A, 1).registrations()).containsExactly(reg("n", A1, "a", 10));
            assertThat(nodeA.names().namesOf(A1)).isEmpty();
        }

        @Test
        void theLoserGivingUpItsClaimLeavesNoZombie() {
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            nodeA.receive(empty(B), Reason.NORMAL, sink);
            nodeA.applyLocal(register("n", A1, "a", 10), sink);
            nodeA.receive(batch(B, 1, register("n", B1, "b", 20)), sink);
            ScopeReplica observer = observer();
            observer.receive(batch(A, 1, register("n", A1, "a", 10)), sink);
            observer.receive(batch(B, 1, register("n", B1, "b", 20)), sink);
            sink.take();

            // what the engine does on A when told: remove the claim, with CONFLICT_RESOLUTION
            Change giveUp = unregister("n", A1, Reason.CONFLICT_RESOLUTION);
            nodeA.applyLocal(giveUp, sink);
            observer.receive(batch(A, 2, giveUp), sink);

            assertThat(sink.take()).isEmpty();
            assertThat(nodeA.names().claim("n", A1)).isNull();
            assertThat(nodeA.names().claimedNames(A1)).isEmpty();
            assertThat(nodeA.snapshotOf(A, 2).registrations()).isEmpty();

            // when the winner goes, the loser does not come back
            Change unregisterB = unregister("n", B1, KILLED);
            nodeA.receive(batch(B, 2, unregisterB), sink);
            observer.receive(batch(B, 2, unregisterB), sink);

            assertThat(nodeA.names().lookup("n")).isNull();
            assertThat(observer.names().lookup("n")).isNull();
            assertThatEvents(sink.take()).containsExactly(unregistered("n", B1, "b", KILLED),
                    unregistered("n", B1, "b", KILLED));
        }

        @Test
        void aLocalClaimArrivingLaterThanTheRemoteWinnerIsReportedAsLost() {
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            nodeA.receive(empty(B), Reason.NORMAL, sink);
            nodeA.receive(batch(B, 1, register("n", B1, "b", 20)), sink);
            sink.take();

            nodeA.applyLocal(register("n", A1, "a", 10), sink);

            assertThat(sink.events).isEmpty();
            assertThat(sink.losses).containsExactly(new Loss(reg("n", A1, "a", 10), true));
        }

        @Test
        void aWinningLocalClaimReplacesTheRemoteOneWithConflictResolution() {
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            nodeA.receive(empty(B), Reason.NORMAL, sink);
            nodeA.receive(batch(B, 1, register("n", B1, "b", 10)), sink);
            sink.take();

            nodeA.applyLocal(register("n", A1, "a", 20), sink);

            assertThatEvents(sink.take()).containsExactly(unregistered("n", B1, "b", Reason.CONFLICT_RESOLUTION),
                    registered("n", A1, "a", Reason.CONFLICT_RESOLUTION));
            assertThat(sink.losses).isEmpty();
            assertThat(nodeA.names().count(A)).isEqualTo(1);
            assertThat(nodeA.names().count(B)).isZero();
        }

        @Test
        void updatingTheWinnersMetaIsAnOrdinaryUpdate() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "a", 10)), sink);
            replica.receive(batch(B, 1, register("n", B1, "b1", 20)), sink);
            sink.take();

            replica.receive(batch(B, 2, register("n", B1, "b2", 21)), sink);

            assertThatEvents(sink.take()).containsExactly(
                    new SynEvent.RegistryUpdated(SCOPE, "n", B1, "b2", "b1", Reason.NORMAL));
        }

        @Test
        void threeClaimsResolveToTheSameWinnerInAnyOrder() {
            List<ChangeBatch> batches = List.of(batch(A, 1, register("n", A1, "a", 30)),
                    batch(B, 1, register("n", B1, "b", 10)), batch(C, 1, register("n", C1, "c", 20)));
            List<List<Integer>> orders = List.of(List.of(0, 1, 2), List.of(0, 2, 1), List.of(1, 0, 2),
                    List.of(1, 2, 0), List.of(2, 0, 1), List.of(2, 1, 0));
            for (List<Integer> order : orders) {
                ScopeReplica replica = observer();
                order.forEach(i -> replica.receive(batches.get(i), sink));
                assertThat(replica.names().lookup("n")).as("order %s", order).isEqualTo(reg("n", A1, "a", 30));
                assertThat(replica.names().count()).isEqualTo(1);
            }
        }

        @Test
        void aCustomResolverDecidesTheSameWhateverTheArrivalOrder() {
            // keeps the claim whose meta is "keep", without stopping the other
            ConflictResolver resolver = (scope, name, first, second) -> ConflictOutcome.keep(
                    "keep".equals(first.meta()) ? first.process() : second.process());
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, resolver);
            nodeA.receive(empty(B), Reason.NORMAL, sink);
            nodeA.applyLocal(register("n", A1, "keep", 10), sink);
            nodeA.receive(batch(B, 1, register("n", B1, "other", 20)), sink);
            assertThat(sink.losses).isEmpty();

            RecordingSink onB = new RecordingSink();
            ScopeReplica nodeB = new ScopeReplica(SCOPE, B, resolver);
            nodeB.receive(empty(A), Reason.NORMAL, onB);
            nodeB.applyLocal(register("n", B1, "other", 20), onB);
            nodeB.receive(batch(A, 1, register("n", A1, "keep", 10)), onB);

            assertThat(nodeA.names().lookup("n").process()).isEqualTo(A1);
            assertThat(nodeB.names().lookup("n").process()).isEqualTo(A1);
            assertThat(onB.losses).containsExactly(new Loss(reg("n", B1, "other", 20), false));
            assertThatEvents(onB.events).containsSubsequence(unregistered("n", B1, "other", Reason.CONFLICT_RESOLUTION),
                    registered("n", A1, "keep", Reason.CONFLICT_RESOLUTION));
        }

        @Test
        void theResolverGetsTheSmallerProcessFirst() {
            List<String> calls = new ArrayList<>();
            ConflictResolver resolver = (scope, name, first, second) -> {
                calls.add(scope + "/" + name + ":" + first.process() + "," + second.process());
                return ConflictOutcome.keep(first.process());
            };
            ScopeReplica replica = observer(resolver);
            replica.receive(batch(B, 1, register("n", B1, null, 1)), sink);
            replica.receive(batch(A, 1, register("n", A1, null, 2)), sink);

            assertThat(calls).containsExactly(SCOPE + "/n:" + A1 + "," + B1);
            assertThat(replica.names().lookup("n").process()).isEqualTo(A1);
        }

        @Test
        void keepNeitherHidesTheNameAndBothOwnersAreTold() {
            ConflictResolver neither = (scope, name, first, second) -> ConflictOutcome.keepNeitherAndStopBoth();
            RecordingSink onA = new RecordingSink();
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, neither);
            nodeA.receive(empty(B), Reason.NORMAL, onA);
            nodeA.applyLocal(register("n", A1, "a", 10), onA);
            RecordingSink onB = new RecordingSink();
            ScopeReplica nodeB = new ScopeReplica(SCOPE, B, neither);
            nodeB.receive(empty(A), Reason.NORMAL, onB);
            nodeB.applyLocal(register("n", B1, "b", 20), onB);
            ScopeReplica observer = observer(neither);
            observer.receive(batch(A, 1, register("n", A1, "a", 10)), sink);
            sink.take();

            nodeA.receive(batch(B, 1, register("n", B1, "b", 20)), onA);
            nodeB.receive(batch(A, 1, register("n", A1, "a", 10)), onB);
            observer.receive(batch(B, 1, register("n", B1, "b", 20)), sink);

            assertThat(onA.losses).containsExactly(new Loss(reg("n", A1, "a", 10), true));
            assertThat(onB.losses).containsExactly(new Loss(reg("n", B1, "b", 20), true));
            assertThat(nodeA.names().lookup("n")).isNull();
            assertThat(nodeB.names().lookup("n")).isNull();
            assertThat(observer.names().lookup("n")).isNull();
            assertThat(observer.names().count()).isZero();
            assertThatEvents(sink.take()).containsExactly(unregistered("n", A1, "a", Reason.CONFLICT_RESOLUTION));

            // both owners give up their claims; the name stays free everywhere
            Change giveUpA = unregister("n", A1, Reason.CONFLICT_RESOLUTION);
            Change giveUpB = unregister("n", B1, Reason.CONFLICT_RESOLUTION);
            nodeA.applyLocal(giveUpA, onA);
            nodeB.applyLocal(giveUpB, onB);
            nodeA.receive(batch(B, 2, giveUpB), onA);
            nodeB.receive(batch(A, 2, giveUpA), onB);
            observer.receive(batch(A, 2, giveUpA), sink);
            observer.receive(batch(B, 2, giveUpB), sink);
            assertThat(nodeA.names().lookup("n")).isNull();
            assertThat(nodeB.names().lookup("n")).isNull();
            assertThat(observer.names().lookup("n")).isNull();
            assertThat(nodeA.names().claimedNames(A1)).isEmpty();
        }

        @Test
        void keepNeitherWithoutStopping() {
            ConflictResolver neither = (scope, name, first, second) -> ConflictOutcome.keepNeither();
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, neither);
            nodeA.receive(empty(B), Reason.NORMAL, sink);
            nodeA.applyLocal(register("n", A1, "a", 10), sink);

            nodeA.receive(batch(B, 1, register("n", B1, "b", 20)), sink);

            assertThat(sink.losses).containsExactly(new Loss(reg("n", A1, "a", 10), false));
            assertThat(nodeA.names().lookup("n")).isNull();
        }

        @Test
        void aResolverThatThrowsKeepsNeitherAndStopsNeither() {
            ConflictResolver broken = (scope, name, first, second) -> {
                throw new IllegalStateException("boom");
            };
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, broken);
            nodeA.receive(empty(B), Reason.NORMAL, sink);
            nodeA.applyLocal(register("n", A1, "a", 10), sink);
            sink.take();
            List<ILoggingEvent> logged = recordLogs();

            nodeA.receive(batch(B, 1, register("n", B1, "b", 20)), sink);

            assertThat(nodeA.names().lookup("n")).isNull();
            assertThat(sink.losses).containsExactly(new Loss(reg("n", A1, "a", 10), false));
            assertThatEvents(sink.take()).containsExactly(unregistered("n", A1, "a", Reason.CONFLICT_RESOLUTION));
            assertThat(logged).anySatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getFormattedMessage()).contains("'n'");
                assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
            });
        }

        @Test
        void aResolverThatKeepsAStrangerKeepsNeitherAndStopsNeither() {
            ConflictResolver stranger = (scope, name, first, second) -> ConflictOutcome.keepAndStopOther(C1);
            ScopeReplica replica = observer(stranger);
            replica.receive(batch(A, 1, register("n", A1, "a", 20)), sink);
            replica.receive(batch(B, 1, register("n", B1, "b", 30)), sink);
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, stranger);
            RecordingSink onA = new RecordingSink();
            nodeA.receive(empty(B), Reason.NORMAL, onA);
            nodeA.applyLocal(register("n", A1, "a", 20), onA);
            List<ILoggingEvent> logged = recordLogs();

            nodeA.receive(batch(B, 1, register("n", B1, "b", 30)), onA);

            assertThat(replica.names().lookup("n")).isNull();
            assertThatEvents(sink.take()).containsExactly(registered("n", A1, "a", Reason.NORMAL),
                    unregistered("n", A1, "a", Reason.CONFLICT_RESOLUTION));
            assertThat(nodeA.names().lookup("n")).isNull();
            assertThat(onA.losses).containsExactly(new Loss(reg("n", A1, "a", 20), false));
            assertThat(logged).anySatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getFormattedMessage()).contains(C1.toString());
            });
        }

        @Test
        void resolutionIsRecomputedWhenAClaimChanges() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "a1", 10)), sink);
            replica.receive(batch(B, 1, register("n", B1, "b", 20)), sink);
            sink.take();

            // A's process updates its (losing) claim: now the most recent
            replica.receive(batch(A, 2, register("n", A1, "a2", 30)), sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, "a2", 30));
            assertThatEvents(sink.take()).containsExactly(unregistered("n", B1, "b", Reason.CONFLICT_RESOLUTION),
                    registered("n", A1, "a2", Reason.CONFLICT_RESOLUTION));
        }

        @Test
        void theWinnerLeavingWithItsOwnReasonWhileALoserStillClaims() {
            ScopeReplica replica = observer();
            replica.receive(batch(A, 1, register("n", A1, "a", 1)), sink);
            replica.receive(batch(B, 1, register("n", B1, "b", 2)), sink);
            replica.receive(batch(C, 1, register("n", C1, "c", 3)), sink);
            sink.take();

            replica.receive(batch(C, 2, unregister("n", C1, KILLED)), sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", B1, "b", 2));
            assertThatEvents(sink.take()).containsExactly(unregistered("n", C1, "c", KILLED),
                    registered("n", B1, "b", Reason.CONFLICT_RESOLUTION));

            replica.receive(batch(B, 2, unregister("n", B1, Reason.NORMAL)), sink);

            assertThat(replica.names().lookup("n")).isEqualTo(reg("n", A1, "a", 1));
            assertThatEvents(sink.take()).containsExactly(unregistered("n", B1, "b", Reason.NORMAL),
                    registered("n", A1, "a", Reason.CONFLICT_RESOLUTION));
        }

        @Test
        void aSnapshotBringingAConflictResolvesIt() {
            RecordingSink onA = new RecordingSink();
            ScopeReplica nodeA = new ScopeReplica(SCOPE, A, ConflictResolver.KEEP_MOST_RECENT);
            nodeA.applyLocal(register("n", A1, "a", 10), onA);
            onA.take();
            Reason nodeUp = new Reason.NodeUp(B);

            nodeA.receive(snapshot(B, 1, List.of(reg("n", B1, "b", 20)), List.of()), nodeUp, onA);

            assertThat(nodeA.names().lookup("n").process()).isEqualTo(B1);
            assertThat(onA.losses).containsExactly(new Loss(reg("n", A1, "a", 10), true));
            assertThatEvents(onA.take()).containsExactly(unregistered("n", A1, "a", Reason.CONFLICT_RESOLUTION),
                    registered("n", B1, "b", Reason.CONFLICT_RESOLUTION));
        }
    }
}
