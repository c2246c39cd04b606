package io.synspring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The harness runs end to end at a tiny size (200 processes, every part but JMH). Checks that it produces
 * every figure, not how fast: no timing assertions.
 */
class HarnessSmokeTests {

    @Test
    void producesEveryFigureAtATinySize() throws Exception {
        ClusterOptions options = ClusterOptions.parse("--processes", "200", "--rounds", "1", "--sizes", "",
                "--quick", "--no-jmh", "--peer-heap", "256m", "--high-load", "20000", "--scaling-nodes", "3",
                "--scaling-heap", "128m", "--memory-names", "1000", "--out", "target/smoke/results.json");
        // the peers' logs go to target/smoke/bench-logs

        Map<String, Object> results = ClusterBenchmark.run(options);

        for (String phase : Stream.concat(SynPhases.PHASES.stream(), SynPhases.OWN_GROUP_PHASES.stream()).toList()) {
            assertThat(results.get(phase)).as(phase).isInstanceOf(Long.class);
            assertThat((Long) results.get(phase)).as(phase).isPositive();
        }
        assertThat(results).containsKeys("lookupsOneThreadLoopOnMaster_perSecond", "groupMembers100k_ms",
                "groupMemberCount100k_ns", "transportBaseline_p99_ms", "propagationLowLoad_p99_ms",
                "propagationHighLoad_p99_ms",
                "publishTo1000Members_deliveriesPerSecond", "multiCall100Members_p99_ms",
                "heapPerRegistrationPerReplica_bytes", "nodeDownPurge100k_ms", "nodeUpSync100k_ms",
                "nodeUpSync100kFromMergedEvent_ms", "nodeUpNewJvmCpu_ms", "nodeUpNewJvmJitCpu_ms",
                "nodeCutOffPurge100k_ms", "nodeBackSync100k_ms", "nodeBackCpu_ms", "nodeBackJitCpu_ms",
                "newNodeSeesAll100k_ms", "newNodeSeesAllCpu_ms", "newNodeSeesAllJitCpu_ms", "phaseRates_spread",
                "heapPerMembershipOneGroupPerReplica_bytes");
        Map<String, Object> threeNodes = part(part(results, "scaling"), "3");
        assertThat(threeNodes).containsKeys("register_perSecond", "propagation_p99_ms", "bytesPerChangePerPeer",
                "framesPerChangePerPeer", "writesPerChangePerPeer", "heapPerNode_bytes");
        assertThat((Double) threeNodes.get("bytesPerChangePerPeer")).isPositive();
        Map<String, Object> memory = part(part(results, "memory"), "1000");
        assertThat(memory).containsKeys("heapPerRegistrationPerReplica_bytes", "replicaNodeResident_bytes");
        assertThat(Report.table(results)).contains("| register /s |");
        assertThat(Json.write(results)).contains("\"unregisterAfterKill\": ");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(Map<String, Object> results, String key) {
        assertThat(results).containsKey(key);
        return (Map<String, Object>) results.get(key);
    }
}
