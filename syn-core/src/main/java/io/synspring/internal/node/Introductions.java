package io.synspring.internal.node;

import com.hazelcast.cluster.Member;
import io.synspring.NodeId;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.scope.ScopeEngine;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Introduces this node to the others, scope by scope (its snapshot, asking for theirs): to those it finds
 * at start, to a node whose link proves who it is (with secure links), to the nodes of the other side while
 * merging after a split, and to everyone left once merged.
 */
public final class Introductions {

    /** How long the introduction to nodes met while merging waits for the others Hazelcast lists already. */
    private static final Duration TOGETHER = Duration.ofMillis(50);

    private final NodeId self;
    private final HazelcastCluster cluster;
    private final Map<String, ScopeEngine> engines;
    private final ScheduledExecutorService scheduler;
    /** Nodes of the other side, met while merging into their cluster: introduced as soon as they are reachable. */
    private final Map<NodeId, Introduction> toIntroduce = new ConcurrentHashMap<>();
    private final Set<NodeId> introducedWhileMerging = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean introducing = new AtomicBoolean();
    /** With secure links: members listed at the start, introduced once their links prove who they are. */
    private final Map<NodeId, Set<String>> awaitingProof = new ConcurrentHashMap<>();

    public Introductions(NodeId self, HazelcastCluster cluster, Map<String, ScopeEngine> engines,
            ScheduledExecutorService scheduler) {
        this.self = self;
        this.cluster = cluster;
        this.engines = engines;
        this.scheduler = scheduler;
    }

    /**
     * Introduces this node to the Syn nodes among the members at start; with {@code secure} links, to those
     * whose link proved who they are, and to the others once theirs do.
     */
    public void start(Collection<Member> members, boolean secure) {
        Map<NodeId, Set<String>> others = new HashMap<>();
        for (Member member : members) {
            Optional<NodeId> node = MemberAttributes.nodeOf(member);
            if (node.isPresent() && !member.localMember()) {
                others.put(node.get(), MemberAttributes.scopesOf(member));
            }
        }
        if (secure) {
            awaitingProof.putAll(others);
            others.keySet().retainAll(cluster.peers().keySet());
            awaitingProof.keySet().removeAll(others.keySet());
        }
        introduceTo(others);
    }

    /** A node became visible (with secure links: its link proved who it is). */
    public void nodeUp(NodeId node, Set<String> scopes) {
        if (awaitingProof.remove(node) != null) {
            introduceTo(Map.of(node, scopes));
        }
        if (cluster.isMerging()) {
            toIntroduce.put(node, new Introduction(scopes, System.nanoTime()));
            introduceMetWhileMerging();
        }
    }

    /** This member is merging into another cluster: the nodes met from now on are the other side. */
    public void merging() {
        introducedWhileMerging.clear();
    }

    /** This member merged into another cluster: introduces it to every node not introduced to while merging. */
    public void merged() {
        Map<NodeId, Set<String>> others = new HashMap<>();
        cluster.peers().values().stream().filter(peer -> !peer.node().equals(self)
                && !introducedWhileMerging.contains(peer.node()) && !toIntroduce.containsKey(peer.node()))
                .forEach(peer -> others.put(peer.node(), peer.scopes()));
        introduceTo(others);
    }

    /** Introduces this node to {@code nodes} (with their scopes): in each scope, one snapshot for them all. */
    private void introduceTo(Map<NodeId, Set<String>> nodes) {
        engines.forEach((scope, engine) -> engine.introduceTo(nodes.entrySet().stream()
                .filter(node -> node.getValue().contains(scope)).map(Map.Entry::getKey).toList()));
    }

    /** A node met while merging, since {@code met} (nanoTime). */
    private record Introduction(Set<String> scopes, long met) {}

    /**
     * Introduces this node to the nodes met while merging at once, rather than at Hazelcast's MERGED event,
     * which can come a second later. The nodes of the other side appear within milliseconds of each other:
     * they are introduced together, one snapshot for all (waiting for the events of those Hazelcast lists
     * already), unless some take longer than {@link #TOGETHER}.
     */
    private void introduceMetWhileMerging() {
        if (!introducing.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                introducing.set(false);
                long now = System.nanoTime();
                Map<NodeId, Set<String>> ready = new HashMap<>();
                long waitedLongest = 0;
                for (Map.Entry<NodeId, Introduction> pending : toIntroduce.entrySet()) {
                    waitedLongest = Math.max(waitedLongest, now - pending.getValue().met());
                    ready.put(pending.getKey(), pending.getValue().scopes());
                }
                // the others of that side are listed already: wait for them, one snapshot for them all
                boolean waitForAll = waitedLongest < TOGETHER.toNanos() && cluster.hasNodesNotMetYet();
                if (!waitForAll) {
                    introducedWhileMerging.addAll(ready.keySet());
                    ready.keySet().removeIf(node -> !cluster.peers().containsKey(node)); // gone meanwhile
                    introduceTo(ready);
                    toIntroduce.keySet().removeAll(introducedWhileMerging);
                }
                if (!toIntroduce.isEmpty()) {
                    introduceMetWhileMerging();
                }
            }, 1, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            introducing.set(false);
        }
    }
}
