package io.synspring.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.synspring.NodeId;
import io.synspring.transport.DropReason;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's link to one peer: the frames it sends there, in order. Each frame is kept until the peer
 * acknowledges it, so a connection that breaks loses nothing: the link reconnects on its own and resends
 * from the first frame the peer does not hold. The frames held are bounded: a bounded send waits for room,
 * then is refused; only the link's closing (its peer left) drops frames, and those are counted.
 */
final class Link {

    private static final Logger log = LoggerFactory.getLogger(Link.class);
    private static final long FIRST_RETRY_MILLIS = 10;
    private static final long MAX_RETRY_MILLIS = 1_000;
    /** Frames and bytes written per turn of the event loop, so one busy link does not starve the others. */
    private static final int WRITES_PER_TURN = 1024;
    private static final long BYTES_PER_TURN = 512 * 1024;
    /** Frames are packed into buffers of this size: one write, and one TLS record, for many small frames. */
    private static final int BATCH_BYTES = 64 * 1024;

    private record Frame(long seq, byte[] payload) {}

    private final Transport transport;
    private final NodeId peer;
    private final InetSocketAddress address;
    /** Tells the peer's side that frames numbered from 1 again are a new stream, not a repeat. */
    private final long session = ThreadLocalRandom.current().nextLong();

    // guarded by this
    private final ArrayDeque<Frame> unacked = new ArrayDeque<>();
    private final ArrayDeque<Frame> unwritten = new ArrayDeque<>();
    private long nextSeq = 1;
    private long bufferedBytes;
    private int waiting;
    private @Nullable Channel channel;
    /** The connection being opened, until the peer's welcome. */
    private @Nullable Handler connecting;
    private long connectingSince;
    private long downSince = System.nanoTime();
    /** When a frame was last acknowledged, or the first of the unacknowledged ones was sent. */
    private long lastProgress;
    private boolean drainScheduled;
    private boolean closed;
    private int failures;
    /** The last frame written to a connection: after a reconnect, the frames up to it are sent again. */
    private long lastWritten;
    private final Transport.PeerStats counts;

    Link(Transport transport, NodeId peer, InetSocketAddress address) {
        this.transport = transport;
        this.peer = peer;
        this.address = address;
        this.counts = transport.peerStats(peer);
    }

    NodeId peer() {
        return peer;
    }

    InetSocketAddress address() {
        return address;
    }

