package io.synspring.internal.cluster;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With secure links, keeps Hazelcast's cluster-wide operations from stopping a Syn node. Hazelcast's
 * open-source edition lets any member, authenticated or not, shut the whole cluster down or freeze it; Syn
 * cannot tell which member asked, so a node with secure links refuses every cluster-wide shutdown (stop a
 * Syn node by stopping its application) and puts the cluster back into {@link ClusterState#ACTIVE} whenever
 * it finds it in another state (in which no node could join or rejoin). Both are logged as errors.
 */
final class ClusterGuard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterGuard.class);
    /** Where Hazelcast shuts a member down on another member's or a management client's request. */
    private static final Set<String> REMOTE_SHUTDOWNS = Set.of(
            "com.hazelcast.internal.cluster.impl.operations.ShutdownNodeOp",
            "com.hazelcast.client.impl.protocol.task.management.ShutdownClusterMessageTask",
            "com.hazelcast.client.impl.protocol.task.management.ShutdownMemberMessageTask");

    private final HazelcastInstance hazelcast;
    private final ScheduledExecutorService timer;
    private final UUID registration;

    ClusterGuard(HazelcastInstance hazelcast, Duration checkEvery) {
        this.hazelcast = hazelcast;
        this.registration = hazelcast.getLifecycleService().addLifecycleListener(this::onLifecycle);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "syn-cluster-guard");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(100, checkEvery.toMillis());
        timer.scheduleWithFixedDelay(this::keepActive, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void onLifecycle(LifecycleEvent event) {
        if (event.getState() != LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
            return;
        }
        String requester = remoteShutdown();
        if (requester != null) {
            log.error("Refused a cluster-wide shutdown requested through {}: with secure links any Hazelcast member "
                    + "could have asked, authenticated or not. Stop a Syn node by stopping its application, and keep "
                    + "Hazelcast's port reachable from the application's hosts only", requester);
            // Hazelcast runs the lifecycle listeners before it stops anything, and an exception from one ends the
            // shutdown: the member stays up (listeners called before this one have seen SHUTTING_DOWN, though)
            throw new IllegalStateException("a Syn node with secure links refuses cluster-wide shutdowns");
        }
    }

    /** The Hazelcast class that asked this member to shut down on someone else's request, if one did. */
    private static @Nullable String remoteShutdown() {
        return StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(REMOTE_SHUTDOWNS::contains).findFirst().orElse(null));
    }

    private void keepActive() {
        try {
            ClusterState state = hazelcast.getCluster().getClusterState();
            if (state == ClusterState.ACTIVE || state == ClusterState.IN_TRANSITION) {
                return;
            }
            log.error("The Hazelcast cluster was put into state {} by a member: with secure links any Hazelcast "
                    + "member could have done it, authenticated or not. Putting it back into ACTIVE", state);
            hazelcast.getCluster().changeClusterState(ClusterState.ACTIVE);
        } catch (HazelcastInstanceNotActiveException stopped) {
            timer.shutdown();
        } catch (RuntimeException e) {
            log.warn("Could not put the Hazelcast cluster back into ACTIVE; trying again", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            hazelcast.getLifecycleService().removeLifecycleListener(registration);
        } catch (RuntimeException stopped) {
            log.debug("closing while Hazelcast is shutting down", stopped);
        }
    }
}
