package io.synspring.cluster;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.TopicConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.spi.impl.eventservice.EventService;
import com.hazelcast.topic.impl.TopicService;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast as membership and transport, nothing else. Each node reads its own inbox, a topic named after
 * its node id; everything sent to a node goes to that one topic, whose messages Hazelcast delivers on one
 * event thread in the order each sender published them (per-pair FIFO). Members carry their Syn node id
 * and scopes as member attributes; members without them are not Syn nodes and are ignored.
 */
public final class HazelcastCluster {

    /** Member attribute holding the Syn node id. */
    public static final String NODE_ATTRIBUTE = "syn.node";
    /** Member attribute holding the node's scopes, comma-separated. */
    public static final String SCOPES_ATTRIBUTE = "syn.scopes";
    private static final String INBOX_PREFIX = "syn.inbox.";
    private static final Logger log = LoggerFactory.getLogger(HazelcastCluster.class);

    /** What the cluster tells the engine. Called on Hazelcast threads: must not block. */
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
    private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();
    private final Map<NodeId, ITopic<byte[]>> inboxes = new ConcurrentHashMap<>();
    /** Nodes whose inbox listener this member knows: a message published to them is delivered. */
    private final Set<NodeId> reachable = ConcurrentHashMap.newKeySet();
    /**
     * Hazelcast's internal event service, as {@link WireCodec} uses its internal serialization: no public
     * API tells whether a member knows another's topic listener yet. Null on anything but a member.
     */
    private final @Nullable EventService eventService;
    private volatile boolean merging;
    private volatile @Nullable UUID inboxRegistration;
    private @Nullable UUID membershipRegistration;
    private @Nullable UUID lifecycleRegistration;

    public HazelcastCluster(HazelcastInstance hazelcast, Listener listener) {
        this.hazelcast = hazelcast;
        this.self = localNode(hazelcast);
        this.listener = listener;
        this.eventService = eventService(hazelcast);
    }

    private static @Nullable EventService eventService(HazelcastInstance hazelcast) {
        HazelcastInstanceImpl member = hazelcast instanceof HazelcastInstanceProxy proxy ? proxy.getOriginal()
                : hazelcast instanceof HazelcastInstanceImpl impl ? impl : null;
        return member == null ? null : member.node.getNodeEngine().getEventService();
    }