    /**
     * Queues {@code payload} for the peer. A bounded send waits up to {@code waitNanos} while the link holds
     * its maximum, then gives up; an unbounded one (the engine's own messages) never waits.
     */
    Transport.Outcome send(byte[] payload, boolean bounded, long waitNanos) {
        boolean drain = false;
        synchronized (this) {
            if (bounded && bufferedBytes > 0 && bufferedBytes + payload.length > transport.settings().maxBufferedBytes()
                    && !awaitRoom(payload.length, waitNanos)) {
                return closed ? Transport.Outcome.NO_LINK : Transport.Outcome.BACKPRESSURE;
            }
            if (closed) {
                return Transport.Outcome.NO_LINK;
            }
            Frame frame = new Frame(nextSeq++, payload);
            if (unacked.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            unacked.add(frame);
            bufferedBytes += payload.length;
            if (channel != null) {
                unwritten.add(frame);
                if (!drainScheduled) {
                    drainScheduled = true;
                    drain = true;
                }
            }
        }
        counts.sent(payload.length);
        if (drain) {
            scheduleDrain();
        }
        return Transport.Outcome.SENT;
    }

    /** Waits until the peer acknowledged everything sent so far, the link closed, or {@code deadline} (nanoTime). */
    synchronized void awaitAcknowledged(long deadline) {
        waiting++;
        try {
            while (!closed && !unacked.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting--;
        }
    }

    private boolean awaitRoom(int bytes, long waitNanos) {
        long deadline = System.nanoTime() + waitNanos;
        waiting++;
        try {
            while (!closed && bufferedBytes > 0 && bufferedBytes + bytes > transport.settings().maxBufferedBytes()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting--;
        }
    }

    /** Opens a connection, unless the link has one or is closed. */
    void connect() {
        Handler handler;
        synchronized (this) {
            if (closed || channel != null || connecting != null) {
                return;
            }
            if (transport.isBlocked(peer)) {
                retryLater();
                return;
            }
            connectingSince = System.nanoTime();
            handler = new Handler();
            connecting = handler;
        }
        ChannelFuture future = transport.connect(address, handler);
        handler.channel = future.channel();
        future.addListener(done -> {
            if (!done.isSuccess()) {
                log.debug("link to {} at {}: {}", peer, address, done.cause().toString());
                disconnected(handler, future.channel());
            }
        });
    }

    private void retryLater() {
        long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures++, 10));
        transport.schedule(this::connect, delay);
    }

    private void connected(Handler handler, Channel established, long lastReceived) {
        synchronized (this) {
            if (closed || connecting != handler) {
                established.close();
                return;
            }
            acknowledged(lastReceived);
            connecting = null;
            channel = established;
            failures = 0;
            lastProgress = System.nanoTime();
            unwritten.clear();
            unwritten.addAll(unacked);
            Frame first = unacked.peek();
            if (first != null && first.seq() <= lastWritten) {
                counts.resent(lastWritten - first.seq() + 1);
            }
            drainScheduled = true;
        }
        log.debug("link to {} at {} is up", peer, address);
        scheduleDrain();
    }

    private void disconnected(Handler handler, Channel gone) {
        gone.close();
        synchronized (this) {
            if (channel == gone) {
                channel = null;
                downSince = System.nanoTime();
                unwritten.clear();
                if (!closed) {
                    counts.reconnect();
                }
            } else if (connecting == handler) {
                connecting = null;
            } else {
                return;
            }
            if (closed) {
                return;
            }
            retryLater();
        }
    }

    private void acknowledged(long seq) {
        Frame first;
        while ((first = unacked.peek()) != null && first.seq() <= seq) {
            unacked.poll();
            bufferedBytes -= first.payload().length;
        }
        lastProgress = System.nanoTime();
        if (waiting > 0) {
            notifyAll();
        }
    }

    private void scheduleDrain() {
        Channel target;
        synchronized (this) {
            target = channel;
            if (target == null) {
                drainScheduled = false;
                return;
            }
        }
        target.eventLoop().execute(() -> drain(target));
    }

    /**
     * Writes unwritten frames, packed into buffers of about {@value #BATCH_BYTES} bytes, while the connection
     * takes them; on the connection's event loop.
     */
    private void drain(Channel target) {
        List<Frame> frames = new ArrayList<>();
        synchronized (this) {
            if (channel != target) {
                return; // a newer connection drains on its own
            }
            long bytes = 0;
            Frame frame;
            while (frames.size() < WRITES_PER_TURN && bytes < BYTES_PER_TURN && (frame = unwritten.poll()) != null) {
                frames.add(frame);
                bytes += frame.payload().length;
            }
        }
        ByteBuf batch = null;
        int writes = 0;
        for (Frame frame : frames) {
            int size = Frames.DATA_HEADER_BYTES + frame.payload().length;
            if (batch != null && batch.writableBytes() < size) {
                target.write(batch, target.voidPromise());
                writes++;
                batch = null;
            }
            if (batch == null) {
                batch = target.alloc().ioBuffer(Math.max(BATCH_BYTES, size));
            }
            Frames.writeData(batch, frame.seq(), frame.payload());
        }
        if (batch != null) {
            target.writeAndFlush(batch, target.voidPromise());
            writes++;
        }
        transport.stats().written(writes);
        synchronized (this) {
            if (!frames.isEmpty()) {
                lastWritten = Math.max(lastWritten, frames.get(frames.size() - 1).seq());
            }
            if (channel != target) {
                return;
            }
            if (unwritten.isEmpty() || !target.isWritable()) {
                drainScheduled = false; // a send, or the writability change, drains again
                return;
            }
        }
        target.eventLoop().execute(() -> drain(target)); // more to write: after the other links' turns
    }

    /**
     * Whether the peer has been out of reach for longer than the settings allow: not connected, or holding
     * frames it does not acknowledge. A connection that stalls is closed and opened again (it may be half open).
     */
    synchronized boolean checkReachable(long now) {
        long limit = transport.settings().unreachableAfter().toNanos();
        if (channel == null) {
            Channel opening = connecting != null ? connecting.channel : null;
            if (opening != null && now - connectingSince > limit) {
                opening.close(); // no answer to the hello: try again
            }
            return now - downSince <= limit;
        }
        if (!unacked.isEmpty() && now - lastProgress > limit) {
            log.debug("link to {}: nothing acknowledged for {} ms, reconnecting", peer,
                    TimeUnit.NANOSECONDS.toMillis(now - lastProgress));
            channel.close();
            return false;
        }
        return true;
    }

    synchronized boolean isConnected() {
        return channel != null;
    }

    /** Closes the link for good: its peer left. The frames it still held are counted as dropped. */
    void close() {
        Channel open;
        Channel opening;
        int dropped;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            dropped = unacked.size();
            unacked.clear();
            unwritten.clear();
            bufferedBytes = 0;
            open = channel;
            opening = connecting != null ? connecting.channel : null;
            notifyAll();
        }
        if (dropped > 0) {
            transport.stats().dropped(DropReason.NODE_DOWN, dropped);
        }
        if (open != null) {
            open.close();
        }
        if (opening != null) {
            opening.close();
        }
    }

