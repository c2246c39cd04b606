package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.NodeRegistry;
import io.synspring.groups.JoinResult;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, reproducible storm: several nodes, registrations, unregistrations, updates, joins, leaves and
 * process exits, devices reconnecting over and over (a process exits and a fresh one takes its name and group
 * at once), interleaved with random faults: splits and heals, cuts shorter than the failure timeout, crashes
 * with restarts under the same name on the same or a new port (during cuts too), and crashes while snapshots
 * are in flight (right after a node starts, or while a split heals). After the cluster settles the invariants
 * must hold: every replica the same, every live process holding what it was given and nothing held by the
 * dead, every node in sync and reaching every other, messages crossing between every pair of nodes.
 *
 * <p>Each run starts a fresh cluster; several seeds run, derived from a random one. Replay a failing run with
 * {@code -Dsyn.faults.seed=<seed>}; run more with {@code -Dsyn.faults.runs=<n>}.
 */
class RandomizedFaultsTests {

    private static final Logger log = LoggerFactory.getLogger(RandomizedFaultsTests.class);
    private static final int NODES = 4;
    private static final int ROUNDS = 3;
    private static final int OPERATIONS_PER_PHASE = 60;
    /** Operations while a cut shorter than the failure timeout is in place. */
    private static final int OPERATIONS_DURING_BLIP = 20;
    private static final int NAMES = 25;
    private static final int GROUPS = 4;
    /** Names per node that only its reconnecting devices take. */
    private static final int DEVICES = 3;
    private static final int RECONNECTS = 8;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

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
    /** The latest process of each reconnecting device, by the name it takes. */
    private final Map<String, Tracked> devices = new HashMap<>();
    /** Violations seen while the storm runs (the others are checked once it settles). */
    private final List<String> stormViolations = new ArrayList<>();
    private int operations;
    private int faults;

