package io.synspring.bench;

import io.synspring.groups.Groups;
import io.synspring.registry.Registry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The 8 phases of Syn's {@code test/syn_benchmark.erl}, in its shape: the processes spread over the peers,
 * each peer's share worked on by {@value PeerMain#WORKERS} workers, each phase timed from the master's
 * command until the master's own replica agrees. The registry phases give each process a name of its own; the
 * group phases put every process in one group ({@value #GROUP}), as Syn's do. The same group phases with
 * each process in a group of its own follow under their own keys ({@code joinOwnGroups}, ...).
 */
final class SynPhases {

    /** The 8 phases of Syn's benchmark, in its order, as result keys. */
    static final List<String> PHASES = List.of("register", "unregister", "reregister", "unregisterAfterKill",
            "join", "leave", "rejoin", "leftAfterKill");
    /** The group phases with every process in a group of its own (not Syn's shape). */
    static final List<String> OWN_GROUP_PHASES = List.of("joinOwnGroups", "leaveOwnGroups", "rejoinOwnGroups",
            "leftAfterKillOwnGroups");
    /** The one group of the group phases, as Syn's {@code <<"test-group">>}. */
    static final String GROUP = "test-group";

    private final BenchCluster cluster;
    private final ClusterOptions options;
    private final Map<String, Object> results;
    private final Registry registry;
    private final Groups groups;

    SynPhases(BenchCluster cluster, ClusterOptions options, Map<String, Object> results) {
        this.cluster = cluster;
        this.options = options;
        this.results = results;
        this.registry = cluster.registry();
        this.groups = cluster.groups();
    }

    /** Every phase once at {@code size} processes, not measured: the JIT's warm-up. */
    void warmUp(int size) {
        BenchCluster.log("warm-up: all phases once at %,d processes (not measured)", size);
        run(size, "w", false);
    }

    /**
     * {@code options.rounds()} rounds at {@code options.processes()}: each phase's median under its key, every
     * round and the rate of the peers' own work (without propagation) beside.
     */
    void measure() {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> localRates = new LinkedHashMap<>();
        List<Double> load = new ArrayList<>();
        for (int round = 0; round < options.rounds(); round++) {
            BenchCluster.log("round %d of %d at %,d processes (load average %.2f)", round + 1, options.rounds(),
                    options.processes(), Machine.loadAverage());
            load.add(Machine.loadAverage());
            run(options.processes(), "r" + round, round == 0).forEach((phase, rate) -> {
                rates.computeIfAbsent(phase, p -> new ArrayList<>()).add(rate[0]);
                localRates.computeIfAbsent(phase, p -> new ArrayList<>()).add(rate[1]);
            });
        }
        load.add(Machine.loadAverage());
        Map<String, Object> spread = new LinkedHashMap<>();
        Map<String, Object> perRound = new LinkedHashMap<>();
        Map<String, Object> local = new LinkedHashMap<>();
        Map<String, Object> medians = new LinkedHashMap<>();
        rates.forEach((phase, values) -> {
            results.put(phase, Math.round(Stats.median(values)));
            medians.put(phase, Math.round(Stats.median(values)));
            spread.put(phase, Stats.spread(values, true));
            perRound.put(phase, values.stream().map(Math::round).toList());
            local.put(phase, Math.round(Stats.median(localRates.get(phase))));
        });
        results.put("phaseRates_spread", spread);
        results.put("phaseRatesPerRound_perSecond", perRound);
        results.put("phaseRatesOnPeersWithoutPropagation_perSecond", local);
        results.put("phasesLoadAverage1m", load);
        bySize().put(Integer.toString(options.processes()), medians);
    }

    /** The phases at another number of processes: the medians under {@code phaseRatesBySize_perSecond}. */
    void measureAt(int size) {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int round = 0; round < options.rounds(); round++) {
            BenchCluster.log("sizes: round %d of %d at %,d processes (load average %.2f)", round + 1,
                    options.rounds(), size, Machine.loadAverage());
            run(size, "s" + size + "r" + round, false)
                    .forEach((phase, rate) -> rates.computeIfAbsent(phase, p -> new ArrayList<>()).add(rate[0]));
        }
        Map<String, Object> medians = new LinkedHashMap<>();
        rates.forEach((phase, values) -> medians.put(phase, Math.round(Stats.median(values))));
        bySize().put(Integer.toString(size), medians);
    }

    private Map<String, Object> bySize() {
        @SuppressWarnings("unchecked")
        Map<String, Object> bySize = (Map<String, Object>) results.computeIfAbsent("phaseRatesBySize_perSecond",
                key -> new LinkedHashMap<String, Object>());
        return bySize;
    }

    /**
     * Runs every phase once at {@code size} processes. Returns, per phase, {rate including propagation to the
     * master, rate of the peers' own work}. With {@code measureHeap}, the master's heap per entry and a plain
     * lookup loop on the master go to the results too.
     */
    Map<String, double[]> run(int size, String tag, boolean measureHeap) {
        int names = registry.count();
        int members = groups.memberCount(GROUP);
        int groupCount = groups.groupCount();
        Map<String, double[]> rates = new LinkedHashMap<>();

        // registry: Syn's register, unregister, re-register, and the names of killed processes going
        cluster.spawn(tag, size);
        long heapBefore = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("register", cluster.phase("register", size, () -> registry.count() == names + size));
        long heapRegistered = measureHeap ? Machine.usedHeapAfterGc() : 0;
        if (measureHeap) {
            lookupLoop(tag, size);
        }
        rates.put("unregister", cluster.phase("unregister", size, () -> registry.count() == names));
        if (measureHeap) {
            results.put("heapPerRegistrationPerReplica_bytes",
                    perEntry(heapBefore, heapRegistered, Machine.usedHeapAfterGc(), size));
        }
        rates.put("reregister", cluster.phase("register", size, () -> registry.count() == names + size));
        rates.put("unregisterAfterKill", cluster.phase("kill", size, () -> registry.count() == names));

        // groups, Syn's shape: new processes, all in one group
        cluster.spawn(tag + "g", size);
        heapBefore = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("join", cluster.phase("join " + GROUP, size, () -> groups.memberCount(GROUP) == members + size));
        long heapJoined = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("leave", cluster.phase("leave " + GROUP, size, () -> groups.memberCount(GROUP) == members));
        if (measureHeap) {
            results.put("heapPerMembershipOneGroupPerReplica_bytes",
                    perEntry(heapBefore, heapJoined, Machine.usedHeapAfterGc(), size));
        }
        rates.put("rejoin", cluster.phase("join " + GROUP, size, () -> groups.memberCount(GROUP) == members + size));
        rates.put("leftAfterKill", cluster.phase("kill", size, () -> groups.memberCount(GROUP) == members));

        // groups, each process in a group of its own
        cluster.spawn(tag + "o", size);
        heapBefore = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("joinOwnGroups", cluster.phase("join", size, () -> groups.groupCount() == groupCount + size));
        heapJoined = measureHeap ? Machine.usedHeapAfterGc() : 0;
        rates.put("leaveOwnGroups", cluster.phase("leave", size, () -> groups.groupCount() == groupCount));
        if (measureHeap) {
            results.put("heapPerMembershipOwnGroupPerReplica_bytes",
                    perEntry(heapBefore, heapJoined, Machine.usedHeapAfterGc(), size));
        }
        rates.put("rejoinOwnGroups", cluster.phase("join", size, () -> groups.groupCount() == groupCount + size));
        rates.put("leftAfterKillOwnGroups", cluster.phase("kill", size, () -> groups.groupCount() == groupCount));
        return rates;
    }

    /** The mean of what adding {@code size} entries took and what removing them freed: less noise than either. */
    private static long perEntry(long before, long added, long removed, int size) {
        return Math.round(((added - before) + (added - removed)) / 2.0 / size);
    }

    /** A plain single-thread loop of lookups on the master's replica (every name remote), after JIT warm-up. */
    private void lookupLoop(String tag, int size) {
        List<String> names = new ArrayList<>(size);
        for (int p = 0; p < cluster.workers().size(); p++) {
            for (int i = 0; i < cluster.share(size, p); i++) {
                names.add(tag + "-" + p + "-" + i);
            }
        }
        Collections.shuffle(names, new Random(42));
        String[] probes = new String[names.size()];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = new String(names.get(i).toCharArray()); // in lookup order, as names read from the network
        }
        long found = 0;
        int passes = Math.max(3, 3_000_000 / probes.length);
        for (String probe : probes) {
            found += registry.lookup(probe).isPresent() ? 1 : 0;
        }
        long start = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (String probe : probes) {
                found += registry.lookup(probe).isPresent() ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (found != (long) probes.length * (passes + 1)) {
            BenchCluster.log("WARNING: lookups found %d of %d", found, (long) probes.length * (passes + 1));
        }
        double rate = (double) probes.length * passes / seconds;
        results.put("lookupsOneThreadLoopOnMaster_perSecond", Math.round(rate));
        BenchCluster.log("  lookups (one thread, master replica, %,d names): %,.0f /s", probes.length, rate);
    }
}
