package io.synspring.registry;

import static io.synspring.registry.Awaits.await;

import io.synspring.SynSettings;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** Three nodes split from the start: nodes 1 and 2 form a cluster, node 3 one of its own. */
final class Splits {

    /** How long a split may take to heal: Hazelcast merges at its next split-brain run (every 3 s here). */
    static final Duration HEAL_TIMEOUT = Duration.ofSeconds(60);

    private Splits() {}

    static TestCluster startSplit(IntFunction<UnaryOperator<SynSettings.Builder>> settings) {
        TestCluster cluster = new TestCluster(3);
        try {
            cluster.startNode(0, Set.of(0, 1), settings.apply(0));
            cluster.startNode(1, Set.of(0, 1), settings.apply(1));
            cluster.startNode(2, Set.of(2), settings.apply(2));
            await().until(() -> cluster.node(0).nodes().size() == 2 && cluster.node(1).nodes().size() == 2
                    && cluster.node(2).nodes().size() == 1);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Lets node 3 find the others; waits until every node sees all three. */
    static void heal(TestCluster cluster) {
        cluster.discoverAll(2);
        await().atMost(HEAL_TIMEOUT).until(() -> cluster.nodes().stream().allMatch(node -> node.nodes().size() == 3));
    }
}
