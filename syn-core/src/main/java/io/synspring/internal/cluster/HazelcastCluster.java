package io.synspring.internal.cluster;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import io.synspring.NodeId;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.internal.transport.Transport;
import io.synspring.internal.transport.TransportSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast as membership, nothing else: it says which Syn nodes exist and where their links listen, and the
 * node's {@link Transport} carries every message between them (one link per node pair and direction, in send
 * order: per-pair FIFO). Members carry their Syn node id, scopes and link address as member attributes;
 * members without them are not Syn nodes and are ignored.
 */
public final class HazelcastCluster {

    /**
     * Key of the member's user context holding the node's {@link Transport} while it runs (bound, before, as
     * the listening socket): how tools and tests reach the links of a node they hold only the member of.
     */
    public static final String TRANSPORT_CONTEXT_KEY = "io.synspring.transport";
    private static final Logger log = LoggerFactory.getLogger(HazelcastCluster.class);

    /** What the cluster tells the engine. Called on Hazelcast and transport threads: must not block. */
    public interface Listener {
        void nodeUp(NodeId node, Set<String> scopes);

        void nodeDown(NodeId node);

        /** This member is merging into another cluster after a split: the nodes it meets now are the other side. */
        void merging();

        /**
         * This member merged into another cluster after a split: everyone must be met again (the nodes of
         * the other side were reported up before, while {@link HazelcastCluster#isMerging()}).
         */
        void merged();

        void received(byte[] message);
    }

    /** A visible Syn node. */
    public record Peer(NodeId node, Set<String> scopes, UUID memberUuid) {}

    private final HazelcastInstance hazelcast;
    private final NodeId self;
    private final Listener listener;
    private final Transport transport;
    private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();
    /** Whether a member is a Syn node only once its link proved who it is (mutual TLS, a cluster secret). */
    private final boolean secure;
    /** With secure links: members Hazelcast reported whose links have not proved who they are yet. */
    private final Map<NodeId, Member> unproven = new ConcurrentHashMap<>();
    /** With secure links: members whose links proved who they are. */
    private final Set<NodeId> proven = ConcurrentHashMap.newKeySet();
    private volatile boolean merging;
    private @Nullable UUID membershipRegistration;
    private @Nullable UUID lifecycleRegistration;
    /** With secure links: keeps Hazelcast's cluster-wide operations, open to any member, from stopping this node. */
    private @Nullable ClusterGuard guard;

    public HazelcastCluster(HazelcastInstance hazelcast, TransportSettings transportSettings, Listener listener) {
        this.hazelcast = hazelcast;
        this.self = localNode(hazelcast);
        this.listener = listener;
        this.secure = transportSettings.isSecure();
        this.transport = new Transport(self, listeningSocket(hazelcast), transportSettings, new Transport.Receiver() {
            @Override
            public boolean accepts(NodeId node) {
                return member(node) != null;
            }

            @Override
            public void received(NodeId from, byte[] payload) {
                listener.received(payload);
            }

            @Override
            public void authenticated(NodeId node) {
                proven(node);
            }
        });
        hazelcast.getUserContext().put(TRANSPORT_CONTEXT_KEY, transport);
    }

