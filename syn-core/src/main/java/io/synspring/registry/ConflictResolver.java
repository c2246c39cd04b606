package io.synspring.registry;

/**
 * Decides between two processes that hold the same name, for instance after a net split heals. Every node
 * asks it and must get the same answer, so it must be a pure function of its arguments ({@code first} is
 * always the candidate with the smaller process reference). The owners of the two processes apply the
 * outcome; events for it carry {@code CONFLICT_RESOLUTION}. It runs inside the engine, under the scope's lock and
 * possibly on a network thread: it must return quickly and never block.
 *
 * <p>If it throws, or keeps a process that is neither candidate, the failure is logged at ERROR (with the
 * exception) and neither process keeps the name or is stopped: the name is freed on every node, both
 * processes keep running, and a later registration of the name is decided afresh.
 */
@FunctionalInterface
public interface ConflictResolver {

    ConflictOutcome resolve(String scope, String name, Registration first, Registration second);

    /**
     * The default, as in Syn: keep the most recent registration (ties: the larger process reference) and
     * stop the other process.
     */
    ConflictResolver KEEP_MOST_RECENT = (scope, name, first, second) -> {
        Registration winner = second.time() > first.time() || second.time() == first.time() ? second : first;
        return ConflictOutcome.keepAndStopOther(winner.process());
    };
}
