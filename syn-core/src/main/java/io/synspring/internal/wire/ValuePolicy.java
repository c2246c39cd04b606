package io.synspring.internal.wire;

import static com.hazelcast.internal.serialization.impl.SerializationConstants.CONSTANT_TYPE_DATA_SERIALIZABLE;
import static com.hazelcast.internal.serialization.impl.SerializationConstants.CONSTANT_TYPE_PORTABLE;
import static com.hazelcast.internal.serialization.impl.SerializationConstants.TYPE_COMPACT;

import com.hazelcast.config.CompactSerializationConfig;
import com.hazelcast.config.CompactSerializationConfigAccessor;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.nio.BufferObjectDataInput;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.AbstractSerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import com.hazelcast.internal.serialization.impl.compact.CompactGenericRecord;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.synspring.RejectedValue;
import io.synspring.process.ProcessRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides which user values (metadata, messages, replies) may cross the wire, and encodes them. One
 * allowlist of class-name prefixes governs every way a value is serialized, checked at the call (before
 * anything is sent) and again on receipt (before anything is instantiated):
 * <ul>
 * <li>Hazelcast's simple types (strings, numbers, primitive arrays, UUID, dates...) need no check;</li>
 * <li>Java-serializable values, collections and maps included, are written with Java serialization and
 * read with a filter that loads no class outside the allowlist;</li>
 * <li>Compact values (records and plain classes, which Hazelcast serializes by reflection) are allowed
 * when every type they hold, nested ones included, is in the allowlist or has a Compact serializer
 * registered in the member's configuration; their type names are read before anything is instantiated;</li>
 * <li>classes with a serializer registered in the configuration (IdentifiedDataSerializable factories,
 * Portable, custom serializers) are trusted: the configuration chose them.</li>
 * </ul>
 * Functions (lambdas, method references) and proxies never cross. At the call a value must also come
 * back from the wire as a value of the same class, and metadata as an equal value, so every node holds the
 * same thing.
 */
public final class ValuePolicy {

    /** Always allowed: the JDK, Hazelcast and Syn. */
    public static final List<String> BUILT_IN_PREFIXES = List.of("java.", "com.hazelcast.", "io.synspring.");
    /** Never allowed, whatever the prefixes say: code, and remote references. */
    private static final List<String> DENIED_PREFIXES = List.of(SerializedLambda.class.getName(), "java.rmi.");
    private static final String HOW_TO_ALLOW = "allow its package on every node with syn.serialization.allowed-classes"
            + " (SynSettings.builder().allowedClassPrefixes(...)), or register a Hazelcast serializer for it";
    private static final Set<Class<?>> SIMPLE = Set.of(String.class, Integer.class, Long.class, Short.class,
            Byte.class, Double.class, Float.class, Boolean.class, Character.class, ProcessRef.class);
    /** Hazelcast types that hold no class name and nothing nested: read as they are. */
    private static final Set<Integer> LEAF_TYPES = Set.of(
            SerializationConstants.CONSTANT_TYPE_NULL, SerializationConstants.CONSTANT_TYPE_BYTE,
            SerializationConstants.CONSTANT_TYPE_BOOLEAN, SerializationConstants.CONSTANT_TYPE_CHAR,
            SerializationConstants.CONSTANT_TYPE_SHORT, SerializationConstants.CONSTANT_TYPE_INTEGER,
            SerializationConstants.CONSTANT_TYPE_LONG, SerializationConstants.CONSTANT_TYPE_FLOAT,
            SerializationConstants.CONSTANT_TYPE_DOUBLE, SerializationConstants.CONSTANT_TYPE_STRING,
            SerializationConstants.CONSTANT_TYPE_BYTE_ARRAY, SerializationConstants.CONSTANT_TYPE_BOOLEAN_ARRAY,
            SerializationConstants.CONSTANT_TYPE_CHAR_ARRAY, SerializationConstants.CONSTANT_TYPE_SHORT_ARRAY,
            SerializationConstants.CONSTANT_TYPE_INTEGER_ARRAY, SerializationConstants.CONSTANT_TYPE_LONG_ARRAY,
            SerializationConstants.CONSTANT_TYPE_FLOAT_ARRAY, SerializationConstants.CONSTANT_TYPE_DOUBLE_ARRAY,
            SerializationConstants.CONSTANT_TYPE_STRING_ARRAY, SerializationConstants.CONSTANT_TYPE_UUID,
            SerializationConstants.JAVA_DEFAULT_TYPE_DATE, SerializationConstants.JAVA_DEFAULT_TYPE_BIG_INTEGER,
            SerializationConstants.JAVA_DEFAULT_TYPE_BIG_DECIMAL, SerializationConstants.JAVA_DEFAULT_TYPE_LOCALDATE,
            SerializationConstants.JAVA_DEFAULT_TYPE_LOCALTIME, SerializationConstants.JAVA_DEFAULT_TYPE_LOCALDATETIME,
            SerializationConstants.JAVA_DEFAULT_TYPE_OFFSETDATETIME);
    private static final byte HAZELCAST = 1;
    private static final byte JAVA = 2;
    private static final int MAX_DEPTH = 64;

