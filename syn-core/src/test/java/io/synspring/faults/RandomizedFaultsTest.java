package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, reproducible storm: several nodes, registrations, unregistrations, updates, joins, leaves and
 * process exits, interleaved with random splits, heals and node restarts. After the cluster settles the
 * invariants must hold. Replay a failing run with {@code -Dsyn.faults.seed=<seed>}.
 */
class RandomizedFaultsTest {

    private static final Logger log = LoggerFactory.getLogger(RandomizedFaultsTest.class);
    private static final int NODES = 4;
    private static final int ROUNDS = 4;
    private static final int OPERATIONS_PER_PHASE = 60;
    private static final int NAMES = 25;
    private static final int GROUPS = 4;

    /** What the test did to one process. */
    private static final class Tracked {
        final SynProcess process;
        final Set<String> names = new HashSet<>();
        final Set<String> groups = new HashSet<>();

        Tracked(SynProcess process) {
            this.process = process;
        }
    }

    private final List<Tracked> tracked = new ArrayList<>();
    private int operations;
    private int faults;

    @Test
    void invariantsHoldAfterARandomStormOfOperationsAndFaults() {
        long seed = Long.getLong("syn.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        log.info("randomized faults: seed {} (replay with -Dsyn.faults.seed={})", seed, seed);
        try (TestCluster cluster = TestCluster.start(NODES)) {
            for (int round = 0; round < ROUNDS; round++) {
                operate(cluster, random);
                fault(cluster, random);
                operate(cluster, random);
                cluster.heal();
            }
            List<String> violations = settleAndCheck(cluster);
            log.info("randomized faults: seed {}, {} operations, {} faults, {} violations{}", seed, operations, faults,
                    violations.size(), violations.isEmpty() ? "" : ": " + violations);
            assertThat(violations).as("invariant violations with seed %d", seed).isEmpty();
        }
    }

    private void operate(TestCluster cluster, Random random) {
        for (int i = 0; i < OPERATIONS_PER_PHASE; i++) {
            List<Integer> running = IntStream.range(0, NODES).filter(n -> cluster.node(n) != null).boxed()
                    .collect(Collectors.toList());
            NodeRegistry node = cluster.node(running.get(random.nextInt(running.size())));
            List<Tracked> local = tracked.stream()
                    .filter(t -> t.process.isAlive() && t.process.ref().node().equals(node.node()))
                    .collect(Collectors.toList());
            int choice = random.nextInt(10);
            operations++;
            if (local.isEmpty() || choice == 0) {
                tracked.add(new Tracked(node.spawn((message, context) -> context.reply(message))));
                continue;
            }
            Tracked target = local.get(random.nextInt(local.size()));
            ProcessRef ref = target.process.ref();
            String name = "name-" + random.nextInt(NAMES);
            String group = "group-" + random.nextInt(GROUPS);
            switch (choice) {
                case 1, 2, 3 -> {
                    if (node.registry().register(name, ref, random.nextInt(3)) == RegisterResult.OK) {
                        target.names.add(name);
                    }
                }
                case 4 -> {
                    if (!target.names.isEmpty()) {
                        String held = target.names.iterator().next();
                        node.registry().unregister(held);
                        target.names.remove(held);
                    }
                }
                case 5 -> {
                    if (!target.names.isEmpty()) {
                        node.registry().update(target.names.iterator().next(), (process, meta) -> 7);
                    }
                }
                case 6, 7 -> {
                    node.groups().join(group, ref, random.nextInt(3));
                    target.groups.add(group);
                }
                case 8 -> {
                    node.groups().leave(group, ref);
                    target.groups.remove(group);
                }
                default -> target.process.exit(random.nextBoolean() ? ExitReason.KILLED : ExitReason.NORMAL);
            }
        }
    }

    private void fault(TestCluster cluster, Random random) {
        faults++;
        int kind = random.nextInt(3);
        if (kind == 0) {
            int size = 1 + random.nextInt(NODES / 2);
            List<Integer> all = IntStream.range(0, NODES).boxed().collect(Collectors.toList());
            java.util.Collections.shuffle(all, random);
            int[] side = all.subList(0, size).stream().mapToInt(Integer::intValue).toArray();
            log.info("randomized faults: split {} from the rest", java.util.Arrays.toString(side));
            cluster.split(side);
        } else if (kind == 1) {
            int index = random.nextInt(NODES);
            log.info("randomized faults: crash and restart node {}", index);
            cluster.terminate(index);
            cluster.restartOnNewPort(index, settings -> settings);
            cluster.awaitFullyConnected();
        } else {
            int index = random.nextInt(NODES);
            log.info("randomized faults: split node {} away, then crash it and restart it", index);
            cluster.split(index);
            cluster.terminate(index);
            cluster.restartOnNewPort(index, settings -> settings);
        }
    }

    private List<String> settleAndCheck(TestCluster cluster) {
        List<String> violations = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> sameEverywhere(cluster));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            violations.add("replicas did not converge: " + describe(cluster));
            return violations;
        }
        NodeRegistry observer = cluster.node(0);
        Set<ProcessRef> live = new HashSet<>();
        for (Tracked t : tracked) {
            boolean nodeRunning = cluster.nodes().stream().anyMatch(n -> n.node().equals(t.process.ref().node()));
            if (t.process.isAlive() && nodeRunning) {
                live.add(t.process.ref());
                Set<String> held = observer.registry().namesOf(t.process.ref());
                if (!held.equals(t.names)) {
                    violations.add(t.process.ref() + " registered " + t.names + " but holds " + held);
                }
                Set<String> groups = observer.groups().groupsOf(t.process.ref());
                if (!groups.equals(t.groups)) {
                    violations.add(t.process.ref() + " joined " + t.groups + " but is in " + groups);
                }
            }
        }
        observer.registry().registrations().filter(r -> !live.contains(r.process()))
                .forEach(r -> violations.add("name " + r.name() + " held by " + r.process() + ", which is not alive"));
        for (String group : observer.groups().groupNames()) {
            observer.groups().members(group).stream().filter(m -> !live.contains(m.process()))
                    .forEach(m -> violations.add(m.process() + " is in " + group + " but not alive"));
        }
        return violations;
    }

    private static boolean sameEverywhere(TestCluster cluster) {
        Map<String, ProcessRef> first = null;
        Map<String, Set<ProcessRef>> firstGroups = null;
        for (NodeRegistry node : cluster.nodes()) {
            Map<String, ProcessRef> names = node.registry().registrations()
                    .collect(Collectors.toMap(Registration::name, Registration::process));
            Map<String, Set<ProcessRef>> groups = new HashMap<>();
            for (String group : node.groups().groupNames()) {
                groups.put(group, node.groups().members(group).stream().map(m -> m.process()).collect(Collectors.toSet()));
            }
            if (first == null) {
                first = names;
                firstGroups = groups;
            } else if (!first.equals(names) || !firstGroups.equals(groups)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(TestCluster cluster) {
        return cluster.nodes().stream().map(node -> node.node() + "=" + node.registry().registrations()
                .sorted(Comparator.comparing(Registration::name)).map(r -> r.name() + "@" + r.process())
                .collect(Collectors.toList())).collect(Collectors.joining("; "));
    }
}
