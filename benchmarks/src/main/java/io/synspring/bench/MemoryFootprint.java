package io.synspring.bench;

import io.synspring.registry.Registry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory per node: at each size of {@code options.memoryNames()}, peer-1 registers that many names with
 * metadata of two small string fields (the shape a gateway keeps for a device) and peer-2 holds them as a
 * replica. Reported per node: the used heap after full collections and the resident set size; and the heap
 * per registration per replica (on peer-2, what the registrations added). A size at which a node did not hold
 * every name when measured is marked with {@code namesHeldWhenMeasured}.
 */
final class MemoryFootprint {

    private final ClusterOptions options;
    private final Map<String, Object> results;

    MemoryFootprint(ClusterOptions options, Map<String, Object> results) {
        this.options = options;
        this.results = results;
    }

    void measure() {
        Map<String, Object> bySize = new LinkedHashMap<>();
        try (BenchCluster cluster = new BenchCluster(options, 2, options.peerHeap(), false)) {
            cluster.start();
            Registry registry = cluster.registry();
            PeerHandle owner = cluster.peer(0);
            PeerHandle replica = cluster.peer(1);
            for (int requested : options.memoryNames()) {
                int names = options.quick() ? Math.min(requested, 1_000) : requested;
                BenchCluster.log("memory: %,d names with 2 metadata fields on peer-1, a replica on peer-2 (load "
                        + "average %.2f)", names, Machine.loadAverage());
                long[] ownerBefore = heap(owner);
                long[] replicaBefore = heap(replica);
                owner.call("spawn " + names + " mem" + names + "-", "ok", BenchCluster.ANSWER_SECONDS);
                owner.send("register-meta");
                Poll.until(() -> registry.count() == names, BenchCluster.PHASE_TIMEOUT, "the names on the master");
                owner.await("done", BenchCluster.ANSWER_SECONDS);
                replica.call("await-names " + names + " " + BenchCluster.PHASE_TIMEOUT.toSeconds(), "names",
                        BenchCluster.ANSWER_SECONDS);
                long[] ownerAfter = heap(owner);
                long[] replicaAfter = heap(replica);
                Map<String, Object> figures = new LinkedHashMap<>();
                if (ownerAfter[2] != names || replicaAfter[2] != names) {
                    // e.g. Hazelcast split the members on a starved machine and the replica dropped the owner
                    BenchCluster.log("WARNING: the nodes held %,d and %,d names, not %,d, when measured: these "
                            + "figures are not valid", ownerAfter[2], replicaAfter[2], names);
                    figures.put("namesHeldWhenMeasured", List.of(ownerAfter[2], replicaAfter[2]));
                }
                figures.put("heapPerRegistrationPerReplica_bytes",
                        Math.round((replicaAfter[0] - replicaBefore[0]) / (double) names));
                figures.put("heapPerRegistrationOnItsNode_bytes",
                        Math.round((ownerAfter[0] - ownerBefore[0]) / (double) names));
                figures.put("replicaNodeHeap_bytes", replicaAfter[0]);
                figures.put("replicaNodeResident_bytes", replicaAfter[1]);
                figures.put("ownerNodeHeap_bytes", ownerAfter[0]);
                figures.put("ownerNodeResident_bytes", ownerAfter[1]);
                figures.put("emptyNodeResident_bytes", replicaBefore[1]);
                bySize.put(Integer.toString(names), figures);
                BenchCluster.log("  %,d names: %s", names, figures);
                owner.send("kill");
                Poll.until(() -> registry.count() == 0, BenchCluster.PHASE_TIMEOUT, "the names to go");
                owner.await("done", BenchCluster.ANSWER_SECONDS);
                owner.call("spawn 0 none-", "ok", 60); // let the killed processes be collected
            }
        }
        results.put("memory", bySize);
    }

    private static long[] heap(PeerHandle peer) {
        String[] answer = peer.call("heap", "heap", 120).split(" ");
        return new long[] {Long.parseLong(answer[1]), Long.parseLong(answer[2]), Long.parseLong(answer[3])};
    }
}