    /**
     * Prepares a Hazelcast configuration for a Syn node: member attributes naming a new incarnation of
     * {@code nodeName}, its scopes and its link address (the listening socket is bound now, on the member's
     * interface, and held in the configuration's user context until the node starts), and the
     * deserialization allowlist switched on (Java serialization of arbitrary classes from the network is a
     * remote-code risk).
     */
    public static Config configure(Config config, String nodeName, Set<String> scopes,
            Collection<String> allowedClassPrefixes, int transportPort) {
        config.getMemberAttributeConfig().setAttribute(MemberAttributes.NODE,
                NodeId.newIncarnation(nodeName).toString());
        config.getMemberAttributeConfig().setAttribute(MemberAttributes.SCOPES, String.join(",", scopes));
        String host = bindHost(config);
        ServerSocketChannel socket =
                Transport.bind(new InetSocketAddress(host == null ? "0.0.0.0" : host, transportPort));
        config.getUserContext().put(TRANSPORT_CONTEXT_KEY, socket);
        int port;
        try {
            port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.getMemberAttributeConfig().setAttribute(MemberAttributes.TRANSPORT,
                (host == null ? "" : host) + ":" + port);
        JavaSerializationFilterConfig existing = config.getSerializationConfig().getJavaSerializationFilterConfig();
        JavaSerializationFilterConfig filter = existing != null ? existing : new JavaSerializationFilterConfig();
        config.getSerializationConfig().setJavaSerializationFilterConfig(filter);
        filter.getWhitelist().addPrefixes("io.synspring.");
        allowedClassPrefixes.forEach(prefix -> filter.getWhitelist().addPrefixes(prefix));
        List<String> open = openDoors(config);
        if (!open.isEmpty()) {
            log.warn("The Hazelcast configuration of Syn node {} leaves open what Syn does not use: {}. Any process "
                    + "reaching Hazelcast's port could use it; see the embedded member's defaults", nodeName,
                    String.join("; ", open));
        }
        return config;
    }

    /**
     * What {@code config} leaves open to anyone reaching the member's port, or to the network, that a Syn node
     * does not need (the embedded member's defaults close all of it): each with the setting that closes it.
     */
    static List<String> openDoors(Config config) {
        List<String> open = new ArrayList<>();
        if (config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()) {
            open.add("multicast join (join.multicast.enabled=false)");
        }
        if (config.getNetworkConfig().getRestApiConfig().isEnabled()) {
            open.add("the REST endpoint (network.rest-api.enabled=false)");
        }
        if (config.getNetworkConfig().getMemcacheProtocolConfig().isEnabled()) {
            open.add("the memcache endpoint (network.memcache-protocol.enabled=false)");
        }
        if (config.getManagementCenterConfig().getTrustedInterfaces().isEmpty()) {
            open.add("management-center operations from any client, cluster shutdown included "
                    + "(management-center.trusted-interfaces)");
        }
        if (config.getJetConfig().isEnabled()) {
            open.add("Jet jobs (jet.enabled=false)");
        }
        String phoneHome = config.getProperty("hazelcast.phone.home.enabled");
        if (!"false"
                .equalsIgnoreCase(phoneHome != null ? phoneHome : System.getProperty("hazelcast.phone.home.enabled"))) {
            open.add("phone-home to Hazelcast (hazelcast.phone.home.enabled=false)");
        }
        return open;
    }

    /** The one interface the member is bound to, or {@code null} when it listens on all of them. */
    private static @Nullable String bindHost(Config config) {
        InterfacesConfig interfaces = config.getNetworkConfig().getInterfaces();
        boolean bindAny = !"false".equalsIgnoreCase(config.getProperty("hazelcast.socket.bind.any"));
        if (bindAny || !interfaces.isEnabled() || interfaces.getInterfaces().size() != 1) {
            return null;
        }
        String only = interfaces.getInterfaces().iterator().next();
        return only.contains("*") || only.contains("-") ? null : only;
    }

    /** The socket {@link #configure} bound, or a new one at the address it published. */
    private static ServerSocketChannel listeningSocket(HazelcastInstance hazelcast) {
        Object bound = hazelcast.getUserContext().remove(TRANSPORT_CONTEXT_KEY);
        if (bound instanceof ServerSocketChannel socket && socket.isOpen()) {
            return socket;
        }
        return Transport.bind(transportAddress(hazelcast.getCluster().getLocalMember()));
    }

    /** Where {@code member}'s links listen. */
    private static InetSocketAddress transportAddress(Member member) {
        String published = member.getAttribute(MemberAttributes.TRANSPORT);
        if (published == null) {
            throw new IllegalStateException(
                    "member " + member + " has no '" + MemberAttributes.TRANSPORT + "' attribute: "
                            + "prepare its Config with NodeRegistry.configure(config, settings) before creating it");
        }
        int colon = published.lastIndexOf(':');
        String host = colon <= 0 ? member.getAddress().getHost() : published.substring(0, colon);
        return new InetSocketAddress(host, Integer.parseInt(published.substring(colon + 1)));
    }

    /** The Syn node id of this Hazelcast member, as {@link #configure} set it. */
    public static NodeId localNode(HazelcastInstance hazelcast) {
        String node = hazelcast.getCluster().getLocalMember().getAttribute(MemberAttributes.NODE);
        if (node == null) {
            throw new IllegalStateException("the Hazelcast member has no '" + MemberAttributes.NODE + "' attribute: "
                    + "prepare its Config with NodeRegistry.configure(config, settings) before creating it");
        }
        return NodeId.parse(node);
    }

    public NodeId self() {
        return self;
    }

    /** The node's links. */
    public Transport transport() {
        return transport;
    }

    /** Follows membership (the initial members are reported as up, and linked to). */
    public void start() {
        if (secure) {
            guard = new ClusterGuard(hazelcast, Duration.ofSeconds(1));
        }
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(this::onLifecycle);
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new InitialMembershipListener() {
            @Override
            public void init(InitialMembershipEvent event) {
                event.getMembers().forEach(HazelcastCluster.this::memberUp);
            }

            @Override
            public void memberAdded(MembershipEvent event) {
                memberUp(event.getMember());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberDown(event.getMember());
            }
        });
    }

    public void stop() {
        if (guard != null) {
            guard.close();
        }
        try {
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
            if (lifecycleRegistration != null) {
                hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            }
            hazelcast.getUserContext().remove(TRANSPORT_CONTEXT_KEY, transport);
        } catch (RuntimeException e) {
            log.debug("stopping while Hazelcast is shutting down", e);
        }
        transport.close();
    }

    /** The Syn nodes this node sees, itself included. */
    public Map<NodeId, Peer> peers() {
        return peers;
    }

    /**
     * Whether {@code node} is a Syn node of this cluster right now. Asks Hazelcast when the membership event has
     * not reached us yet, so a message from a node that just joined is not mistaken for one from a departed
     * node; with secure links, only a node whose link proved who it is.
     */
    public boolean isVisible(NodeId node) {
        return peers.containsKey(node) || !secure && member(node) != null;
    }

