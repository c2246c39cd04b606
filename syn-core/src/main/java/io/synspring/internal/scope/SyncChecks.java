package io.synspring.internal.scope;

import io.synspring.NodeId;
import io.synspring.internal.cluster.HazelcastCluster;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.replica.ScopeReplica;
import io.synspring.internal.wire.WireMessage.Sync;
import io.synspring.internal.wire.WireMessage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one scope's replica in sync with each peer: beacons announce this node's latest change number, so a
 * peer that lost the last batches notices; and a peer whose changes are held back behind a gap, or were
 * never based on a snapshot, is sent this node's snapshot and asked for its own, until in sync.
 */
final class SyncChecks {

    private static final Logger log = LoggerFactory.getLogger(SyncChecks.class);

    private final String scope;
    private final NodeId self;
    private final ScopeReplica replica;
    private final Set<NodeId> peers;
    private final Outbox outbox;
    private final HazelcastCluster cluster;
    private final ScheduledExecutorService scheduler;
    private final Duration period;
    /** Runs a task in order with the scope's received messages, under the scope lock. */
    private final Consumer<Runnable> inOrder;
    private final Set<NodeId> scheduled = ConcurrentHashMap.newKeySet();
    private final Observations observations;

    SyncChecks(String scope, NodeId self, ScopeReplica replica, Set<NodeId> peers, Outbox outbox,
            HazelcastCluster cluster, ScheduledExecutorService scheduler, Duration period, Consumer<Runnable> inOrder,
            Observations observations) {
        this.observations = observations;
        this.scope = scope;
        this.self = self;
        this.replica = replica;
        this.peers = peers;
        this.outbox = outbox;
        this.cluster = cluster;
        this.scheduler = scheduler;
        this.period = period;
        this.inOrder = inOrder;
    }

    /**
     * Starts announcing this node's latest change number to the scope's peers every period, in order with its
     * changes, so a peer that lost the last batches notices and resynchronizes.
     */
    void startBeacons() {
        long millis = period.toMillis();
        scheduler.scheduleAtFixedRate(() -> inOrder.accept(() -> {
            for (NodeId peer : outbox.isClosed() ? Set.<NodeId>of() : peers) {
                outbox.send(peer, new WireMessage.Beacon(self, scope, outbox.seq()));
            }
        }), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Sends this node's snapshot to {@code to}; {@code replyWanted}: asking for its own. Under the lock. */
    void sendSnapshot(NodeId to, boolean replyWanted) {
        observations.snapshot(scope, to, true,
                () -> outbox.send(to, new Sync(self, replica.snapshotOf(self, outbox.seq()), replyWanted)));
    }

    /**
     * After a period, if changes of {@code node} are still held back behind a gap or were never based on a
     * snapshot, sends it this node's snapshot asking for its own; repeats until in sync or the node is gone.
     */
    void check(NodeId node) {
        if (!scheduled.add(node)) {
            return;
        }
        try {
            scheduler.schedule(() -> inOrder.accept(() -> {
                scheduled.remove(node);
                if (replica.receivingSnapshot(node)) {
                    check(node); // a large snapshot is still coming in: give it time
                } else if (peers.contains(node) && replica.needsSnapshot(node) && cluster.isVisible(node)) {
                    log.debug("scope {}: not in sync with {}, asking for its snapshot", scope, node);
                    sendSnapshot(node, true);
                    check(node);
                }
            }), period.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            scheduled.remove(node);
        }
    }
}