    /** Drops the connection (the link reconnects on its own), as a network fault would. */
    void dropConnection() {
        Channel open;
        synchronized (this) {
            open = channel != null ? channel : connecting != null ? connecting.channel : null;
        }
        if (open != null) {
            open.close();
        }
    }

    /** The client side of one connection. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        volatile @Nullable Channel channel;
        private final byte[] nonce = LinkAuthentication.nonce();
        /** Whether the peer proved it holds the shared secret. */
        private boolean challenged;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (transport.settings().ssl() == null) {
                hello(ctx);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake) {
                String mismatch = handshake.isSuccess()
                        ? transport.authentication().certificateMismatch(ctx.channel(), peer.name())
                        : "TLS handshake failed: " + handshake.cause().getMessage();
                if (mismatch == null) {
                    hello(ctx);
                } else {
                    transport.refused(peer, mismatch);
                    ctx.close();
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        private void hello(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Frames.hello(ctx.alloc(), transport.self().toString(), peer.toString(), session, nonce));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                byte type = frame.readByte();
                if (type == Frames.ACK) {
                    long seq = frame.readLong();
                    synchronized (Link.this) {
                        if (Link.this.channel == ctx.channel()) {
                            acknowledged(seq);
                        }
                    }
                } else if (type == Frames.CHALLENGE) {
                    challenge(ctx, Frames.readBytes(frame, LinkAuthentication.NONCE_BYTES),
                            Frames.readBytes(frame, LinkAuthentication.PROOF_BYTES));
                } else if (type == Frames.WELCOME) {
                    if (transport.authentication().usesSecret() && !challenged) {
                        transport.refused(peer, "it did not prove it holds the cluster secret");
                        ctx.close();
                    } else {
                        transport.authenticated(peer);
                        connected(this, ctx.channel(), frame.readLong());
                    }
                } else if (type == Frames.REFUSE) {
                    log.debug("link to {} at {} refused: {}", peer, address,
                            frame.readCharSequence(frame.readableBytes(), StandardCharsets.UTF_8));
                    ctx.close();
                } else {
                    log.warn("link to {} at {}: unexpected frame type {}, reconnecting", peer, address, type);
                    ctx.close();
                }
            } finally {
                frame.release();
            }
        }

        private void challenge(ChannelHandlerContext ctx, byte[] peerNonce, byte[] proof) {
            LinkAuthentication authentication = transport.authentication();
            String from = transport.self().toString();
            if (!authentication.usesSecret()) {
                transport.refused(peer, "it asks for a cluster secret, and this node has none (syn.cluster.secret)");
                ctx.close();
            } else if (challenged || !LinkAuthentication.matches(
                    authentication.receiverProof(from, peer.toString(), nonce, peerNonce), proof)) {
                transport.refused(peer, "it does not hold the cluster secret");
                ctx.close();
            } else {
                challenged = true;
                ctx.writeAndFlush(Frames.proof(ctx.alloc(),
                        authentication.senderProof(from, peer.toString(), nonce, peerNonce)));
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                boolean drain;
                synchronized (Link.this) {
                    drain = Link.this.channel == ctx.channel() && !drainScheduled && !unwritten.isEmpty();
                    drainScheduled |= drain;
                }
                if (drain) {
                    drain(ctx.channel());
                }
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disconnected(this, ctx.channel());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("link to {} at {}: {}", peer, address, cause.toString());
            ctx.close();
        }
    }
}
