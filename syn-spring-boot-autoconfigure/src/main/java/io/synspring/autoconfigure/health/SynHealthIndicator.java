package io.synspring.autoconfigure.health;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Syn node: {@code UP} once it runs, holds the complete entries of every node it sees and its
 * links reach them all; {@code OUT_OF_SERVICE} while it is still synchronizing with some (listed in
 * {@code unsyncedNodes}) or cannot reach some that Hazelcast lists as members (in {@code unreachableNodes}: a
 * partial split, a frozen node); {@code DOWN} when its Hazelcast member is not running. Details: node, cluster size, nodes, and per scope the
 * name and group counts.
 */
public class SynHealthIndicator extends AbstractHealthIndicator {

    private final NodeRegistry syn;

    public SynHealthIndicator(NodeRegistry syn) {
        super("Syn health check failed");
        this.syn = syn;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("node", syn.node().toString());
        if (!syn.hazelcast().getLifecycleService().isRunning()) {
            builder.down().withDetail("reason", "the Hazelcast member is not running");
            return;
        }
        Set<NodeId> nodes = syn.nodes();
        Set<NodeId> unsynced = syn.unsyncedNodes();
        Set<NodeId> unreachable = syn.unreachableNodes();
        Map<String, Map<String, Integer>> scopes = new TreeMap<>();
        for (String scope : syn.scopes()) {
            scopes.put(scope, Map.of("names", syn.registry(scope).count(), "groups", syn.groups(scope).groupCount()));
        }
        builder.withDetail("clusterSize", nodes.size())
                .withDetail("nodes", nodes.stream().map(NodeId::toString).toList())
                .withDetail("scopes", scopes);
        if (unsynced.isEmpty() && unreachable.isEmpty()) {
            builder.up();
            return;
        }
        builder.outOfService();
        if (!unsynced.isEmpty()) {
            builder.withDetail("unsyncedNodes", unsynced.stream().map(NodeId::toString).toList());
        }
        if (!unreachable.isEmpty()) {
            builder.withDetail("unreachableNodes", unreachable.stream().map(NodeId::toString).toList());
        }
    }
}
