package io.synspring.internal.wire;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.synspring.NodeId;
import io.synspring.RejectedValue;
import io.synspring.process.ProcessRef;
import io.synspring.internal.observation.Observations;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The fields every message is made of: node ids, process references and user values. */
final class WireFields {

    private final ValuePolicy values;
    private final ConcurrentHashMap<NodeId, NodeId> nodes = new ConcurrentHashMap<>();

    WireFields(ValuePolicy values) {
        this.values = values;
    }

    /** A user value, length-prefixed so that one refused value never garbles the rest of the message. */
    void writeValue(ObjectDataOutput out, @Nullable Object value) throws IOException {
        out.writeByteArray(value == null ? null : values.write(value));
    }

    /** A user value, or a {@link RejectedValue} if this node refuses to instantiate it (see {@link ValuePolicy}). */
    @Nullable Object readValue(ObjectDataInput in) throws IOException {
        byte[] bytes = in.readByteArray();
        return bytes == null ? null : values.read(bytes);
    }

    /** A trace context: a count and that many key and value strings; never through the {@link ValuePolicy}. */
    void writeTrace(ObjectDataOutput out, Map<String, String> trace) throws IOException {
        out.writeInt(trace.size());
        for (Map.Entry<String, String> entry : trace.entrySet()) {
            out.writeString(entry.getKey());
            out.writeString(entry.getValue());
        }
    }

    /**
     * A trace context, or {@code null} when it is empty or larger than a node sends (dropped, logged: the
     * message it came with is delivered without it).
     */
    @Nullable Map<String, String> readTrace(ObjectDataInput in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            throw new IllegalArgumentException("a trace context of " + size + " entries");
        }
        Map<String, String> trace = new HashMap<>(Math.min(size, Observations.MAX_TRACE_ENTRIES) * 2);
        for (int i = 0; i < size; i++) {
            String key = in.readString();
            String value = in.readString();
            if (key == null || value == null) {
                throw new IllegalArgumentException("a trace context with a null key or value");
            }
            trace.put(key, value);
        }
        return trace.isEmpty() ? null : Observations.bounded(trace, "received");
    }

    void writeNode(ObjectDataOutput out, NodeId node) throws IOException {
        out.writeString(node.name());
        out.writeLong(node.incarnation());
    }

    /** Node ids are interned: a replica of a million entries holds a few node id objects, not a million. */
    NodeId readNode(ObjectDataInput in) throws IOException {
        NodeId node = new NodeId(in.readString(), in.readLong());
        NodeId known = nodes.putIfAbsent(node, node);
        return known == null ? node : known;
    }

    void writeRef(ObjectDataOutput out, ProcessRef ref) throws IOException {
        writeNode(out, ref.node());
        out.writeLong(ref.id());
    }

    ProcessRef readRef(ObjectDataInput in) throws IOException {
        return new ProcessRef(readNode(in), in.readLong());
    }

    void writeNullableRef(ObjectDataOutput out, @Nullable ProcessRef ref) throws IOException {
        out.writeBoolean(ref != null);
        if (ref != null) {
            writeRef(out, ref);
        }
    }

    @Nullable ProcessRef readNullableRef(ObjectDataInput in) throws IOException {
        return in.readBoolean() ? readRef(in) : null;
    }
}