    /** The seeds to run: {@code syn.faults.seed} (or a random one) and seeds derived from it. */
    static Stream<Long> seeds() {
        Long given = Long.getLong("syn.faults.seed");
        long first = given != null ? given : System.nanoTime();
        int runs = Integer.getInteger("syn.faults.runs", given != null ? 1 : 3);
        return LongStream.range(0, runs).mapToObj(run -> first + run * 0x9E3779B97F4A7C15L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldAfterARandomStormOfOperationsAndFaults(long seed) {
        Random random = new Random(seed);
        log.info("randomized faults: seed {} (replay with -Dsyn.faults.seed={})", seed, seed);
        List<String> violations;
        try (TestCluster cluster = TestCluster.start(NODES)) {
            for (int round = 0; round < ROUNDS; round++) {
                operate(cluster, random, OPERATIONS_PER_PHASE);
                fault(cluster, random);
                operate(cluster, random, OPERATIONS_PER_PHASE);
                cluster.heal();
            }
            violations = new ArrayList<>(stormViolations);
            violations.addAll(settleAndCheck(cluster));
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("randomized faults failed with seed " + seed + " (replay with -Dsyn.faults.seed="
                    + seed + ")", e);
        }
        log.info("randomized faults: seed {}, {} operations, {} faults, {} violations{}", seed, operations, faults,
                violations.size(), violations.isEmpty() ? "" : ": " + violations);
        assertThat(violations).as("invariant violations with seed %d (replay with -Dsyn.faults.seed=%d)", seed, seed)
                .isEmpty();
    }

    private void operate(TestCluster cluster, Random random, int count) {
        for (int i = 0; i < count; i++) {
            List<Integer> running = IntStream.range(0, NODES).filter(n -> cluster.node(n) != null).boxed()
                    .collect(Collectors.toList());
            int index = running.get(random.nextInt(running.size()));
            NodeRegistry node = cluster.node(index);
            List<Tracked> local = tracked.stream()
                    .filter(t -> t.process.isAlive() && t.process.ref().node().equals(node.node()))
                    .collect(Collectors.toList());
            int choice = random.nextInt(11);
            operations++;
            if (choice == 10) {
                reconnect(node, index, random);
                continue;
            }
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
                default -> target.process.exit(randomExit(random));
            }
        }
    }

    /**
     * A device that keeps reconnecting to node {@code index}: its process exits and a fresh one at once takes
     * its name (one only this node's devices take) and joins a group. The name is never TAKEN: from the moment
     * the old process exited, nothing on its node counts it as a holder.
     */
    private void reconnect(NodeRegistry node, int index, Random random) {
        String name = "device-" + (index + 1) + "-" + random.nextInt(DEVICES);
        String group = "group-" + random.nextInt(GROUPS);
        Tracked current = devices.get(name);
        for (int i = 0; i < RECONNECTS; i++) {
            if (current != null && current.process.isAlive()) {
                ProcessRef old = current.process.ref();
                current.process.exit(randomExit(random));
                Optional<Registration> stale = node.registry().lookup(name).filter(r -> r.process().equals(old));
                if (stale.isPresent()) {
                    stormViolations.add(name + " is still held by " + old + " on " + node.node() + " after it exited");
                }
                if (node.groups().isMember(group, old)) {
                    stormViolations.add(old + " is still in " + group + " on " + node.node() + " after it exited");
                }
            }
            Tracked fresh = new Tracked(node.spawn((message, context) -> context.reply(message)));
            tracked.add(fresh);
            RegisterResult registered = node.registry().register(name, fresh.process.ref(), i);
            if (registered == RegisterResult.OK) {
                fresh.names.add(name);
            } else {
                stormViolations.add("registering " + name + " on " + node.node() + " after its holder "
                        + (current == null ? "(none)" : current.process.ref()) + " exited answered " + registered
                        + ", held by " + node.registry().lookup(name).map(Registration::process).orElse(null));
            }
            JoinResult joined = node.groups().join(group, fresh.process.ref(), i);
            if (joined == JoinResult.OK) {
                fresh.groups.add(group);
            } else {
                stormViolations.add("joining " + group + " on " + node.node() + " answered " + joined);
            }
            current = fresh;
        }
        devices.put(name, current);
    }

    private static ExitReason randomExit(Random random) {
        return random.nextBoolean() ? ExitReason.KILLED : ExitReason.NORMAL;
    }

    private void fault(TestCluster cluster, Random random) {
        faults++;
        switch (random.nextInt(7)) {
            case 0 -> {
                int[] side = randomSide(random);
                log.info("randomized faults: split {} from the rest", Arrays.toString(side));
                cluster.split(side);
            }
            case 1 -> {
                int index = random.nextInt(NODES);
                log.info("randomized faults: crash and restart node {}", index);
                cluster.terminate(index);
                restart(cluster, index, random);
                cluster.awaitFullyConnected();
            }
            case 2 -> {
                int index = random.nextInt(NODES);
                log.info("randomized faults: split node {} away, then crash it and restart it on a new port", index);
                cluster.split(index);
                cluster.terminate(index);
                // not on its own address, which the others still block (see blip)
                cluster.restartOnNewPort(index, settings -> settings);
            }
            case 3 -> {
                int[] side = randomSide(random);
                int[] rest = rest(side);
                int index = rest[random.nextInt(rest.length)];
                log.info("randomized faults: split {} from the rest, then crash node {} and restart it on its own port",
                        Arrays.toString(side), index);
                cluster.split(side);
                cluster.terminate(index);
                cluster.startNode(index, settings -> settings);
            }
            case 4 -> blip(cluster, random);
            case 5 -> {
                int index = random.nextInt(NODES);
                log.info("randomized faults: crash and restart node {}, then crash a node while snapshots travel",
                        index);
                cluster.terminate(index);
                restart(cluster, index, random);
                crashAndRestart(cluster, random.nextInt(NODES), random);
            }
            default -> {
                int[] side = randomSide(random);
                log.info("randomized faults: split {} from the rest, then crash a node while the split heals",
                        Arrays.toString(side));
                cluster.split(side);
                operate(cluster, random, OPERATIONS_DURING_BLIP);
                cluster.liftCuts();
                int a = side[0];
                int b = rest(side)[0];
                await("node " + a + " meets node " + b + " again").atMost(Duration.ofSeconds(60))
                        .until(() -> cluster.node(a).nodes().contains(cluster.node(b).node()));
                crashAndRestart(cluster, random.nextBoolean() ? a : b, random);
            }
        }
    }

    /**
     * Cuts some links for less than the failure timeout: a burst of operations (and maybe a crashed node
     * restarting) while they are cut, then every cut is lifted at once, usually before Hazelcast removes anyone.
     */
    private void blip(TestCluster cluster, Random random) {
        int pairs = 1 + random.nextInt(3);
        List<String> cut = new ArrayList<>();
        Set<Integer> cutNodes = new HashSet<>();
        for (int p = 0; p < pairs; p++) {
            int i = random.nextInt(NODES);
            int j = (i + 1 + random.nextInt(NODES - 1)) % NODES;
            cluster.cut(i, j);
            cut.add(i + "-" + j);
            cutNodes.addAll(List.of(i, j));
        }
        boolean restart = random.nextInt(3) == 0;
        int index = random.nextInt(NODES);
        log.info("randomized faults: cut {} briefly{}", cut,
                restart ? ", crash node " + index + " and restart it" : "");
        operate(cluster, random, OPERATIONS_DURING_BLIP);
        if (restart) {
            cluster.terminate(index);
            if (cutNodes.contains(index)) {
                // Not on its own address: the nodes cut from it, in its own cluster, would drop what they send it
                // (a cut blocks each side's outgoing packets only, and the new node blocks nothing), so
                // Hazelcast's join would half succeed and hang until its timeout, minutes later.
                cluster.restartOnNewPort(index, settings -> settings);
            } else {
                restart(cluster, index, random);
            }
        }
        cluster.liftCuts();
    }

    /** Kills node {@code index} (maybe while snapshots travel to or from it) and starts it again at once. */
    private void crashAndRestart(TestCluster cluster, int index, Random random) {
        log.info("randomized faults: crash node {} and restart it", index);
        cluster.terminate(index);
        restart(cluster, index, random);
    }

    /** Starts node {@code index} again under the same name, on its own port or a new one. */
    private static void restart(TestCluster cluster, int index, Random random) {
        if (random.nextBoolean()) {
            cluster.startNode(index, settings -> settings);
        } else {
            cluster.restartOnNewPort(index, settings -> settings);
        }
    }

    private static int[] randomSide(Random random) {
        int size = 1 + random.nextInt(NODES / 2);
        List<Integer> all = IntStream.range(0, NODES).boxed().collect(Collectors.toList());
        Collections.shuffle(all, random);
        return all.subList(0, size).stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] rest(int[] side) {
        return IntStream.range(0, NODES).filter(i -> Arrays.stream(side).noneMatch(s -> s == i)).toArray();
    }

    private List<String> settleAndCheck(TestCluster cluster) {
        List<String> violations = new ArrayList<>();
        if (!settles(() -> sameEverywhere(cluster))) {
            violations.add("replicas did not converge: " + describe(cluster));
            return violations;
        }
        if (!settles(() -> cluster.nodes().stream().allMatch(node -> node.unsyncedNodes().isEmpty()
                && node.unreachableNodes().isEmpty()))) {
            cluster.nodes().forEach(node -> violations.add(node.node() + " is not in sync with " + node.unsyncedNodes()
                    + " and cannot reach " + node.unreachableNodes()));
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
        violations.addAll(echoBetweenEveryPair(cluster));
        return violations;
    }

    /** Registers an echo process on every node, then calls each from every other node: messages cross both ways. */
    private static List<String> echoBetweenEveryPair(TestCluster cluster) {
        List<String> violations = new ArrayList<>();
        List<NodeRegistry> nodes = cluster.nodes();
        for (NodeRegistry node : nodes) {
            SynProcess echo = node.spawn((message, context) -> context.reply(message));
            assertThat(node.registry().register(echoName(node), echo.ref())).isEqualTo(RegisterResult.OK);
        }
        if (!settles(() -> nodes.stream().allMatch(from -> nodes.stream()
                .allMatch(to -> from.registry().lookup(echoName(to)).isPresent())))) {
            violations.add("the echo processes were not seen everywhere");
            return violations;
        }
        for (NodeRegistry from : nodes) {
            for (NodeRegistry to : nodes) {
                if (from == to) {
                    continue;
                }
                String request = "ping from " + from.node() + " to " + to.node();
                try {
                    Object reply = from.registry().call(echoName(to), request, CALL_TIMEOUT)
                            .get(CALL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                    if (!request.equals(reply)) {
                        violations.add(request + " was answered " + reply);
                    }
                } catch (Exception e) {
                    violations.add(request + " failed: " + e);
                }
            }
        }
        return violations;
    }

    private static String echoName(NodeRegistry node) {
        return "echo-" + node.node();
    }

    private static boolean settles(Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static boolean sameEverywhere(TestCluster cluster) {
        Map<String, ProcessRef> first = null;
        Map<String, Set<ProcessRef>> firstGroups = null;
        for (NodeRegistry node : cluster.nodes()) {
            Map<String, ProcessRef> names = node.registry().registrations()
                    .collect(Collectors.toMap(Registration::name, Registration::process));
            Map<String, Set<ProcessRef>> groups = new HashMap<>();
            for (String group : node.groups().groupNames()) {
                groups.put(group,
                        node.groups().members(group).stream().map(m -> m.process()).collect(Collectors.toSet()));
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
