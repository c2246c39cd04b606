package io.synspring.internal.wire;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.groups.Membership;
import io.synspring.internal.wire.WireMessage.Failure;
import io.synspring.internal.wire.WireMessage.Operation;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.registry.UnregisterResult;
import io.synspring.registry.UpdateResult;
import java.io.IOException;

/** Encodes the operations routed to a process's owner node, and the owner's results. */
final class OperationCodec {

    private final WireFields fields;
    private final ValuePolicy values;

    OperationCodec(WireFields fields, ValuePolicy values) {
        this.fields = fields;
        this.values = values;
    }

    void writeOperation(ObjectDataOutput out, Operation operation) throws IOException {
        if (operation instanceof Operation.Register register) {
            out.writeByte(1);
            out.writeString(register.name());
            fields.writeRef(out, register.process());
            fields.writeValue(out, register.meta());
        } else if (operation instanceof Operation.Unregister unregister) {
            out.writeByte(2);
            out.writeString(unregister.name());
            fields.writeRef(out, unregister.process());
        } else if (operation instanceof Operation.CompareAndSet set) {
            out.writeByte(3);
            out.writeString(set.name());
            fields.writeRef(out, set.process());
            fields.writeValue(out, set.expected());
            fields.writeValue(out, set.meta());
        } else if (operation instanceof Operation.Join join) {
            out.writeByte(4);
            out.writeString(join.group());
            fields.writeRef(out, join.process());
            fields.writeValue(out, join.meta());
        } else if (operation instanceof Operation.Leave leave) {
            out.writeByte(5);
            out.writeString(leave.group());
            fields.writeRef(out, leave.process());
        } else if (operation instanceof Operation.MemberRead read) {
            out.writeByte(7);
            out.writeString(read.group());
            fields.writeRef(out, read.process());
        } else if (operation instanceof Operation.MemberCompareAndSet set) {
            out.writeByte(6);
            out.writeString(set.group());
            fields.writeRef(out, set.process());
            fields.writeValue(out, set.expected());
            fields.writeValue(out, set.meta());
        }
    }

    Operation readOperation(ObjectDataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case 1:
                return new Operation.Register(in.readString(), fields.readRef(in), fields.readValue(in));
            case 2:
                return new Operation.Unregister(in.readString(), fields.readRef(in));
            case 3:
                return new Operation.CompareAndSet(in.readString(), fields.readRef(in), fields.readValue(in),
                        fields.readValue(in));
            case 4:
                return new Operation.Join(in.readString(), fields.readRef(in), fields.readValue(in));
            case 5:
                return new Operation.Leave(in.readString(), fields.readRef(in));
            case 6:
                return new Operation.MemberCompareAndSet(in.readString(), fields.readRef(in), fields.readValue(in),
                        fields.readValue(in));
            case 7:
                return new Operation.MemberRead(in.readString(), fields.readRef(in));
            default:
                throw new IllegalArgumentException("unknown operation type " + type);
        }
    }

    void writeResult(ObjectDataOutput out, Object result) throws IOException {
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
            fields.writeValue(out, stale.current());
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

    Object readResult(ObjectDataInput in) throws IOException {
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
                Object cause = fields.readValue(in);
                return new Failure(exceptionType, message, cause instanceof Throwable ? (Throwable) cause : null);
            }
            case 8:
                return new WireMessage.Stale(fields.readValue(in));
            default:
                throw new IllegalArgumentException("unknown result type " + type);
        }
    }

    private void writeRegistration(ObjectDataOutput out, Registration registration) throws IOException {
        out.writeString(registration.name());
        fields.writeRef(out, registration.process());
        fields.writeValue(out, registration.meta());
        out.writeLong(registration.time());
    }

    private Registration readRegistration(ObjectDataInput in) throws IOException {
        return new Registration(in.readString(), fields.readRef(in), fields.readValue(in), in.readLong());
    }

    private void writeMembership(ObjectDataOutput out, Membership membership) throws IOException {
        out.writeString(membership.group());
        fields.writeRef(out, membership.process());
        fields.writeValue(out, membership.meta());
        out.writeLong(membership.time());
    }

    private Membership readMembership(ObjectDataInput in) throws IOException {
        return new Membership(in.readString(), fields.readRef(in), fields.readValue(in), in.readLong());
    }
}
