package io.synspring.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as a Markdown table, next to Syn 3.4's figures on the same machine and the targets. */
final class Report {

    /** A row: result key, label, Syn 3.4's figure, the target, and whether higher is better. */
    private record Row(String key, String label, String syn, String target, double targetValue,
            boolean higherIsBetter) {}

    private static final List<Row> ROWS = List.of(
            new Row("register", "register /s", "51,100", ">= 511,000 (10x)", 511_000, true),
            new Row("unregister", "unregister /s", "47,900", ">= 479,000 (10x)", 479_000, true),
            new Row("reregister", "re-register /s", "51,200", ">= 512,000 (10x)", 512_000, true),
            new Row("unregisterAfterKill", "unregistered after kill /s", "64,400", ">= 644,000 (10x)", 644_000, true),
            new Row("join", "join, one group /s", "45,700", ">= 457,000 (10x)", 457_000, true),
            new Row("leave", "leave, one group /s", "48,600", ">= 486,000 (10x)", 486_000, true),
            new Row("rejoin", "re-join, one group /s", "50,600", ">= 506,000 (10x)", 506_000, true),
            new Row("leftAfterKill", "left after kill, one group /s", "62,400", ">= 624,000 (10x)", 624_000, true),
            new Row("joinOwnGroups", "join, each process its own group /s", "", "", 0, true),
            new Row("leaveOwnGroups", "leave, own groups /s", "", "", 0, true),
            new Row("rejoinOwnGroups", "re-join, own groups /s", "", "", 0, true),
            new Row("leftAfterKillOwnGroups", "left after kill, own groups /s", "", "", 0, true),
            new Row("lookupsOneCoreJmh_perSecond", "lookups, one core (JMH, Registry.lookup, another node's names) /s",
                    "0.66-0.76 million", ">= 15 million", 15_000_000, true),
            new Row("lookupsOneCoreJmh_perCpuSecond", "(the same per second of CPU the thread had)", "", "", 0, true),
            new Row("lookupsOneCoreJmhNewString_perSecond", "lookups, one core (JMH, Registry.lookup, a new String each"
                    + " time) /s", "", "", 0, true),
            new Row("lookupsOneCoreJmhOwnProcesses_perSecond",
                    "lookups, one core (JMH, Registry.lookup of the node's own processes) /s", "", "", 0, true),
            new Row("lookupsOneCoreJmhReplicaOnly_perSecond", "lookups, one core (JMH, replica read) /s", "", "", 0,
                    true),
            new Row("lookupsOneThreadLoopOnMaster_perSecond", "lookups, one thread (loop on the master) /s", "", "", 0,
                    true),
            new Row("groupMembers100k_ms", "members() of a 100k group, ms", "26", "<= 5", 5, false),
            new Row("groupMemberCount100k_ns", "memberCount() of a 100k group, ns", "13-17 ms", "O(1)", 0, false),
            new Row("transportBaseline_p50_ms", "(transport alone: a message to a process on each other node, p50 ms)",
                    "", "", 0, false),
            new Row("transportBaseline_p99_ms", "(transport alone, p99 ms)", "", "", 0, false),
            new Row("propagationLowLoad_p50_ms", "propagation to every node, low load, p50 ms", "", "", 0, false),
            new Row("propagationLowLoad_p99_ms", "propagation to every node, low load, p99 ms", "", "<= 2", 2, false),
            new Row("propagationLowLoad_p999_ms", "propagation to every node, low load, p999 ms", "", "", 0, false),
            new Row("propagationHighLoad_p50_ms", "propagation to every node, high load, p50 ms", "", "", 0, false),
            new Row("propagationHighLoad_p99_ms", "propagation to every node, high load, p99 ms", "", "<= 5", 5, false),
            new Row("propagationHighLoad_p999_ms", "propagation to every node, high load, p999 ms", "", "", 0, false),
            new Row("highLoadChurn_changesPerSecond", "(high load: changes /s on the peers)", "", "", 0, true),
            new Row("nodeCutOffPurge100k_ms", "node cut off by a net split: its 100k names gone, ms after the event",
                    "185-302", "<= 150", 150, false),
            new Row("nodeBackSync100k_ms", "node up: a running node back when the split heals, its 100k names visible,"
                    + " ms after the event", "468-665", "<= 300", 300, false),
            new Row("nodeBackCpu_ms", "(CPU the node used meanwhile, ms)", "", "", 0, false),
            new Row("nodeBackJitCpu_ms", "(of which its JIT compilers, ms)", "", "", 0, false),
            new Row("nodeDownPurge100k_ms", "node killed (kill -9): its 100k names gone, ms after the event", "",
                    "<= 150", 150, false),
            new Row("nodeDownDetectionByHazelcast_ms", "(kill -9 to membership event, ms)", "", "", 0, false),
            new Row("nodeUpSync100k_ms", "new node (fresh JVM, JIT warm-up included) joins: its 100k names visible, ms"
                    + " after the event", "", "", 0, false),
            new Row("nodeUpNewJvmCpu_ms", "(CPU the new JVM used meanwhile, ms)", "", "", 0, false),
            new Row("nodeUpNewJvmJitCpu_ms", "(of which its JIT compilers, ms)", "", "", 0, false),
            new Row("nodeUpSync100kFromMergedEvent_ms", "(from the new node's MERGED event, ms; negative: before it)",
                    "",
                    "", 0, false),
            new Row("nodeUpFromHealToSynced_ms", "(heal to names visible, Hazelcast merge included, ms)", "", "", 0,
                    false),
            new Row("newNodeSeesAll100k_ms", "a new node (fresh JVM) joins a cluster of 100k names: all visible on it,"
                    + " ms after the event", "", "", 0, false),
            new Row("newNodeSeesAllCpu_ms", "(CPU the new JVM used meanwhile, ms)", "", "", 0, false),
            new Row("newNodeSeesAllJitCpu_ms", "(of which its JIT compilers, ms)", "", "", 0, false),
            new Row("publishTo1000Members_messagesPerSecond", "publish to a 1,000-member group, messages /s", "", "",
                    0, true),
            new Row("publishTo1000Members_deliveriesPerSecond", "publish to a 1,000-member group, deliveries /s", "",
                    "", 0, true),
            new Row("multiCall100Members_p50_ms", "multiCall to 100 members, p50 ms", "", "", 0, false),
            new Row("multiCall100Members_p99_ms", "multiCall to 100 members, p99 ms", "", "", 0, false),
            new Row("heapPerRegistrationPerReplica_bytes", "heap per registration per replica, bytes", "",
                    "<= 300", 300, false),
            new Row("heapPerMembershipPerReplica_bytes", "heap per membership per replica, bytes", "", "", 0,
                    false));