    private final InternalSerializationService serialization;
    private final List<String> allowed;
    private final Set<String> compactTypes;

    /** @param allowedClassPrefixes allowed besides {@link #BUILT_IN_PREFIXES} */
    public ValuePolicy(HazelcastInstance hazelcast, Collection<String> allowedClassPrefixes) {
        this.serialization =
                (InternalSerializationService) ((SerializationServiceSupport) hazelcast).getSerializationService();
        List<String> prefixes = new ArrayList<>(BUILT_IN_PREFIXES);
        prefixes.addAll(allowedClassPrefixes);
        this.allowed = List.copyOf(prefixes);
        CompactSerializationConfig compact =
                hazelcast.getConfig().getSerializationConfig().getCompactSerializationConfig();
        Set<String> types = new HashSet<>(CompactSerializationConfigAccessor.getRegistrations(compact).keySet());
        types.addAll(CompactSerializationConfigAccessor.getCompactSerializableClassNames(compact));
        this.compactTypes = Set.copyOf(types);
    }

    /** Whether a class (or Compact type) of this name may be instantiated from the network. */
    public boolean allows(String className) {
        return DENIED_PREFIXES.stream().noneMatch(className::startsWith)
                && (allowed.stream().anyMatch(className::startsWith) || compactTypes.contains(className));
    }

