package io.synspring.internal.wire;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.nio.BufferObjectDataInput;
import com.hazelcast.internal.nio.BufferObjectDataOutput;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.synspring.NodeId;
import io.synspring.RejectedValue;
import io.synspring.events.Reason;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.groups.Membership;
import io.synspring.internal.process.ReplyTo;
import io.synspring.internal.replica.Change;
import io.synspring.internal.replica.ChangeBatch;
import io.synspring.internal.replica.OwnerSnapshot;
import io.synspring.internal.wire.WireMessage.Deliver;
import io.synspring.internal.wire.WireMessage.Deltas;
import io.synspring.internal.wire.WireMessage.Failure;
import io.synspring.internal.wire.WireMessage.Leaving;
import io.synspring.internal.wire.WireMessage.Operation;
import io.synspring.internal.wire.WireMessage.Reply;
import io.synspring.internal.wire.WireMessage.Request;
import io.synspring.internal.wire.WireMessage.Response;
import io.synspring.internal.wire.WireMessage.Sync;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.registry.UnregisterResult;
import io.synspring.registry.UpdateResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link WireMessage}s into bytes and back. The protocol's own fields are written field by field;
 * user values (metadata, messages, replies) go through the {@link ValuePolicy}, which decides what may cross
 * and encodes it with the Hazelcast instance's serializers.
 */
public final class WireCodec {

    private static final byte DELTAS = 1;
    private static final byte SYNC = 2;
    private static final byte LEAVING = 3;
    private static final byte REQUEST = 4;
    private static final byte RESPONSE = 5;
    private static final byte DELIVER = 6;
    private static final byte REPLY = 7;
    private static final byte BEACON = 8;
    private static final byte UNDELIVERED = 9;

    /** A snapshot part ends once it holds this many bytes: no huge arrays, and the receiver starts early. */
    static final int SNAPSHOT_PART_BYTES = 256 * 1024;
    private static final byte PART_REGISTRATION = 1;
    private static final byte PART_MEMBERSHIP = 2;
    private static final byte PART_END = 3;
    private static final byte SNAPSHOT_END = 4;

    private final InternalSerializationService serialization;
    private final ValuePolicy values;
    private final ConcurrentHashMap<NodeId, NodeId> nodes = new ConcurrentHashMap<>();

    /** @param allowedClassPrefixes the classes, besides the JDK's, Hazelcast's and Syn's, values may hold */
    public WireCodec(HazelcastInstance hazelcast, Collection<String> allowedClassPrefixes) {
        this.serialization =
                (InternalSerializationService) ((SerializationServiceSupport) hazelcast).getSerializationService();
        this.values = new ValuePolicy(hazelcast, allowedClassPrefixes);
    }

    /**
     * Checks at the call, not later on a remote node, that {@code value} may cross the wire: see
     * {@link ValuePolicy#check}.
     *
     * @throws IllegalArgumentException saying what is wrong and what to do
     */
    public void checkTransferable(@Nullable Object value, int maxBytes, String what, boolean mustEqual) {
        values.check(value, maxBytes, what, mustEqual);
    }

