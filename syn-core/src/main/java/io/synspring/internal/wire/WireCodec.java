package io.synspring.internal.wire;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.nio.BufferObjectDataInput;
import com.hazelcast.internal.nio.BufferObjectDataOutput;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.synspring.NodeId;
import io.synspring.groups.Membership;
import io.synspring.internal.process.ReplyTo;
import io.synspring.internal.replica.OwnerSnapshot;
import io.synspring.internal.wire.WireMessage.Deliver;
import io.synspring.internal.wire.WireMessage.Deltas;
import io.synspring.internal.wire.WireMessage.Leaving;
import io.synspring.internal.wire.WireMessage.Reply;
import io.synspring.internal.wire.WireMessage.Request;
import io.synspring.internal.wire.WireMessage.Response;
import io.synspring.internal.wire.WireMessage.Sync;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
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
    /** A {@link Request} or {@link Deliver} with a trace context after the sender's id; without one: the above. */
    private static final byte REQUEST_TRACED = 10;
    private static final byte DELIVER_TRACED = 11;

    private final InternalSerializationService serialization;
    private final ValuePolicy values;
    private final WireFields fields;
    private final ReplicationCodec replication;
    private final OperationCodec operations;

    /** @param allowedClassPrefixes the classes, besides the JDK's, Hazelcast's and Syn's, values may hold */
    public WireCodec(HazelcastInstance hazelcast, Collection<String> allowedClassPrefixes) {
        this.serialization =
                (InternalSerializationService) ((SerializationServiceSupport) hazelcast).getSerializationService();
        this.values = new ValuePolicy(hazelcast, allowedClassPrefixes);
        this.fields = new WireFields(values);
        this.replication = new ReplicationCodec(fields);
        this.operations = new OperationCodec(fields, values);
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
     * most messages, a packet per part of about {@value ReplicationCodec#SNAPSHOT_PART_BYTES} bytes for a snapshot.
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
                fields.writeNode(out, deltas.from());
                replication.writeBatch(out, deltas.batch());
            } else if (message instanceof WireMessage.Beacon beacon) {
                out.writeByte(BEACON);
                fields.writeNode(out, beacon.from());
                out.writeString(beacon.scope());
                out.writeLong(beacon.seq());
            } else if (message instanceof Leaving leaving) {
                out.writeByte(LEAVING);
                fields.writeNode(out, leaving.from());
                out.writeString(leaving.scope());
            } else if (message instanceof Request request) {
                Map<String, String> trace = request.trace();
                out.writeByte(trace == null ? REQUEST : REQUEST_TRACED);
                fields.writeNode(out, request.from());
                if (trace != null) {
                    fields.writeTrace(out, trace);
                }
                out.writeString(request.scope());
                out.writeLong(request.callId());
                operations.writeOperation(out, request.operation());
            } else if (message instanceof Response response) {
                out.writeByte(RESPONSE);
                fields.writeNode(out, response.from());
                out.writeString(response.scope());
                out.writeLong(response.callId());
                operations.writeResult(out, response.result());
            } else if (message instanceof Deliver deliver) {
                Map<String, String> trace = deliver.trace();
                out.writeByte(trace == null ? DELIVER : DELIVER_TRACED);
                fields.writeNode(out, deliver.from());
                if (trace != null) {
                    fields.writeTrace(out, trace);
                }
                out.writeLongArray(deliver.targets());
                fields.writeNullableRef(out, deliver.sender());
                out.writeBoolean(deliver.replyTo() != null);
                if (deliver.replyTo() != null) {
                    fields.writeNode(out, deliver.replyTo().node());
                    out.writeLong(deliver.replyTo().callId());
                }
                fields.writeValue(out, deliver.message());
            } else if (message instanceof WireMessage.Undelivered undelivered) {
                out.writeByte(UNDELIVERED);
                fields.writeNode(out, undelivered.from());
                out.writeLongArray(undelivered.targets());
                out.writeBoolean(undelivered.mailboxFull());
                out.writeLong(undelivered.callId());
            } else if (message instanceof Reply reply) {
                out.writeByte(REPLY);
                fields.writeNode(out, reply.from());
                out.writeLong(reply.callId());
                fields.writeRef(out, reply.process());
                fields.writeValue(out, reply.reply());
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
            NodeId from = fields.readNode(in);
            Map<String, String> trace = null;
            if (type == REQUEST_TRACED || type == DELIVER_TRACED) {
                trace = fields.readTrace(in);
                type = type == REQUEST_TRACED ? REQUEST : DELIVER;
            }
            switch (type) {
                case DELTAS:
                    return new Deltas(from, replication.readBatch(in));
                case SYNC: {
                    boolean replyWanted = in.readBoolean();
                    return new Sync(from, replication.readSnapshotPart(in), replyWanted);
                }
                case LEAVING:
                    return new Leaving(from, in.readString());
                case BEACON:
                    return new WireMessage.Beacon(from, in.readString(), in.readLong());
                case REQUEST:
                    return new Request(from, in.readString(), in.readLong(), operations.readOperation(in), trace);
                case RESPONSE:
                    return new Response(from, in.readString(), in.readLong(), operations.readResult(in));
                case DELIVER: {
                    long[] targets = in.readLongArray();
                    ProcessRef sender = fields.readNullableRef(in);
                    ReplyTo replyTo = in.readBoolean() ? new ReplyTo(fields.readNode(in), in.readLong()) : null;
                    return new Deliver(from, targets, sender, required(fields.readValue(in), "message"), replyTo,
                            trace);
                }
                case REPLY:
                    return new Reply(from, in.readLong(), fields.readRef(in), required(fields.readValue(in), "reply"));
                case UNDELIVERED:
                    return new WireMessage.Undelivered(from, in.readLongArray(), in.readBoolean(), in.readLong());
                default:
                    throw new IllegalArgumentException("unknown message type " + type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            BufferObjectDataOutput out =
                    serialization.createObjectDataOutput(ReplicationCodec.SNAPSHOT_PART_BYTES + 1024);
            out.writeByte(SYNC);
            fields.writeNode(out, sync.from());
            out.writeBoolean(sync.replyWanted());
            last = replication.writeSnapshotPart(out, snapshot, part, registrations, memberships);
            packets.accept(out.toByteArray());
        }
    }

    /** A value the protocol never sends as null: a null one is a malformed message, refused. */
    private static Object required(@Nullable Object value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("a message arrived without its " + what);
        }
        return value;
    }
}
