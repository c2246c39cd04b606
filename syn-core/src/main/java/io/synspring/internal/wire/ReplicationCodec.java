package io.synspring.internal.wire;

import com.hazelcast.internal.nio.BufferObjectDataOutput;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.groups.Membership;
import io.synspring.internal.replica.Change;
import io.synspring.internal.replica.ChangeBatch;
import io.synspring.internal.replica.OwnerSnapshot;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Encodes replication: batches of changes and snapshot parts. Both hold entries of the sending owner's own
 * processes only, so a process is written as its local id.
 */
final class ReplicationCodec {

    /** A snapshot part ends once it holds this many bytes: no huge arrays, and the receiver starts early. */
    static final int SNAPSHOT_PART_BYTES = 256 * 1024;
    private static final byte PART_REGISTRATION = 1;
    private static final byte PART_MEMBERSHIP = 2;
    private static final byte PART_END = 3;
    private static final byte SNAPSHOT_END = 4;

    private final WireFields fields;

    ReplicationCodec(WireFields fields) {
        this.fields = fields;
    }

    void writeBatch(ObjectDataOutput out, ChangeBatch batch) throws IOException {
        out.writeString(batch.scope());
        fields.writeNode(out, batch.owner());
        out.writeLong(batch.firstSeq());
        out.writeInt(batch.changes().size());
        for (Change change : batch.changes()) {
            writeChange(out, batch.owner(), change);
        }
    }

    ChangeBatch readBatch(ObjectDataInput in) throws IOException {
        String scope = in.readString();
        NodeId owner = fields.readNode(in);
        long firstSeq = in.readLong();
        int size = in.readInt();
        List<Change> changes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            changes.add(readChange(in, owner));
        }
        return new ChangeBatch(scope, owner, firstSeq, changes);
    }

    /**
     * Writes one part of {@code snapshot} after the message header already in {@code out}: its entries from
     * the iterators until the part holds about {@value #SNAPSHOT_PART_BYTES} bytes.
     *
     * @return whether this was the last part
     */
    boolean writeSnapshotPart(BufferObjectDataOutput out, OwnerSnapshot snapshot, int part,
            Iterator<Registration> registrations, Iterator<Membership> memberships) throws IOException {
        out.writeString(snapshot.scope());
        fields.writeNode(out, snapshot.owner());
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
        boolean last = !registrations.hasNext() && !memberships.hasNext();
        out.writeByte(last ? SNAPSHOT_END : PART_END);
        return last;
    }

    OwnerSnapshot readSnapshotPart(ObjectDataInput in) throws IOException {
        String scope = in.readString();
        NodeId owner = fields.readNode(in);
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
        fields.writeValue(out, registration.meta());
        out.writeLong(registration.time());
    }

    private Registration readOwnedRegistration(ObjectDataInput in, NodeId owner) throws IOException {
        return new Registration(in.readString(), new ProcessRef(owner, in.readLong()), fields.readValue(in),
                in.readLong());
    }

    private void writeOwned(ObjectDataOutput out, NodeId owner, Membership membership) throws IOException {
        out.writeString(membership.group());
        out.writeLong(ownId(owner, membership.process()));
        fields.writeValue(out, membership.meta());
        out.writeLong(membership.time());
    }

    private Membership readOwnedMembership(ObjectDataInput in, NodeId owner) throws IOException {
        return new Membership(in.readString(), new ProcessRef(owner, in.readLong()), fields.readValue(in),
                in.readLong());
    }

    private static long ownId(NodeId owner, ProcessRef process) {
        if (!process.node().equals(owner)) {
            throw new IllegalStateException(owner + " cannot send an entry of " + process + ", which it does not own");
        }
        return process.id();
    }

    void writeReason(ObjectDataOutput out, Reason reason) throws IOException {
        if (reason instanceof Reason.Normal) {
            out.writeByte(0);
        } else if (reason instanceof Reason.ConflictResolution) {
            out.writeByte(1);
        } else if (reason instanceof Reason.ProcessExited exited) {
            out.writeByte(2);
            writeExitReason(out, exited.exit());
        } else if (reason instanceof Reason.NodeUp up) {
            out.writeByte(3);
            fields.writeNode(out, up.node());
        } else if (reason instanceof Reason.NodeDown down) {
            out.writeByte(4);
            fields.writeNode(out, down.node());
        }
    }

    Reason readReason(ObjectDataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 0:
                return Reason.NORMAL;
            case 1:
                return Reason.CONFLICT_RESOLUTION;
            case 2:
                return new Reason.ProcessExited(readExitReason(in));
            case 3:
                return new Reason.NodeUp(fields.readNode(in));
            case 4:
                return new Reason.NodeDown(fields.readNode(in));
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
}
