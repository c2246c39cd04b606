package io.synspring.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the stream into frames by their 4-byte length prefix, handing on each frame without its prefix.
 * The largest frame accepted is small until the peer has said who it is, then the configured maximum: a
 * stranger cannot make this node buffer a large frame.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private int maxFrameBytes = Frames.MAX_HANDSHAKE_BYTES;

    void maxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TooLongFrameException {
        while (in.readableBytes() >= 4) {
            int length = in.getInt(in.readerIndex());
            if (length < 1 || length > maxFrameBytes) {
                throw new TooLongFrameException("a frame of " + length + " bytes, more than the " + maxFrameBytes
                        + " accepted");
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(length));
        }
    }
}
