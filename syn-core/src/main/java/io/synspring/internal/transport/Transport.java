package io.synspring.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.synspring.NodeId;
import io.synspring.transport.DropReason;
import io.synspring.transport.PeerCounts;
import io.synspring.transport.TransportCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data plane: a link to each peer for what this node sends ({@link Link}), and a listening
 * socket where each peer's link arrives for what it sends here. A peer proves who it is with its first frame
 * (and, with TLS, its certificate); frames from a peer are delivered once each, in the order it sent them.
 */
public final class Transport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    private static final int LOW_WATER_MARK = 256 * 1024;
    private static final int HIGH_WATER_MARK = 1024 * 1024;
    private static final long CHECK_MILLIS = 100;

    /** What the transport hands to the node. Called on transport threads: must not block. */
    public interface Receiver {
        /** Whether {@code node} is a member this node may exchange messages with. */
        boolean accepts(NodeId node);

        /** A frame from {@code from}, in the order it sent them. */
        void received(NodeId from, byte[] payload);

        /**
         * {@code node} proved who it is on a link (its certificate or the shared secret); called before the
         * first of its frames is received on that link. Every link does, when links are not secure.
         */
        default void authenticated(NodeId node) {}
    }

    /** The outcome of a send. */
    public enum Outcome {
        /** Queued on the link: the peer will receive it while both nodes stay members of one cluster. */
        SENT,
        /** The link held its maximum for longer than the bounded wait: the peer is not keeping up. */
        BACKPRESSURE,
        /** There is no link to that node: it is not a member (any more). */
        NO_LINK
    }

    private final NodeId self;
    private final TransportSettings settings;
    private final Receiver receiver;
    private final EventLoopGroup group;
    private final @Nullable SslContext serverSsl;
    private final @Nullable SslContext clientSsl;
    private final Channel server;
    private final Map<NodeId, Link> links = new ConcurrentHashMap<>();
    private final Map<NodeId, InboundSession> inbound = new ConcurrentHashMap<>();
    private final Set<NodeId> blocked = ConcurrentHashMap.newKeySet();
    private final Set<NodeId> unreachable = ConcurrentHashMap.newKeySet();
    private final Stats stats = new Stats();
    private final Map<NodeId, PeerStats> peerStats = new ConcurrentHashMap<>();
    private final LinkAuthentication authentication;
    /** Where refused links came from and were reported, so each is logged once at WARN. */
    private final Set<Object> reportedRefusals = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts the transport on {@code bound}, a listening socket bound by {@link #bind}: the address the other
     * nodes were told before this node started.
     */
    public Transport(NodeId self, ServerSocketChannel bound, TransportSettings settings, Receiver receiver) {
        this.self = self;
        this.settings = settings;
        this.receiver = receiver;
        this.authentication = new LinkAuthentication(settings.secret(), settings.ssl() != null,
                settings.nodeNameInCertificate());
        this.group = new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("syn-transport", true), NioIoHandler.newFactory());
        this.serverSsl = settings.ssl() == null ? null : tls(settings.ssl(), false);
        this.clientSsl = settings.ssl() == null ? null : tls(settings.ssl(), true);
        ChannelFuture registered = new ServerBootstrap().group(group)
                .channelFactory(() -> new NioServerSocketChannel(bound))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (serverSsl != null) {
                            channel.pipeline().addLast(serverSsl.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(new FrameDecoder(), new InboundHandler());
                    }
                }).register();
        this.server = registered.syncUninterruptibly().channel();
        group.scheduleAtFixedRate(this::checkLinks, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds the listening socket for a node, before it starts, so its address can be published with its
     * membership. {@code port} 0 takes any free port.
     */
    public static ServerSocketChannel bind(InetSocketAddress address) {
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, 128);
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for Syn's node links on " + address + ": " + e.getMessage()
                    + " (choose another port with syn.transport.port, or free this one)", e);
        }
    }

    private static SslContext tls(SSLContext context, boolean client) {
        return new JdkSslContext(context, client, null, IdentityCipherSuiteFilter.INSTANCE,
                ApplicationProtocolConfig.DISABLED, ClientAuth.REQUIRE, null, false);
    }

    NodeId self() {
        return self;
    }

    TransportSettings settings() {
        return settings;
    }

    /** The counters of the links with {@code peer}, kept until it leaves. */
    PeerStats peerStats(NodeId peer) {
        return peerStats.computeIfAbsent(peer, node -> new PeerStats());
    }

    Stats stats() {
        return stats;
    }

    LinkAuthentication authentication() {
        return authentication;
    }

    void authenticated(NodeId peer) {
        reportedRefusals.remove(peer);
        receiver.authenticated(peer);
    }

    /**
     * A link that did not prove who is at its other end: counted, logged at WARN the first time for each
     * {@code source} (a node, or an address), then at DEBUG.
     */
    void refused(Object source, String reason) {
        stats.refused();
        if (reportedRefusals.add(source)) {
            log.warn("Syn node {}: refused a link with {}: {}", self, source, reason);
        } else {
            log.debug("Syn node {}: refused a link with {}: {}", self, source, reason);
        }
    }

    /** The address this node's peers connect to (its host as the listening socket has it). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Opens the link to {@code peer} at {@code address}, unless there is one. */
    public void connect(NodeId peer, InetSocketAddress address) {
        if (peer.equals(self)) {
            return;
        }
        Link[] created = new Link[1];
        links.computeIfAbsent(peer, node -> created[0] = new Link(this, node, address));
        if (created[0] != null) {
            created[0].connect();
        }
    }

    /** Whether there is a link to {@code peer}. */
    public boolean hasLink(NodeId peer) {
        return links.containsKey(peer);
    }

    /** {@code peer} left: closes the link to it (dropping, and counting, what it did not acknowledge) and its link here. */
    public void disconnect(NodeId peer) {
        Link link = links.remove(peer);
        if (link != null) {
            link.close();
        }
        InboundSession session = inbound.remove(peer);
        if (session != null) {
            session.dropConnection();
        }
        unreachable.remove(peer);
        synchronized (peerStats) {
            PeerStats gone = peerStats.remove(peer);
            if (gone != null) {
                stats.departed.add(gone);
            }
        }
    }

    /**
     * Sends {@code payload} to {@code peer}, after everything sent there before. A bounded send (a user's
     * message) waits for room while the link holds its maximum, up to the configured wait; an unbounded one
     * (the engine's own replication and answers) is always queued.
     */
    public Outcome send(NodeId peer, byte[] payload, boolean bounded) {
        Link link = links.get(peer);
        if (link == null) {
            return Outcome.NO_LINK;
        }
        return link.send(payload, bounded, settings.backpressureWait().toNanos());
    }

    /**
     * Waits, up to {@code timeout}, until every reachable peer acknowledged what was sent to it: a node that
     * leaves calls it so that its goodbye arrives before Hazelcast reports it gone.
     */
    public void awaitAcknowledged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        links.forEach((peer, link) -> {
            if (!unreachable.contains(peer)) {
                link.awaitAcknowledged(deadline);
            }
        });
    }

    /** The peers with a link that has not delivered for longer than the settings allow. */
    public Set<NodeId> unreachablePeers() {
        return new TreeSet<>(unreachable);
    }

    /** Counts of what crossed the links. */
    public TransportCounts counts() {
        Map<NodeId, PeerCounts> peers = new HashMap<>();
        PeerStats total = new PeerStats();
        synchronized (peerStats) { // the totals count a departing peer once, before and after it departs
            total.add(stats.departed);
            peerStats.forEach((peer, counts) -> {
                peers.put(peer, counts.snapshot(unreachable.contains(peer)));
                total.add(counts);
            });
        }
        return stats.snapshot(total, peers);
    }

    /** Counts a message that arrived but could not be handed to its process. */
    public void dropped(DropReason reason) {
        stats.dropped(reason, 1);
    }

    /** Counts messages this node sent that their node reported it could not hand to their process. */
    public void undelivered(DropReason reason, int count) {
        stats.undelivered(reason, count);
    }

    /**
     * Cuts this node off from {@code peer} as a network fault would: the connections both ways close and
     * none is accepted or opened until {@link #unblock}. Nothing is lost: the links resend when they reconnect.
     */
    public void block(NodeId peer) {
        blocked.add(peer);
        Link link = links.get(peer);
        if (link != null) {
            link.dropConnection();
        }
        InboundSession session = inbound.get(peer);
        if (session != null) {
            session.dropConnection();
        }
    }

    public void unblock(NodeId peer) {
        blocked.remove(peer);
    }

    boolean isBlocked(NodeId peer) {
        return blocked.contains(peer);
    }

    private static String remoteHost(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getHostString()
                : String.valueOf(ctx.channel().remoteAddress());
    }

    ChannelFuture connect(InetSocketAddress address, ChannelHandler handler) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.max(100, settings.unreachableAfter().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (clientSsl != null) {
                            channel.pipeline().addLast(clientSsl.newHandler(channel.alloc(),
                                    address.getHostString(), address.getPort()));
                        }
                        channel.pipeline().addLast(new FrameDecoder(), handler);
                    }
                }).connect(address);
    }

    void schedule(Runnable task, long delayMillis) {
        try {
            group.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the transport is closing
        }
    }

    private void checkLinks() {
        long now = System.nanoTime();
        for (Link link : links.values()) {
            boolean reachable = link.checkReachable(now);
            if (reachable) {
                if (unreachable.remove(link.peer())) {
                    log.info("Syn node {} can reach node {} again", self, link.peer());
                }
            } else if (links.get(link.peer()) == link && unreachable.add(link.peer())) {
                log.warn("Syn node {} cannot reach node {} at {}, which Hazelcast lists as a member: messages to it "
                        + "wait (up to syn.transport.max-buffered) until it answers again", self, link.peer(),
                        link.address());
            }
        }
    }

    /** Closes every link and the listening socket; messages not yet acknowledged are dropped. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        links.values().forEach(Link::close);
        links.clear();
        inbound.values().forEach(InboundSession::dropConnection);
        inbound.clear();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** What this node holds of a peer's link here: how far it has received. */
    private final class InboundSession {
        static final long UNKNOWN = -1;

        final NodeId peer;
        final long id;
        final PeerStats counts;
        /**
         * The last frame received, or {@link #UNKNOWN} when this node holds nothing of the session (it forgot
         * the peer while the peer kept sending): the peer resends from its first unacknowledged frame, which
         * is then the next one.
         */
        // guarded by this
        long lastReceived = UNKNOWN;
        @Nullable Channel channel;

        InboundSession(NodeId peer, long id) {
            this.peer = peer;
            this.id = id;
            this.counts = peerStats(peer);
        }

        synchronized void dropConnection() {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** The receiving side of one connection from a peer. */
    private final class InboundHandler extends ChannelInboundHandlerAdapter {
        private @Nullable InboundSession session;
        /** A hello that waits for the sender's proof of the shared secret. */
        private @Nullable PendingHello pending;
        private long acked;

        private record PendingHello(NodeId from, long id, byte[] senderNonce, byte[] receiverNonce) {}

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                byte type = frame.readByte();
                if (session != null && type == Frames.DATA) {
                    data(ctx, session, frame);
                } else if (session == null && pending == null && type == Frames.HELLO) {
                    hello(ctx, frame);
                } else if (pending != null && type == Frames.PROOF) {
                    proof(ctx, pending, Frames.readBytes(frame, LinkAuthentication.PROOF_BYTES));
                } else {
                    log.warn("Syn node {}: unexpected frame type {} from {}; closed", self, type,
                            ctx.channel().remoteAddress());
                    ctx.close();
                }
            } catch (RuntimeException e) {
                log.warn("Syn node {}: a malformed frame from {}: {}; closed", self, ctx.channel().remoteAddress(),
                        e.toString());
                ctx.close();
            } finally {
                frame.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                refused(remoteHost(ctx), "TLS handshake failed: " + handshake.cause().getMessage());
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        private void hello(ChannelHandlerContext ctx, ByteBuf frame) {
            int version = frame.readInt();
            NodeId from = NodeId.parse(Frames.readString(frame, 1024));
            String to = Frames.readString(frame, 1024);
            long id = frame.readLong();
            byte[] senderNonce = Frames.readBytes(frame, LinkAuthentication.NONCE_BYTES);
            String refusal = version != Frames.VERSION ? "protocol version " + version + " is not " + Frames.VERSION
                    : !to.equals(self.toString()) ? "this is node " + self + ", not " + to
                    : blocked.contains(from) ? "blocked"
                    : !receiver.accepts(from) ? "node " + from + " is not a member of this node's cluster" : null;
            if (refusal != null) {
                log.debug("Syn node {}: refused a link from {} at {}: {}", self, from, ctx.channel().remoteAddress(),
                        refusal);
                refuse(ctx, refusal);
                return;
            }
            String mismatch = authentication.certificateMismatch(ctx.channel(), from.name());
            if (mismatch != null) {
                refused(from, mismatch);
                refuse(ctx, "the certificate does not name the node");
                return;
            }
            if (authentication.usesSecret()) {
                byte[] receiverNonce = LinkAuthentication.nonce();
                pending = new PendingHello(from, id, senderNonce, receiverNonce);
                ctx.writeAndFlush(Frames.challenge(ctx.alloc(), receiverNonce,
                        authentication.receiverProof(from.toString(), to, senderNonce, receiverNonce)));
                return;
            }
            establish(ctx, from, id);
        }

        private void proof(ChannelHandlerContext ctx, PendingHello hello, byte[] proof) {
            pending = null;
            byte[] expected = authentication.senderProof(hello.from().toString(), self.toString(), hello.senderNonce(),
                    hello.receiverNonce());
            if (!LinkAuthentication.matches(expected, proof)) {
                refused(hello.from(), "it does not hold the cluster secret");
                refuse(ctx, "wrong proof of the cluster secret");
                return;
            }
            establish(ctx, hello.from(), hello.id());
        }

        private void refuse(ChannelHandlerContext ctx, String reason) {
            ctx.writeAndFlush(Frames.refuse(ctx.alloc(), reason)).addListener(done -> ctx.close());
        }

        /** The peer proved who it is: takes up its session where it left off. */
        private void establish(ChannelHandlerContext ctx, NodeId from, long id) {
            authenticated(from);
            InboundSession current = inbound.compute(from, (node, existing) -> existing != null && existing.id == id
                    ? existing : new InboundSession(node, id));
            long lastReceived;
            Channel previous;
            synchronized (current) {
                previous = current.channel;
                current.channel = ctx.channel();
                lastReceived = current.lastReceived;
            }
            if (previous != null && previous != ctx.channel()) {
                previous.close(); // the peer reconnected: its old connection is dead or dying
            }
            session = current;
            acked = Math.max(0, lastReceived);
            ctx.pipeline().get(FrameDecoder.class).maxFrameBytes(settings.maxFrameBytes());
            ctx.writeAndFlush(Frames.welcome(ctx.alloc(), acked));
        }

        private void data(ChannelHandlerContext ctx, InboundSession current, ByteBuf frame) {
            long seq = frame.readLong();
            synchronized (current) {
                if (current.channel != ctx.channel() || seq <= current.lastReceived) {
                    return; // a superseded connection, or a frame resent after a reconnect
                }
                if (current.lastReceived == InboundSession.UNKNOWN) {
                    current.lastReceived = seq - 1;
                }
                if (seq != current.lastReceived + 1) {
                    log.warn("Syn node {}: frame {} from {} after {}; closing the connection", self, seq,
                            current.peer, current.lastReceived);
                    ctx.close();
                    return;
                }
                current.lastReceived = seq;
                current.counts.received(frame.readableBytes());
                try {
                    receiver.received(current.peer, ByteBufUtil.getBytes(frame));
                } catch (RuntimeException e) {
                    log.warn("Syn node {}: handling a message from {} failed", self, current.peer, e);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            InboundSession current = session;
            if (current != null) {
                long received;
                synchronized (current) {
                    received = current.channel == ctx.channel() ? current.lastReceived : acked;
                }
                if (received > acked) {
                    acked = received;
                    ctx.writeAndFlush(Frames.ack(ctx.alloc(), received), ctx.voidPromise());
                }
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            InboundSession current = session;
            if (current != null) {
                synchronized (current) {
                    if (current.channel == ctx.channel()) {
                        current.channel = null;
                    }
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Syn node {}: a link from {}: {}", self, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /**
     * The transport's own counters. What is counted per message is counted per peer only ({@link PeerStats}):
     * the totals add up the current peers and {@link #departed}, the peers that left.
     */
    static final class Stats {
        /** The counts of the peers that left, so that the totals never go down. Guarded by the peers' map. */
        private final PeerStats departed = new PeerStats();
        private final LongAdder writes = new LongAdder();
        private final LongAdder refused = new LongAdder();
        private final Map<DropReason, LongAdder> dropped = new ConcurrentHashMap<>();
        private final Map<DropReason, LongAdder> undelivered = new ConcurrentHashMap<>();

        void written(int buffers) {
            writes.add(buffers);
        }

        void refused() {
            refused.increment();
        }

        void dropped(DropReason reason, long count) {
            dropped.computeIfAbsent(reason, r -> new LongAdder()).add(count);
        }

        void undelivered(DropReason reason, long count) {
            undelivered.computeIfAbsent(reason, r -> new LongAdder()).add(count);
        }

        TransportCounts snapshot(PeerStats total, Map<NodeId, PeerCounts> peers) {
            return new TransportCounts(total.messagesSent.sum(), total.bytesSent.sum(), writes.sum(),
                    total.messagesReceived.sum(), total.bytesReceived.sum(), total.resent.sum(),
                    total.reconnects.sum(), refused.sum(), byReason(dropped), byReason(undelivered), peers);
        }

        private static Map<DropReason, Long> byReason(Map<DropReason, LongAdder> counts) {
            Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
            for (DropReason reason : DropReason.values()) {
                LongAdder count = counts.get(reason);
                byReason.put(reason, count == null ? 0 : count.sum());
            }
            return byReason;
        }
    }

    /** The counters of the links with one peer. */
    static final class PeerStats {
        private final LongAdder messagesSent = new LongAdder();
        private final LongAdder bytesSent = new LongAdder();
        private final LongAdder messagesReceived = new LongAdder();
        private final LongAdder bytesReceived = new LongAdder();
        private final LongAdder resent = new LongAdder();
        private final LongAdder reconnects = new LongAdder();

        void sent(int bytes) {
            messagesSent.increment();
            bytesSent.add(bytes);
        }

        void received(int bytes) {
            messagesReceived.increment();
            bytesReceived.add(bytes);
        }

        void resent(long frames) {
            resent.add(frames);
        }

        void reconnect() {
            reconnects.increment();
        }

        /** Adds {@code other}'s counts to these. */
        void add(PeerStats other) {
            messagesSent.add(other.messagesSent.sum());
            bytesSent.add(other.bytesSent.sum());
            messagesReceived.add(other.messagesReceived.sum());
            bytesReceived.add(other.bytesReceived.sum());
            resent.add(other.resent.sum());
            reconnects.add(other.reconnects.sum());
        }

        PeerCounts snapshot(boolean unreachable) {
            return new PeerCounts(messagesSent.sum(), bytesSent.sum(), messagesReceived.sum(), bytesReceived.sum(),
                    resent.sum(), reconnects.sum(), unreachable);
        }
    }
}
