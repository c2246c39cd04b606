package io.synspring.internal.wire;

import io.synspring.NodeId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synspring.internal.wire.WireMessage.Deltas;
import io.synspring.internal.wire.WireMessage.Sync;
import io.synspring.events.Reason;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;
import io.synspring.internal.replica.Change;
import io.synspring.internal.replica.ChangeBatch;
import io.synspring.internal.replica.OwnerSnapshot;
import io.synspring.internal.observation.Observations;
import io.synspring.testing.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wire format of replication: batches and snapshots (in parts) come back as they were sent. */
class WireCodecTests {

    static TestCluster cluster;
    static WireCodec codec;
    static final NodeId OWNER = new NodeId("owner", 7);
    static final NodeId OTHER = new NodeId("other", 3);

    @BeforeAll
    static void startOneNode() {
        cluster = TestCluster.start(1);
        codec = new WireCodec(cluster.node(0).hazelcast(), java.util.List.of());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aLargeSnapshotTravelsInPartsOfBoundedSizeThatAddUpToIt() {
        List<Registration> registrations = new ArrayList<>();
        List<Membership> memberships = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            registrations.add(new Registration("device-" + i, new ProcessRef(OWNER, i), i % 3 == 0 ? "meta-" + i : null,
                    1_000 + i));
            memberships.add(new Membership("group-" + i % 10, new ProcessRef(OWNER, i), null, 2_000 + i));
        }
        OwnerSnapshot whole = new OwnerSnapshot("devices", OWNER, 42, registrations, memberships);
        List<byte[]> packets = new ArrayList<>();

        codec.encode(new Sync(OWNER, whole, true), packets::add);

        assertThat(packets).hasSizeGreaterThan(3)
                .allSatisfy(
                        packet -> assertThat(packet.length).isLessThan(ReplicationCodec.SNAPSHOT_PART_BYTES + 1024));
        List<Registration> receivedRegistrations = new ArrayList<>();
        List<Membership> receivedMemberships = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            Sync part = (Sync) codec.decode(packets.get(i));
            assertThat(part.from()).isEqualTo(OWNER);
            assertThat(part.replyWanted()).isTrue();
            assertThat(part.snapshot().scope()).isEqualTo("devices");
            assertThat(part.snapshot().owner()).isEqualTo(OWNER);
            assertThat(part.snapshot().seq()).isEqualTo(42);
            assertThat(part.snapshot().part()).isEqualTo(i);
            assertThat(part.snapshot().last()).isEqualTo(i == packets.size() - 1);
            receivedRegistrations.addAll(part.snapshot().registrations());
            receivedMemberships.addAll(part.snapshot().memberships());
        }
        assertThat(receivedRegistrations).isEqualTo(registrations);
        assertThat(receivedMemberships).isEqualTo(memberships);
    }

    @Test
    void anEmptySnapshotIsOneLastPart() {
        List<byte[]> packets = new ArrayList<>();

        codec.encode(new Sync(OWNER, new OwnerSnapshot("devices", OWNER, 0, List.of(), List.of()), false),
                packets::add);

        assertThat(packets).singleElement().satisfies(packet -> {
            OwnerSnapshot part = ((Sync) codec.decode(packet)).snapshot();
            assertThat(part.last()).isTrue();
            assertThat(part.size()).isZero();
        });
    }

    @Test
    void aBatchComesBackWithEveryKindOfChange() {
        ProcessRef process = new ProcessRef(OWNER, 5);
        ChangeBatch batch = new ChangeBatch("devices", OWNER, 9, List.of(
                new Change.Register(new Registration("n", process, List.of(1, 2), 77), Reason.NORMAL),
                new Change.Unregister("m", process, new Reason.ProcessExited(new ExitReason.Crashed("E", "boom"))),
                new Change.Join(new Membership("g", process, "meta", 78), Reason.CONFLICT_RESOLUTION),
                new Change.Leave("h", process, new Reason.NodeDown(OTHER))));

        Deltas decoded = (Deltas) codec.decode(codec.encode(new Deltas(OWNER, batch)));

        assertThat(decoded).isEqualTo(new Deltas(OWNER, batch));
    }

    @Test
    void anOwnerOnlySendsEntriesOfItsOwnProcesses() {
        ChangeBatch foreign = new ChangeBatch("devices", OWNER, 1,
                List.of(new Change.Unregister("n", new ProcessRef(OTHER, 1), Reason.NORMAL)));

        assertThatThrownBy(() -> codec.encode(new Deltas(OWNER, foreign)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not own");
    }

    @Test
    void withoutATraceContextADeliveryAndARequestCarryNothingMore() {
        ProcessRef target = new ProcessRef(OTHER, 9);
        WireMessage.Deliver plain = new WireMessage.Deliver(OWNER, new long[] {9}, target, "hello", null);
        Map<String, String> trace = Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        WireMessage.Deliver traced = new WireMessage.Deliver(OWNER, new long[] {9}, target, "hello", null, trace);

        byte[] plainBytes = codec.encode(plain);
        byte[] tracedBytes = codec.encode(traced);

        // the trace context's entry count and its two strings (length-prefixed UTF-8), nothing else
        int traceBytes = 4 + 4 + "traceparent".length() + 4 + trace.get("traceparent").length();
        assertThat(tracedBytes.length - plainBytes.length).isEqualTo(traceBytes);
        assertThat(((WireMessage.Deliver) codec.decode(plainBytes)).trace()).isNull();
        WireMessage.Deliver decoded = (WireMessage.Deliver) codec.decode(tracedBytes);
        assertThat(decoded.trace()).isEqualTo(trace);
        assertThat(decoded.message()).isEqualTo("hello");
        assertThat(decoded.sender()).isEqualTo(target);
    }

    @Test
    void aRequestCarriesItsTraceContext() {
        Map<String, String> trace = Map.of("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1");
        WireMessage.Operation register = new WireMessage.Operation.Register("name", new ProcessRef(OTHER, 1), "meta");

        WireMessage.Request plain = (WireMessage.Request) codec.decode(codec.encode(
                new WireMessage.Request(OWNER, "devices", 3, register)));
        WireMessage.Request traced = (WireMessage.Request) codec.decode(codec.encode(
                new WireMessage.Request(OWNER, "devices", 3, register, trace)));

        assertThat(plain.trace()).isNull();
        assertThat(traced.trace()).isEqualTo(trace);
        assertThat(traced.operation()).isEqualTo(register);
        assertThat(traced.callId()).isEqualTo(3);
    }

    @Test
    void anOversizedTraceContextIsDroppedAndTheMessageStillDelivered() {
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i <= Observations.MAX_TRACE_ENTRIES; i++) {
            tooMany.put("baggage-" + i, "v");
        }
        Map<String, String> tooLong = Map.of("baggage", "x".repeat(Observations.MAX_TRACE_CHARS));

        for (Map<String, String> trace : List.of(tooMany, tooLong)) {
            WireMessage.Deliver decoded = (WireMessage.Deliver) codec.decode(codec.encode(
                    new WireMessage.Deliver(OWNER, new long[] {9}, null, "hello", null, trace)));
            assertThat(decoded.trace()).isNull();
            assertThat(decoded.message()).isEqualTo("hello");
        }
    }
}
