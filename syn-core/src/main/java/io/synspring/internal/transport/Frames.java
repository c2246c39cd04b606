package io.synspring.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The link protocol. Every frame is a 4-byte length, a type byte and the type's fields:
 * <ul>
 * <li>{@code HELLO}: version, sender node id, receiver node id, link session and a random nonce; the first
 * frame of a connection
 * <li>{@code CHALLENGE}: with a shared secret, the receiver's nonce and its proof that it holds the secret
 * <li>{@code PROOF}: with a shared secret, the sender's proof that it holds the secret
 * <li>{@code WELCOME}: the last data sequence number the receiver holds of that session (0: none)
 * <li>{@code REFUSE}: why the receiver will not talk to the sender; the connection is closed after it
 * <li>{@code DATA}: sequence number and payload, numbered from 1 in each session
 * <li>{@code ACK}: every data frame up to this sequence number has been received
 * </ul>
 * A session lasts as long as the sending node sees the receiver as a member: its frames are resent after a
 * reconnect from the first one not acknowledged, so none is lost or delivered twice.
 */
final class Frames {

    /** 2: requests and deliveries may carry a trace context. */
    static final int VERSION = 2;
    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte REFUSE = 3;
    static final byte DATA = 4;
    static final byte ACK = 5;
    static final byte CHALLENGE = 6;
    static final byte PROOF = 7;
    /** Length prefix, type and sequence number of a data frame. */
    static final int DATA_HEADER_BYTES = 4 + 1 + 8;
    /** The largest frame read before the sender has said hello: a hello or a refusal. */
    static final int MAX_HANDSHAKE_BYTES = 4096;

    private Frames() {}

    static ByteBuf hello(ByteBufAllocator alloc, String from, String to, long session, byte[] nonce) {
        byte[] fromBytes = from.getBytes(StandardCharsets.UTF_8);
        byte[] toBytes = to.getBytes(StandardCharsets.UTF_8);
        int length = 1 + 4 + 4 + fromBytes.length + 4 + toBytes.length + 8 + nonce.length;
        ByteBuf buf = alloc.buffer(4 + length).writeInt(length);
        buf.writeByte(HELLO).writeInt(VERSION);
        buf.writeInt(fromBytes.length).writeBytes(fromBytes);
        buf.writeInt(toBytes.length).writeBytes(toBytes);
        return buf.writeLong(session).writeBytes(nonce);
    }

    static ByteBuf challenge(ByteBufAllocator alloc, byte[] nonce, byte[] proof) {
        return alloc.buffer(5 + nonce.length + proof.length).writeInt(1 + nonce.length + proof.length)
                .writeByte(CHALLENGE).writeBytes(nonce).writeBytes(proof);
    }

    static ByteBuf proof(ByteBufAllocator alloc, byte[] proof) {
        return alloc.buffer(5 + proof.length).writeInt(1 + proof.length).writeByte(PROOF).writeBytes(proof);
    }

    /** Reads exactly {@code length} bytes. */
    static byte[] readBytes(ByteBuf frame, int length) {
        if (frame.readableBytes() < length) {
            throw new IllegalArgumentException("a frame shorter than expected");
        }
        byte[] bytes = new byte[length];
        frame.readBytes(bytes);
        return bytes;
    }

    static ByteBuf welcome(ByteBufAllocator alloc, long lastReceived) {
        return alloc.buffer(13).writeInt(9).writeByte(WELCOME).writeLong(lastReceived);
    }

    static ByteBuf refuse(ByteBufAllocator alloc, String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(5 + bytes.length).writeInt(1 + bytes.length).writeByte(REFUSE).writeBytes(bytes);
    }

    /** Appends a data frame to {@code buf}. */
    static ByteBuf writeData(ByteBuf buf, long seq, byte[] payload) {
        return buf.writeInt(1 + 8 + payload.length).writeByte(DATA).writeLong(seq).writeBytes(payload);
    }

    static ByteBuf ack(ByteBufAllocator alloc, long seq) {
        return alloc.buffer(13).writeInt(9).writeByte(ACK).writeLong(seq);
    }

    /** Reads a length-prefixed string of at most {@code max} bytes. */
    static String readString(ByteBuf frame, int max) {
        int length = frame.readInt();
        if (length < 0 || length > max || length > frame.readableBytes()) {
            throw new IllegalArgumentException("bad string length " + length);
        }
        return frame.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }
}