    /**
     * Encodes {@code message} into the packets that carry it, handed to {@code packets} in order: one for
     * most messages, a packet per part of about {@value #SNAPSHOT_PART_BYTES} bytes for a snapshot.
     */
    public void encode(WireMessage message, Consumer<byte[]> packets) {
        if (message instanceof Sync sync) {
            try {
                encodeSnapshot(sync, packets);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            packets.accept(encode(message));
        }
    }

    /** Encodes a message that travels in one packet: anything but a {@link Sync}. */
    public byte[] encode(WireMessage message) {
        if (message instanceof Sync) {
            throw new IllegalArgumentException("a snapshot travels in parts: encode it with encode(message, packets)");
        }
        BufferObjectDataOutput out = serialization.createObjectDataOutput(256);
        try {
            if (message instanceof Deltas deltas) {
                out.writeByte(DELTAS);
                writeNode(out, deltas.from());
                writeBatch(out, deltas.batch());
            } else if (message instanceof WireMessage.Beacon beacon) {
                out.writeByte(BEACON);
                writeNode(out, beacon.from());
                out.writeString(beacon.scope());
                out.writeLong(beacon.seq());
            } else if (message instanceof Leaving leaving) {
                out.writeByte(LEAVING);
                writeNode(out, leaving.from());
                out.writeString(leaving.scope());
            } else if (message instanceof Request request) {
                out.writeByte(REQUEST);
                writeNode(out, request.from());
                out.writeString(request.scope());
                out.writeLong(request.callId());
                writeOperation(out, request.operation());
            } else if (message instanceof Response response) {
                out.writeByte(RESPONSE);
                writeNode(out, response.from());
                out.writeString(response.scope());
                out.writeLong(response.callId());
                writeResult(out, response.result());
            } else if (message instanceof Deliver deliver) {
                out.writeByte(DELIVER);
                writeNode(out, deliver.from());
                out.writeLongArray(deliver.targets());
                writeNullableRef(out, deliver.sender());
                out.writeBoolean(deliver.replyTo() != null);
                if (deliver.replyTo() != null) {
                    writeNode(out, deliver.replyTo().node());
                    out.writeLong(deliver.replyTo().callId());
                }
                writeValue(out, deliver.message());
            } else if (message instanceof WireMessage.Undelivered undelivered) {
                out.writeByte(UNDELIVERED);
                writeNode(out, undelivered.from());
                out.writeLongArray(undelivered.targets());
                out.writeBoolean(undelivered.mailboxFull());
                out.writeLong(undelivered.callId());
            } else if (message instanceof Reply reply) {
                out.writeByte(REPLY);
                writeNode(out, reply.from());
                out.writeLong(reply.callId());
                writeRef(out, reply.process());
                writeValue(out, reply.reply());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws RuntimeException when the bytes are not a message, or a value in it is refused (for instance
     *     a class outside the deserialization allowlist)
     */
    public WireMessage decode(byte[] bytes) {
        BufferObjectDataInput in = serialization.createObjectDataInput(bytes);
        try {
            byte type = in.readByte();
            NodeId from = readNode(in);
            switch (type) {
                case DELTAS:
                    return new Deltas(from, readBatch(in));
                case SYNC: {
                    boolean replyWanted = in.readBoolean();
                    return new Sync(from, readSnapshotPart(in), replyWanted);
                }
                case LEAVING:
                    return new Leaving(from, in.readString());
                case BEACON:
                    return new WireMessage.Beacon(from, in.readString(), in.readLong());
                case REQUEST:
                    return new Request(from, in.readString(), in.readLong(), readOperation(in));
                case RESPONSE:
                    return new Response(from, in.readString(), in.readLong(), readResult(in));
                case DELIVER: {
                    long[] targets = in.readLongArray();
                    ProcessRef sender = readNullableRef(in);
                    ReplyTo replyTo = in.readBoolean() ? new ReplyTo(readNode(in), in.readLong()) : null;
                    return new Deliver(from, targets, sender, readValue(in), replyTo);
                }
                case REPLY:
                    return new Reply(from, in.readLong(), readRef(in), readValue(in));
                case UNDELIVERED:
                    return new WireMessage.Undelivered(from, in.readLongArray(), in.readBoolean(), in.readLong());
                default:
                    throw new IllegalArgumentException("unknown message type " + type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- replication

    // Batches and snapshots hold entries of the owner's own processes only: a process is its local id.

    private void writeBatch(ObjectDataOutput out, ChangeBatch batch) throws IOException {
        out.writeString(batch.scope());
        writeNode(out, batch.owner());
        out.writeLong(batch.firstSeq());
        out.writeInt(batch.changes().size());
        for (Change change : batch.changes()) {
            writeChange(out, batch.owner(), change);
        }
    }

    private ChangeBatch readBatch(ObjectDataInput in) throws IOException {
        String scope = in.readString();
        NodeId owner = readNode(in);
        long firstSeq = in.readLong();
        int size = in.readInt();
        List<Change> changes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            changes.add(readChange(in, owner));
        }
        return new ChangeBatch(scope, owner, firstSeq, changes);
    }

    private void encodeSnapshot(Sync sync, Consumer<byte[]> packets) throws IOException {
        OwnerSnapshot snapshot = sync.snapshot();
        if (snapshot.part() != 0 || !snapshot.last()) {
            throw new IllegalArgumentException("only a whole snapshot is cut into parts, not part " + snapshot.part());
        }
        Iterator<Registration> registrations = snapshot.registrations().iterator();
        Iterator<Membership> memberships = snapshot.memberships().iterator();
        boolean last = false;
        for (int part = 0; !last; part++) {
            BufferObjectDataOutput out = serialization.createObjectDataOutput(SNAPSHOT_PART_BYTES + 1024);
            out.writeByte(SYNC);
            writeNode(out, sync.from());
            out.writeBoolean(sync.replyWanted());
            out.writeString(snapshot.scope());
            writeNode(out, snapshot.owner());
            out.writeLong(snapshot.seq());
            out.writeInt(part);
            while (registrations.hasNext() && out.position() < SNAPSHOT_PART_BYTES) {
                out.writeByte(PART_REGISTRATION);
                writeOwned(out, snapshot.owner(), registrations.next());
            }
            while (!registrations.hasNext() && memberships.hasNext() && out.position() < SNAPSHOT_PART_BYTES) {
                out.writeByte(PART_MEMBERSHIP);
                writeOwned(out, snapshot.owner(), memberships.next());
            }
            last = !registrations.hasNext() && !memberships.hasNext();
            out.writeByte(last ? SNAPSHOT_END : PART_END);
            packets.accept(out.toByteArray());
        }
    }

    private OwnerSnapshot readSnapshotPart(ObjectDataInput in) throws IOException {
        String scope = in.readString();
        NodeId owner = readNode(in);
        long seq = in.readLong();
        int part = in.readInt();
        List<Registration> registrations = new ArrayList<>();
        List<Membership> memberships = new ArrayList<>();
        while (true) {
            byte type = in.readByte();
            switch (type) {
                case PART_REGISTRATION -> registrations.add(readOwnedRegistration(in, owner));
                case PART_MEMBERSHIP -> memberships.add(readOwnedMembership(in, owner));
                case PART_END, SNAPSHOT_END -> {
                    return new OwnerSnapshot(scope, owner, seq, part, type == SNAPSHOT_END, registrations, memberships);
                }
                default -> throw new IllegalArgumentException("unknown snapshot entry type " + type);
            }
        }
    }

    private void writeChange(ObjectDataOutput out, NodeId owner, Change change) throws IOException {
        if (change instanceof Change.Register register) {
            out.writeByte(1);
            writeOwned(out, owner, register.registration());
        } else if (change instanceof Change.Unregister unregister) {
            out.writeByte(2);
            out.writeString(unregister.name());
            out.writeLong(ownId(owner, unregister.process()));
        } else if (change instanceof Change.Join join) {
            out.writeByte(3);
            writeOwned(out, owner, join.membership());
        } else if (change instanceof Change.Leave leave) {
            out.writeByte(4);
            out.writeString(leave.group());
            out.writeLong(ownId(owner, leave.process()));
        }
        writeReason(out, change.reason());
    }

    private Change readChange(ObjectDataInput in, NodeId owner) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 1:
                return new Change.Register(readOwnedRegistration(in, owner), readReason(in));
            case 2:
                return new Change.Unregister(in.readString(), new ProcessRef(owner, in.readLong()), readReason(in));
            case 3:
                return new Change.Join(readOwnedMembership(in, owner), readReason(in));
            case 4:
                return new Change.Leave(in.readString(), new ProcessRef(owner, in.readLong()), readReason(in));
            default:
                throw new IllegalArgumentException("unknown change type " + type);
        }
    }

    private void writeOwned(ObjectDataOutput out, NodeId owner, Registration registration) throws IOException {
        out.writeString(registration.name());
        out.writeLong(ownId(owner, registration.process()));
        writeValue(out, registration.meta());
        out.writeLong(registration.time());
    }

    private Registration readOwnedRegistration(ObjectDataInput in, NodeId owner) throws IOException {
        return new Registration(in.readString(), new ProcessRef(owner, in.readLong()), readValue(in), in.readLong());
    }

    private void writeOwned(ObjectDataOutput out, NodeId owner, Membership membership) throws IOException {
        out.writeString(membership.group());
        out.writeLong(ownId(owner, membership.process()));
        writeValue(out, membership.meta());
        out.writeLong(membership.time());
    }

    private Membership readOwnedMembership(ObjectDataInput in, NodeId owner) throws IOException {
        return new Membership(in.readString(), new ProcessRef(owner, in.readLong()), readValue(in), in.readLong());
    }

    private static long ownId(NodeId owner, ProcessRef process) {
        if (!process.node().equals(owner)) {
            throw new IllegalStateException(owner + " cannot send an entry of " + process + ", which it does not own");
        }
        return process.id();
    }

    private void writeRegistration(ObjectDataOutput out, Registration registration) throws IOException {
        out.writeString(registration.name());
        writeRef(out, registration.process());
        writeValue(out, registration.meta());
        out.writeLong(registration.time());
    }

    private Registration readRegistration(ObjectDataInput in) throws IOException {
        return new Registration(in.readString(), readRef(in), readValue(in), in.readLong());
    }

    private void writeMembership(ObjectDataOutput out, Membership membership) throws IOException {
        out.writeString(membership.group());
        writeRef(out, membership.process());
        writeValue(out, membership.meta());
        out.writeLong(membership.time());
    }

    private Membership readMembership(ObjectDataInput in) throws IOException {
        return new Membership(in.readString(), readRef(in), readValue(in), in.readLong());
    }

    private void writeReason(ObjectDataOutput out, Reason reason) throws IOException {
        if (reason instanceof Reason.Normal) {
            out.writeByte(0);
        } else if (reason instanceof Reason.ConflictResolution) {
            out.writeByte(1);
        } else if (reason instanceof Reason.ProcessExited exited) {
            out.writeByte(2);
            writeExitReason(out, exited.exit());
        } else if (reason instanceof Reason.NodeUp up) {
            out.writeByte(3);
            writeNode(out, up.node());
        } else if (reason instanceof Reason.NodeDown down) {
            out.writeByte(4);
            writeNode(out, down.node());
        }
    }

    private Reason readReason(ObjectDataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 0:
                return Reason.NORMAL;
            case 1:
                return Reason.CONFLICT_RESOLUTION;
            case 2:
                return new Reason.ProcessExited(readExitReason(in));
            case 3:
                return new Reason.NodeUp(readNode(in));
            case 4:
                return new Reason.NodeDown(readNode(in));
            default:
                throw new IllegalArgumentException("unknown reason type " + type);
        }
    }

    private void writeExitReason(ObjectDataOutput out, ExitReason reason) throws IOException {
        if (reason instanceof ExitReason.Normal) {
            out.writeByte(0);
        } else if (reason instanceof ExitReason.Shutdown) {
            out.writeByte(1);
        } else if (reason instanceof ExitReason.Killed) {
            out.writeByte(2);
        } else if (reason instanceof ExitReason.Crashed crashed) {
            out.writeByte(3);
            out.writeString(crashed.exceptionType());
            out.writeString(crashed.message());
        } else if (reason instanceof ExitReason.ConflictResolved conflict) {
            out.writeByte(4);
            out.writeString(conflict.scope());
            out.writeString(conflict.name());
        }
    }

    private ExitReason readExitReason(ObjectDataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 0:
                return ExitReason.NORMAL;
            case 1:
                return ExitReason.SHUTDOWN;
            case 2:
                return ExitReason.KILLED;
            case 3:
                return new ExitReason.Crashed(in.readString(), in.readString());
            case 4:
                return new ExitReason.ConflictResolved(in.readString(), in.readString());
            default:
                throw new IllegalArgumentException("unknown exit reason type " + type);
        }
    }

    // ---------------------------------------------------------------- requests

    private void writeOperation(ObjectDataOutput out, Operation operation) throws IOException {
        if (operation instanceof Operation.Register register) {
            out.writeByte(1);
            out.writeString(register.name());
            writeRef(out, register.process());
            writeValue(out, register.meta());
        } else if (operation instanceof Operation.Unregister unregister) {
            out.writeByte(2);
            out.writeString(unregister.name());
            writeRef(out, unregister.process());
        } else if (operation instanceof Operation.CompareAndSet set) {
            out.writeByte(3);
            out.writeString(set.name());
            writeRef(out, set.process());
            writeValue(out, set.expected());
            writeValue(out, set.meta());
        } else if (operation instanceof Operation.Join join) {
            out.writeByte(4);
            out.writeString(join.group());
            writeRef(out, join.process());
            writeValue(out, join.meta());
        } else if (operation instanceof Operation.Leave leave) {
            out.writeByte(5);
            out.writeString(leave.group());
            writeRef(out, leave.process());
        } else if (operation instanceof Operation.MemberRead read) {
            out.writeByte(7);
            out.writeString(read.group());
            writeRef(out, read.process());
        } else if (operation instanceof Operation.MemberCompareAndSet set) {
            out.writeByte(6);
            out.writeString(set.group());
            writeRef(out, set.process());
            writeValue(out, set.expected());
            writeValue(out, set.meta());
        }
    }

    private Operation readOperation(ObjectDataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 1:
                return new Operation.Register(in.readString(), readRef(in), readValue(in));
            case 2:
                return new Operation.Unregister(in.readString(), readRef(in));
            case 3:
                return new Operation.CompareAndSet(in.readString(), readRef(in), readValue(in), readValue(in));
            case 4:
                return new Operation.Join(in.readString(), readRef(in), readValue(in));
            case 5:
                return new Operation.Leave(in.readString(), readRef(in));
            case 6:
                return new Operation.MemberCompareAndSet(in.readString(), readRef(in), readValue(in), readValue(in));
            case 7:
                return new Operation.MemberRead(in.readString(), readRef(in));
            default:
                throw new IllegalArgumentException("unknown operation type " + type);
        }
    }

    private void writeResult(ObjectDataOutput out, Object result) throws IOException {
        if (result instanceof RegisterResult register) {
            out.writeByte(1);
            out.writeByte(register.ordinal());
        } else if (result instanceof UnregisterResult unregister) {
            out.writeByte(2);
            out.writeByte(unregister.ordinal());
        } else if (result instanceof UpdateResult update) {
            out.writeByte(3);
            out.writeByte(update.status().ordinal());
            out.writeBoolean(update.registration() != null);
            if (update.registration() != null) {
                writeRegistration(out, update.registration());
            }
        } else if (result instanceof JoinResult join) {
            out.writeByte(4);
            out.writeByte(join.ordinal());
        } else if (result instanceof LeaveResult leave) {
            out.writeByte(5);
            out.writeByte(leave.ordinal());
        } else if (result instanceof GroupUpdateResult update) {
            out.writeByte(6);
            out.writeByte(update.status().ordinal());
            out.writeBoolean(update.membership() != null);
            if (update.membership() != null) {
                writeMembership(out, update.membership());
            }
        } else if (result instanceof WireMessage.Stale stale) {
            out.writeByte(8);
            writeValue(out, stale.current());
        } else if (result instanceof Failure failure) {
            out.writeByte(7);
            out.writeString(failure.exceptionType());
            out.writeString(failure.message());
            byte[] cause = null;
            if (failure.cause() != null) {
                try {
                    cause = values.write(failure.cause());
                } catch (RuntimeException notSerializable) {
                    // the type and message above still reach the caller
                }
            }
            out.writeByteArray(cause);
        } else {
            throw new IllegalArgumentException("not a response value: " + result);
        }
    }

    private Object readResult(ObjectDataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 1:
                return RegisterResult.values()[in.readByte()];
            case 2:
                return UnregisterResult.values()[in.readByte()];
            case 3: {
                UpdateResult.Status status = UpdateResult.Status.values()[in.readByte()];
                return new UpdateResult(status, in.readBoolean() ? readRegistration(in) : null);
            }
            case 4:
                return JoinResult.values()[in.readByte()];
            case 5:
                return LeaveResult.values()[in.readByte()];
            case 6: {
                GroupUpdateResult.Status status = GroupUpdateResult.Status.values()[in.readByte()];
                return new GroupUpdateResult(status, in.readBoolean() ? readMembership(in) : null);
            }
            case 7: {
                String exceptionType = in.readString();
                String message = in.readString();
                Object cause = readValue(in);
                return new Failure(exceptionType, message, cause instanceof Throwable ? (Throwable) cause : null);
            }
            case 8:
                return new WireMessage.Stale(readValue(in));
            default:
                throw new IllegalArgumentException("unknown result type " + type);
        }
    }

    // ---------------------------------------------------------------- user values

    /** A user value, length-prefixed so that one refused value never garbles the rest of the message. */
    private void writeValue(ObjectDataOutput out, @Nullable Object value) throws IOException {
        out.writeByteArray(value == null ? null : values.write(value));
    }

    /** A user value, or a {@link RejectedValue} if this node refuses to instantiate it (see {@link ValuePolicy}). */
    private @Nullable Object readValue(ObjectDataInput in) throws IOException {
        byte[] bytes = in.readByteArray();
        return bytes == null ? null : values.read(bytes);
    }

    // ---------------------------------------------------------------- identities

    private static void writeNode(ObjectDataOutput out, NodeId node) throws IOException {
        out.writeString(node.name());
        out.writeLong(node.incarnation());
    }

    /** Node ids are interned: a replica of a million entries holds a few node id objects, not a million. */
    private NodeId readNode(ObjectDataInput in) throws IOException {
        NodeId node = new NodeId(in.readString(), in.readLong());
        NodeId known = nodes.putIfAbsent(node, node);
        return known == null ? node : known;
    }

    private static void writeRef(ObjectDataOutput out, ProcessRef ref) throws IOException {
        writeNode(out, ref.node());
        out.writeLong(ref.id());
    }

    private ProcessRef readRef(ObjectDataInput in) throws IOException {
        return new ProcessRef(readNode(in), in.readLong());
    }

    private static void writeNullableRef(ObjectDataOutput out, @Nullable ProcessRef ref) throws IOException {
        out.writeBoolean(ref != null);
        if (ref != null) {
            writeRef(out, ref);
        }
    }

    private @Nullable ProcessRef readNullableRef(ObjectDataInput in) throws IOException {
        return in.readBoolean() ? readRef(in) : null;
    }
}
