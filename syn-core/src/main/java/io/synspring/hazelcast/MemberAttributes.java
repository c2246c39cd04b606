package io.synspring.hazelcast;

import com.hazelcast.cluster.Member;
import io.synspring.NodeId;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Hazelcast member attributes that make a member a Syn node, set by {@code NodeRegistry.configure}. A
 * member without them is not a Syn node. For tools that watch Hazelcast's membership themselves.
 */
public final class MemberAttributes {

    /** Member attribute holding the Syn node id. */
    public static final String NODE = "syn.node";
    /** Member attribute holding the node's scopes, comma-separated. */
    public static final String SCOPES = "syn.scopes";
    /** Member attribute holding where the node's links listen: {@code host:port}, or {@code :port} on the member's host. */
    public static final String TRANSPORT = "syn.transport";

    private MemberAttributes() {}

    /** The Syn node id of {@code member}; empty when it is not a Syn node. */
    public static Optional<NodeId> nodeOf(Member member) {
        String node = member.getAttribute(NODE);
        return node == null ? Optional.empty() : Optional.of(NodeId.parse(node));
    }

    /** The scopes of {@code member}; empty when it is not a Syn node. */
    public static Set<String> scopesOf(Member member) {
        String scopes = member.getAttribute(SCOPES);
        return scopes == null || scopes.isEmpty() ? Set.of()
                : Arrays.stream(scopes.split(",")).collect(Collectors.toUnmodifiableSet());
    }
}