    /**
     * Checks at the call that {@code value} may cross the wire: it is not a function, serializes, is at most
     * {@code maxBytes}, every node with the same allowlist reads it back, as a value of the same class.
     *
     * @param what "the metadata", "the message"...
     * @param mustEqual whether it must also read back as an equal value (metadata, which nodes compare), not
     *     only as a value of the same class (a message)
     * @throws IllegalArgumentException saying what is wrong and what to do
     */
    public void check(@Nullable Object value, int maxBytes, String what, boolean mustEqual) {
        if (value == null || SIMPLE.contains(value.getClass())
                && (!(value instanceof String string) || string.length() * 3 <= maxBytes)) {
            return;
        }
        String type = value.getClass().getName();
        byte[] bytes;
        try {
            bytes = write(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " of type " + type + " cannot be serialized ("
                    + e.getMessage() + "): send data, a record or Serializable class of an allowed package, or a"
                    + " class with a registered Hazelcast serializer", e);
        }
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException(what + " is " + bytes.length + " bytes serialized, more than the "
                    + maxBytes + " allowed: keep it small or raise the limit");
        }
        Object back = read(bytes);
        if (back instanceof RejectedValue rejected) {
            throw new IllegalArgumentException(what + " of type " + type + " would be refused by the receiving nodes: "
                    + rejected.reason());
        }
        if (back.getClass() != value.getClass() || mustEqual && !Objects.deepEquals(value, back)) {
            throw new IllegalArgumentException(what + " of type " + type + " would not be read back as an equal value"
                    + " on the other nodes (it reads back as " + back + "): use a class every node loads"
                    + (mustEqual ? " and that defines equals, such as a record" : ""));
        }
    }

    /**
     * Encodes {@code value}.
     *
     * @throws IllegalArgumentException for a function, a proxy or a value that cannot be serialized
     */
    public byte[] write(Object value) {
        refuseCode(value);
        if (!hazelcastOnly(value)) {
            return java(value);
        }
        byte[] data = serialization.toData(value).toByteArray();
        byte[] bytes = new byte[data.length + 1];
        bytes[0] = HAZELCAST;
        System.arraycopy(data, 0, bytes, 1, data.length);
        return bytes;
    }

    /** Decodes what {@link #write} encoded, or a {@link RejectedValue} if this node refuses to instantiate it. */
    public Object read(byte[] bytes) {
        try {
            if (bytes.length > 0 && bytes[0] == HAZELCAST) {
                return readHazelcast(Arrays.copyOfRange(bytes, 1, bytes.length));
            } else if (bytes.length > 0 && bytes[0] == JAVA) {
                try (ObjectInputStream in = new CheckingInput(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
                    return in.readObject();
                }
            }
            throw new Refused("unknown value encoding");
        } catch (Refused refused) {
            return new RejectedValue(String.valueOf(refused.getMessage()));
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return new RejectedValue("unreadable value: " + e);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Whether Hazelcast writes {@code value} with a serializer other than its Java serialization and collections. */
    private boolean hazelcastOnly(Object value) {
        int type = typeOf(value);
        return LEAF_TYPES.contains(type) || embeddable(type);
    }

    /** Compact, or a serializer the configuration registered: written by Hazelcast, also inside a Java value. */
    private static boolean embeddable(int type) {
        return type == TYPE_COMPACT || type == CONSTANT_TYPE_PORTABLE || type == CONSTANT_TYPE_DATA_SERIALIZABLE
                || type > 0;
    }

    private int typeOf(Object value) {
        return ((AbstractSerializationService) serialization).serializerFor(value, false).getTypeId();
    }

    private byte[] java(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(JAVA);
        try (ObjectOutputStream out = new EmbeddingOutput(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.toString(), e);
        }
        return bytes.toByteArray();
    }

    private static void refuseCode(Object value) {
        Class<?> type = value.getClass();
        if (type.isHidden() || type.isSynthetic() || value instanceof SerializedLambda) {
            throw new IllegalArgumentException(type.getName() + " is a function (a lambda or method reference), and "
                    + "functions never cross the wire");
        }
        if (Proxy.isProxyClass(type)) {
            throw new IllegalArgumentException(type.getName() + " is a proxy, and proxies never cross the wire");
        }
    }

    /** Java serialization that hands what Hazelcast writes better (Compact, registered serializers) to Hazelcast. */
    private final class EmbeddingOutput extends ObjectOutputStream {

        EmbeddingOutput(ByteArrayOutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object object) throws IOException {
            Class<?> type = object.getClass();
            if (type.isHidden() || type.isSynthetic() || Proxy.isProxyClass(type)) {
                throw new NotSerializableException(type.getName() + " is a function or a proxy, and those never cross"
                        + " the wire");
            }
            if (object instanceof Embedded || SIMPLE.contains(type) || !embeddable(typeOf(object))) {
                return object;
            }
            return new Embedded(serialization.toData(object).toByteArray());
        }
    }

    // ---------------------------------------------------------------- reading

    private Object readHazelcast(byte[] bytes) throws IOException {
        Data data = new HeapData(bytes);
        int type = data.getType();
        if (type == TYPE_COMPACT) {
            checkCompact((CompactGenericRecord) serialization.readAsInternalGenericRecord(data), 0);
        } else if (type == CONSTANT_TYPE_DATA_SERIALIZABLE) {
            checkDataSerializable(data);
        } else if (!LEAF_TYPES.contains(type) && type != CONSTANT_TYPE_PORTABLE && type <= 0) {
            throw new Refused("Hazelcast type " + type + " is not accepted from the network");
        }
        return serialization.toObject(data);
    }

    /** Checks the type names of a Compact value and of every Compact value inside it, instantiating nothing. */
    private void checkCompact(@Nullable GenericRecord record, int depth) {
        if (record == null) {
            return;
        }
        if (depth > MAX_DEPTH) {
            throw new Refused("a Compact value nested more than " + MAX_DEPTH + " deep");
        }
        String type = ((CompactGenericRecord) record).getSchema().getTypeName();
        if (!allows(type)) {
            throw new Refused(refusal(type));
        }
        for (String field : record.getFieldNames()) {
            FieldKind kind = record.getFieldKind(field);
            if (kind == FieldKind.COMPACT) {
                checkCompact(record.getGenericRecord(field), depth + 1);
            } else if (kind == FieldKind.ARRAY_OF_COMPACT) {
                GenericRecord[] array = record.getArrayOfGenericRecord(field);
                for (GenericRecord element : array == null ? new GenericRecord[0] : array) {
                    checkCompact(element, depth + 1);
                }
            }
        }
    }

    /** An IdentifiedDataSerializable comes from a registered factory; a plain DataSerializable names its class. */
    private void checkDataSerializable(Data data) throws IOException {
        BufferObjectDataInput in = serialization.createObjectDataInput(data);
        boolean identified = (in.readByte() & 1) != 0;
        if (!identified) {
            String type = in.readString();
            if (type == null || !allows(type)) {
                throw new Refused(refusal(String.valueOf(type)));
            }
        }
    }

    private static String refusal(String type) {
        return "class " + type + " is not in the deserialization allowlist: " + HOW_TO_ALLOW;
    }

    /** Java deserialization that loads no class outside the allowlist and reads embedded values through it. */
    private final class CheckingInput extends ObjectInputStream {

        CheckingInput(ByteArrayInputStream in) throws IOException {
            super(in);
            setObjectInputFilter(info -> info.depth() > MAX_DEPTH ? ObjectInputFilter.Status.REJECTED
                    : ObjectInputFilter.Status.ALLOWED);
            enableResolveObject(true);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass description) throws IOException, ClassNotFoundException {
            String name = description.getName();
            String element = name.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
            if (!(name.startsWith("[") && element.length() == 1) && !allows(element)) {
                throw new Refused(refusal(element));
            }
            ClassLoader loader = serialization.getClassLoader();
            try {
                return Class.forName(name, false, loader != null ? loader : ValuePolicy.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return super.resolveClass(description);
            }
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
            throw new Refused("a proxy of " + Arrays.toString(interfaces) + " is not accepted from the network");
        }

        @Override
        protected Object resolveObject(Object object) throws IOException {
            if (object instanceof Embedded embedded) {
                Object value = readHazelcast(embedded.data());
                if (value == null) {
                    throw new InvalidObjectException("an empty embedded value");
                }
                return value;
            }
            return object;
        }
    }

    /** A value Hazelcast writes (Compact, registered serializer) inside a Java-serialized one. */
    private record Embedded(byte[] data) implements Serializable {}

    /** A value this node does not instantiate. */
    private static final class Refused extends RuntimeException {

        Refused(String reason) {
            super(reason);
        }
    }
}