    /**
     * Prepares a Hazelcast configuration for a Syn node: member attributes naming a new incarnation of
     * {@code nodeName} and its scopes, an inbox topic tuned for throughput, and the deserialization allowlist
     * switched on (Java serialization of arbitrary classes from the network is a remote-code risk).
     */
    public static Config configure(Config config, String nodeName, Set<String> scopes,
            Collection<String> allowedClassPrefixes) {
        config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, NodeId.newIncarnation(nodeName).toString());
        config.getMemberAttributeConfig().setAttribute(SCOPES_ATTRIBUTE, String.join(",", scopes));
        config.addTopicConfig(new TopicConfig(INBOX_PREFIX + "*").setStatisticsEnabled(false));
        JavaSerializationFilterConfig existing = config.getSerializationConfig().getJavaSerializationFilterConfig();
        JavaSerializationFilterConfig filter = existing != null ? existing : new JavaSerializationFilterConfig();
        config.getSerializationConfig().setJavaSerializationFilterConfig(filter);
        filter.getWhitelist().addPrefixes("io.synspring.");
        allowedClassPrefixes.forEach(prefix -> filter.getWhitelist().addPrefixes(prefix));
        return config;
    }

    /** The Syn node id of this Hazelcast member, as {@link #configure} set it. */
    public static NodeId localNode(HazelcastInstance hazelcast) {
        String node = hazelcast.getCluster().getLocalMember().getAttribute(NODE_ATTRIBUTE);
        if (node == null) {
            throw new IllegalStateException("the Hazelcast member has no '" + NODE_ATTRIBUTE + "' attribute: "
                    + "prepare its Config with NodeRegistry.configure(config, settings) before creating it");
        }
        return NodeId.parse(node);
    }

    public static Set<String> scopesOf(Member member) {
        String scopes = member.getAttribute(SCOPES_ATTRIBUTE);
        return scopes == null || scopes.isEmpty() ? Set.of()
                : Arrays.stream(scopes.split(",")).collect(Collectors.toUnmodifiableSet());
    }

    public NodeId self() {
        return self;
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** Starts reading the inbox, then follows membership (the initial members are reported as up). */
    public void start() {
        inboxRegistration = inbox(self).addMessageListener(this::onMessage);
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
        try {
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
            if (lifecycleRegistration != null) {
                hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            }
            UUID inbox = inboxRegistration;
            if (inbox != null) {
                inbox(self).removeMessageListener(inbox);
            }
        } catch (RuntimeException e) {
            log.debug("stopping while Hazelcast is shutting down", e);
        }
    }

    /** The Syn nodes this node sees, itself included. */
    public Map<NodeId, Peer> peers() {
        return peers;
    }

    /**
     * Whether {@code node} is a member right now. Asks Hazelcast when the membership event has not reached
     * us yet, so a message from a node that just joined is not mistaken for one from a departed node.
     */
    public boolean isVisible(NodeId node) {
        if (peers.containsKey(node)) {
            return true;
        }
        for (Member member : hazelcast.getCluster().getMembers()) {
            if (node.toString().equals(member.getAttribute(NODE_ATTRIBUTE))) {
                return true;
            }
        }
        return false;
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
            String node = member.getAttribute(NODE_ATTRIBUTE);
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
     * Whether a message sent to {@code node} now would reach its inbox. Right after a node appears, its
     * inbox listener may not be known here yet (Hazelcast hands listener registrations over a moment after
     * the membership change), and a message published then goes nowhere.
     */
    public boolean canReach(NodeId node) {
        if (eventService == null || reachable.contains(node)) {
            return true;
        }
        if (!eventService.hasEventRegistration(TopicService.SERVICE_NAME, INBOX_PREFIX + node)) {
            return false;
        }
        reachable.add(node);
        return true;
    }

    /** Sends to {@code node}'s inbox; fire and forget (a lost message shows up as a sequence gap). */
    public void send(NodeId node, byte[] message) {
        try {
            inbox(node).publish(message);
        } catch (RuntimeException e) {
            log.debug("could not send to {}", node, e);
        }
    }

    private ITopic<byte[]> inbox(NodeId node) {
        return inboxes.computeIfAbsent(node, id -> hazelcast.getTopic(INBOX_PREFIX + id));
    }

    private void onMessage(Message<byte[]> message) {
        byte[] bytes;
        try {
            bytes = message.getMessageObject();
        } catch (RuntimeException e) {
            log.warn("rejected a message from {}: {}", message.getPublishingMember(), e.toString());
            return;
        }
        listener.received(bytes);
    }

    private void memberUp(Member member) {
        String node = member.getAttribute(NODE_ATTRIBUTE);
        if (node == null) {
            return;
        }
        NodeId id = NodeId.parse(node);
        if (id.equals(self)) {
            peers.put(id, new Peer(id, scopesOf(member), member.getUuid()));
            return;
        }
        Peer previous = peers.put(id, new Peer(id, scopesOf(member), member.getUuid()));
        if (previous == null || !previous.memberUuid().equals(member.getUuid())) {
            listener.nodeUp(id, scopesOf(member));
        }
    }

    private void memberDown(Member member) {
        String node = member.getAttribute(NODE_ATTRIBUTE);
        if (node == null) {
            return;
        }
        NodeId id = NodeId.parse(node);
        Peer peer = peers.get(id);
        if (peer != null && peer.memberUuid().equals(member.getUuid()) && peers.remove(id, peer)) {
            reachable.remove(id);
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
        // The inbox listener survives the merge (Hazelcast keeps a member's listener registrations and
        // hands them to the cluster it joins). Reconcile membership: nodes gone during the merge are down,
        // everyone present must be met again.
        Set<Member> members = hazelcast.getCluster().getMembers();
        Set<String> present = members.stream().map(m -> m.getAttribute(NODE_ATTRIBUTE))
                .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
        for (NodeId known : Set.copyOf(peers.keySet())) {
            if (!present.contains(known.toString()) && peers.remove(known) != null) {
                reachable.remove(known);
                listener.nodeDown(known);
            }
        }
        members.forEach(this::memberUp);
        listener.merged();
    }
}
