package io.synspring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness runs end to end at a tiny size (3 JVMs, 200 processes, every figure but JMH). Checks that it
 * produces every figure, not how fast: no timing assertions.
 */
class HarnessSmokeTests {

    @Test
    void producesEveryFigureAtATinySize() throws Exception {
        ClusterBenchmark.Options options = ClusterBenchmark.Options.parse("--processes", "200", "--rounds", "1",
                "--sizes", "", "--quick", "--no-jmh", "--peer-heap", "256m", "--high-load", "20000", "--out",
                "target/smoke/results.json"); // peer logs in target/smoke/bench-logs

        Map<String, Object> results = ClusterBenchmark.run(options);

        for (String phase : ClusterBenchmark.PHASES) {
            assertThat(results.get(phase)).as(phase).isInstanceOf(Long.class);
            assertThat((Long) results.get(phase)).as(phase).isPositive();
        }
        assertThat(results).containsKeys("lookupsOneThreadLoopOnMaster_perSecond", "groupMembers100k_ms",
                "groupMemberCount100k_ns", "transportBaseline_p99_ms", "propagationLowLoad_p99_ms", "propagationHighLoad_p99_ms",
                "publishTo1000Members_deliveriesPerSecond", "multiCall100Members_p99_ms",
                "heapPerRegistrationPerReplica_bytes", "nodeDownPurge100k_ms", "nodeUpSync100k_ms",
                "nodeUpSync100kFromMergedEvent_ms", "nodeUpNewJvmCpu_ms", "nodeUpNewJvmJitCpu_ms",
                "nodeCutOffPurge100k_ms", "nodeBackSync100k_ms", "nodeBackCpu_ms", "nodeBackJitCpu_ms",
                "newNodeSeesAll100k_ms", "newNodeSeesAllCpu_ms", "newNodeSeesAllJitCpu_ms");
        assertThat(Report.table(results)).contains("| register /s |");
        assertThat(Json.write(results)).contains("\"unregisterAfterKill\": ");
    }
}