    private Report() {}

    static String table(Map<String, Object> results) {
        StringBuilder out = new StringBuilder();
        out.append("| figure | Syn for Spring | Syn 3.4 | target | met |\n");
        out.append("|---|---:|---:|---|---|\n");
        for (Row row : ROWS) {
            Object value = results.get(row.key());
            if (value == null) {
                continue;
            }
            double number = ((Number) value).doubleValue();
            String met = "";
            if (row.targetValue() > 0) {
                met = (row.higherIsBetter() ? number >= row.targetValue() : number <= row.targetValue()) ? "yes" : "no";
            } else if (row.key().equals("groupMemberCount100k_ns")) {
                met = number < 1_000 ? "yes" : "no";
            }
            out.append("| ").append(row.label()).append(" | ").append(format(number)).append(" | ").append(row.syn())
                    .append(" | ").append(row.target()).append(" | ").append(met).append(" |\n");
        }
        Object scaling = results.get("phaseRatesBySize_perSecond");
        if (scaling instanceof Map<?, ?> bySize && bySize.size() > 1) {
            out.append("\nphase rates (/s, including propagation to the master) by number of processes:\n\n");
            out.append("| processes |");
            SynPhases.PHASES.forEach(phase -> out.append(' ').append(phase).append(" |"));
            out.append("\n|---:|");
            SynPhases.PHASES.forEach(phase -> out.append("---:|"));
            out.append('\n');
            bySize.entrySet().stream().sorted((x, y) -> Integer.compare(Integer.parseInt(x.getKey().toString()),
                    Integer.parseInt(y.getKey().toString()))).forEach(entry -> {
                        out.append("| ").append(format(Double.parseDouble(entry.getKey().toString()))).append(" |");
                        Map<?, ?> rates = (Map<?, ?>) entry.getValue();
                        SynPhases.PHASES.forEach(phase -> out.append(' ')
                                .append(format(((Number) rates.get(phase)).doubleValue())).append(" |"));
                        out.append('\n');
                    });
        }
        return out.toString();
    }

    private static String format(double number) {
        if (Math.abs(number) >= 100 || number == Math.rint(number)) {
            return String.format(Locale.ROOT, "%,.0f", number);
        }
        return String.format(Locale.ROOT, Math.abs(number) >= 10 ? "%.1f" : "%.3f", number);
    }
}