    /** The Hazelcast member carrying {@code node}, if Hazelcast lists it (none once Hazelcast has stopped). */
    private @Nullable Member member(NodeId node) {
        Set<Member> members;
        try {
            members = hazelcast.getCluster().getMembers();
        } catch (HazelcastInstanceNotActiveException stopped) {
            return null;
        }
        for (Member member : members) {
            if (node.toString().equals(member.getAttribute(MemberAttributes.NODE))) {
                return member;
            }
        }
        return null;
    }

    /** Whether this member is merging into another cluster (between Hazelcast's MERGING and MERGED). */
    public boolean isMerging() {
        return merging;
    }

    /**
     * Whether Hazelcast already lists a Syn node whose membership event has not reached this node yet: the
     * members of the other side of a healed split are listed at once, their events come one by one.
     */
    public boolean hasNodesNotMetYet() {
        for (Member member : hazelcast.getCluster().getMembers()) {
            String node = member.getAttribute(MemberAttributes.NODE);
            if (node != null && !member.localMember()) {
                Peer peer = peers.get(NodeId.parse(node));
                if (peer == null || !peer.memberUuid().equals(member.getUuid())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Sends the engine's own message to {@code node}: never refused while the node is a member (it waits in
     * the link if need be); {@code false} if the node is not a member.
     */
    public boolean send(NodeId node, byte[] message) {
        return link(node) && transport.send(node, message, false) == Transport.Outcome.SENT;
    }

    /**
     * Sends a user's message to {@code node}: when the link holds its maximum, waits for room up to the
     * configured time, then refuses it.
     */
    public Transport.Outcome sendBounded(NodeId node, byte[] message) {
        return link(node) ? transport.send(node, message, true) : Transport.Outcome.NO_LINK;
    }

    /** Whether there is a link to {@code node}, opening it if Hazelcast lists the node before its event came. */
    private boolean link(NodeId node) {
        if (transport.hasLink(node)) {
            return true;
        }
        Member member = member(node);
        if (member == null || member.localMember()) {
            return false;
        }
        transport.connect(node, transportAddress(member));
        return true;
    }

    /** The nodes Hazelcast lists that this node's links cannot reach (a partial split, a frozen peer). */
    public Set<NodeId> unreachableNodes() {
        Set<NodeId> unreachable = transport.unreachablePeers();
        unreachable.retainAll(peers.keySet());
        return unreachable;
    }

    private void memberUp(Member member) {
        String node = member.getAttribute(MemberAttributes.NODE);
        if (node == null) {
            return;
        }
        NodeId id = NodeId.parse(node);
        if (id.equals(self)) {
            peers.put(id, new Peer(id, MemberAttributes.scopesOf(member), member.getUuid()));
            return;
        }
        transport.connect(id, transportAddress(member));
        if (secure && !proven.contains(id)) {
            unproven.put(id, member); // a Syn node once its link proves who it is
            return;
        }
        admit(id, member);
    }

    private synchronized void admit(NodeId id, Member member) {
        Peer previous = peers.put(id, new Peer(id, MemberAttributes.scopesOf(member), member.getUuid()));
        if (previous == null || !previous.memberUuid().equals(member.getUuid())) {
            listener.nodeUp(id, MemberAttributes.scopesOf(member));
        }
    }

    /** {@code node}'s link proved who it is: with secure links, it becomes a Syn node now. */
    private void proven(NodeId node) {
        if (!secure) {
            return;
        }
        Member member = unproven.remove(node);
        if (member == null) {
            member = member(node); // its link came before Hazelcast's event
        }
        if (member != null) {
            proven.add(node);
            admit(node, member);
        }
    }

    private synchronized void memberDown(Member member) {
        String node = member.getAttribute(MemberAttributes.NODE);
        if (node == null) {
            return;
        }
        NodeId id = NodeId.parse(node);
        proven.remove(id);
        if (unproven.remove(id, member)) {
            transport.disconnect(id);
        }
        Peer peer = peers.get(id);
        if (peer != null && peer.memberUuid().equals(member.getUuid()) && peers.remove(id, peer)) {
            transport.disconnect(id);
            listener.nodeDown(id);
        }
    }

    private void onLifecycle(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
            merging = true;
            listener.merging();
            return;
        }
        if (event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
            merging = false;
            return;
        }
        if (event.getState() != LifecycleEvent.LifecycleState.MERGED) {
            return;
        }
        merging = false;
        // Reconcile membership: nodes gone during the merge are down, everyone present must be met again.
        Set<Member> members = hazelcast.getCluster().getMembers();
        Set<String> present = members.stream().map(m -> m.getAttribute(MemberAttributes.NODE))
                .filter(Objects::nonNull).collect(Collectors.toSet());
        unproven.keySet().removeIf(node -> !present.contains(node.toString()));
        proven.removeIf(node -> !present.contains(node.toString()));
        for (NodeId known : Set.copyOf(peers.keySet())) {
            if (!present.contains(known.toString()) && peers.remove(known) != null) {
                transport.disconnect(known);
                listener.nodeDown(known);
            }
        }
        members.forEach(this::memberUp);
        listener.merged();
    }
}
