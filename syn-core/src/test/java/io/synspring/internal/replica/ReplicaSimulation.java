package io.synspring.internal.replica;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.Membership;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.Registration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory model of one scope across several nodes, without Hazelcast: owner nodes make changes to
 * their own processes' entries the way the engine does (stamped with per-owner sequence numbers, batched,
 * conflict losses given up with CONFLICT_RESOLUTION and the loser stopped when the resolution says so), and a
 * lossy network delivers the batches to every other node in any order, with duplicates, drops, resyncs from
 * the owner's snapshot (in parts, in order, any of which can be lost), stale snapshots and node down/up.
 */
final class ReplicaSimulation {

    static final String SCOPE = "sim";

    /** Something in flight to a node. */
    sealed interface Message permits Deliver, Resync, Parts, Stale {
        NodeId to();
    }

    /** A batch of an owner's changes. */
    record Deliver(NodeId to, ChangeBatch batch) implements Message {}

    /** The owner's snapshot, taken when this is delivered (a resync or a node-up exchange). */
    record Resync(NodeId to, NodeId owner) implements Message {}

    /** The rest of a snapshot crossing the wire in parts, in order: delivering it applies the next part. */
    record Parts(NodeId to, List<OwnerSnapshot> remaining) implements Message {}

    /** A snapshot taken earlier, delivered now: possibly older than what the receiver already has. */
    record Stale(NodeId to, OwnerSnapshot snapshot) implements Message {}

    record Loss(Registration claim, boolean stop) {}

    /** One node: its replica, and when it owns processes, its side of replication. */
    final class Node implements ReplicaSink {
        final NodeId id;
        final boolean owner;
        final ScopeReplica replica;
        final List<SynEvent> events = new ArrayList<>();
        final ArrayDeque<Loss> losses = new ArrayDeque<>();
        long seq;
        List<Change> open = new ArrayList<>();
        final List<ChangeBatch> sent = new ArrayList<>();
        /** Per process slot: the current incarnation (a process that exits is replaced by a new one). */
        final int[] generation;

        Node(NodeId id, boolean owner, ConflictResolver resolver, int processes) {
            this.id = id;
            this.owner = owner;
            this.replica = new ScopeReplica(SCOPE, id, resolver);
            this.generation = new int[processes];
        }

        ProcessRef process(int slot) {
            return new ProcessRef(id, 1 + slot + 1000L * generation[slot]);
        }

        boolean isAlive(ProcessRef process) {
            int slot = (int) ((process.id() - 1) % 1000);
            return process.node().equals(id) && slot < generation.length && process(slot).equals(process);
        }

        @Override
        public void event(SynEvent event) {
            events.add(event);
        }

        @Override
        public void localConflictLost(Registration loser, boolean stop) {
            if (!owner || !loser.node().equals(id)) {
                violations.add(id + " was told about a loss of " + loser + ", which is not its own");
            }
            losses.add(new Loss(loser, stop));
        }

        @Override
        public String toString() {
            return id.toString();
        }
    }

    final List<Node> owners = new ArrayList<>();
    final List<Node> observers = new ArrayList<>();
    final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    final List<Message> inFlight = new ArrayList<>();
    final Set<List<NodeId>> resyncsPending = new HashSet<>();
    /** The (receiver, owner) pairs where the receiver had a snapshot of the owner since it last dropped it. */
    final Set<List<NodeId>> based = new HashSet<>();
    final List<String> violations = new ArrayList<>();
    /** How often interesting things happened, to check that runs exercise them. */
    final Map<String, Integer> happened = new TreeMap<>();
    long clock = 1;

    ReplicaSimulation(int ownerCount, int observerCount, int processesPerOwner, ConflictResolver resolver) {
        for (int i = 0; i < ownerCount; i++) {
            Node node = new Node(new NodeId("owner" + i, 1), true, resolver, processesPerOwner);
            owners.add(node);
            nodes.put(node.id, node);
        }
        for (int i = 0; i < observerCount; i++) {
            Node node = new Node(new NodeId("observer" + i, 1), false, resolver, 0);
            observers.add(node);
            nodes.put(node.id, node);
        }
        // the nodes have met: every node has every owner's (empty) snapshot
        for (Node to : nodes.values()) {
            for (Node owner : owners) {
                if (owner != to) {
                    to.replica.receive(owner.replica.snapshotOf(owner.id, 0), new Reason.NodeUp(owner.id), to);
                    based.add(List.of(to.id, owner.id));
                }
            }
        }
    }

    Node node(NodeId id) {
        return Objects.requireNonNull(nodes.get(id));
    }

    List<Node> allNodes() {
        return new ArrayList<>(nodes.values());
    }

    // ---------------------------------------------------------------- an owner's operations (as the engine)

    void register(Node owner, int slot, String name, Object meta, boolean ignoreTaken) {
        ProcessRef process = owner.process(slot);
        Registration visible = owner.replica.names().lookup(name);
        if (!ignoreTaken && visible != null && !visible.process().equals(process)) {
            return; // TAKEN
        }
        Registration own = owner.replica.names().claim(name, process);
        if (own == null || !Objects.equals(own.meta(), meta)) {
            commit(owner, new Change.Register(new Registration(name, process, meta, clock), Reason.NORMAL));
        }
        settle(owner);
    }

    void unregister(Node owner, int slot, String name) {
        ProcessRef process = owner.process(slot);
        if (owner.replica.names().claim(name, process) != null) {
            commit(owner, new Change.Unregister(name, process, Reason.NORMAL));
        }
        settle(owner);
    }

    void join(Node owner, int slot, String group, Object meta) {
        ProcessRef process = owner.process(slot);
        Membership existing = owner.replica.groups().member(group, process);
        if (existing == null || !Objects.equals(existing.meta(), meta)) {
            commit(owner, new Change.Join(new Membership(group, process, meta, clock), Reason.NORMAL));
        }
        settle(owner);
    }

    void leave(Node owner, int slot, String group) {
        ProcessRef process = owner.process(slot);
        if (owner.replica.groups().member(group, process) != null) {
            commit(owner, new Change.Leave(group, process, Reason.NORMAL));
        }
        settle(owner);
    }

    void exit(Node owner, int slot, ExitReason reason) {
        exitProcess(owner, owner.process(slot), reason);
        settle(owner);
    }

    private void exitProcess(Node owner, ProcessRef process, ExitReason exit) {
        if (!owner.isAlive(process)) {
            return;
        }
        Reason reason = new Reason.ProcessExited(exit);
        for (String name : owner.replica.names().claimedNames(process)) {
            commit(owner, new Change.Unregister(name, process, reason));
        }
        for (String group : owner.replica.groups().groupsOf(process)) {
            commit(owner, new Change.Leave(group, process, reason));
        }
        owner.generation[(int) ((process.id() - 1) % 1000)]++;
    }

    /** As the engine: gives up the names this node's processes lost, stopping them when asked. */
    private void settle(Node node) {
        Loss loss;
        while ((loss = node.losses.poll()) != null) {
            Registration claim = loss.claim();
            if (node.replica.names().claim(claim.name(), claim.process()) == null) {
                continue;
            }
            count("conflict lost");
            commit(node, new Change.Unregister(claim.name(), claim.process(), Reason.CONFLICT_RESOLUTION));
            if (loss.stop()) {
                count("loser stopped");
                exitProcess(node, claim.process(), new ExitReason.ConflictResolved(SCOPE, claim.name()));
            }
        }
    }

    private void commit(Node owner, Change change) {
        if (!change.process().node().equals(owner.id)) {
            throw new IllegalStateException(owner + " cannot change " + change);
        }
        owner.replica.applyLocal(change, owner);
        owner.seq++;
        owner.open.add(change);
    }

    /** Closes the owner's open batch and sends it to every other node. */
    void flush(Node owner) {
        if (owner.open.isEmpty()) {
            return;
        }
        ChangeBatch batch = new ChangeBatch(SCOPE, owner.id, owner.seq - owner.open.size() + 1, owner.open);
        owner.open = new ArrayList<>();
        owner.sent.add(batch);
        for (Node to : nodes.values()) {
            if (to != owner) {
                inFlight.add(new Deliver(to.id, batch));
            }
        }
    }

    void tick(int step) {
        clock += step;
    }

    // ---------------------------------------------------------------- the network

    void deliver(int pick) {
        if (!inFlight.isEmpty()) {
            deliver(inFlight.remove(Math.floorMod(pick, inFlight.size())));
        }
    }

    /** Loses one message; a lost batch is repaired by a resync later (the receiver notices the gap). */
    void drop(int pick) {
        if (inFlight.isEmpty()) {
            return;
        }
        List<Message> partsInFlight = inFlight.stream().filter(Parts.class::isInstance).toList();
        // snapshot parts are few and short-lived: on an even pick, one of them is lost if any is in flight
        List<Message> candidates = partsInFlight.isEmpty() || pick % 2 != 0 ? inFlight : partsInFlight;
        Message lost = candidates.get(Math.floorMod(pick, candidates.size()));
        if (lost instanceof Deliver deliver) {
            inFlight.remove(lost);
            requestResync(node(deliver.to()), node(deliver.batch().owner()));
        } else if (lost instanceof Parts parts) {
            count("snapshot part lost");
            inFlight.remove(lost);
            List<OwnerSnapshot> rest = parts.remaining().subList(1, parts.remaining().size());
            if (!rest.isEmpty()) {
                inFlight.add(new Parts(parts.to(), rest));
            }
            requestResync(node(parts.to()), node(parts.remaining().get(0).owner()));
        }
    }

    /** Sends one of {@code owner}'s earlier batches to {@code to} again. */
    void duplicate(Node to, Node owner, int pick) {
        if (to != owner && !owner.sent.isEmpty()) {
            inFlight.add(new Deliver(to.id, owner.sent.get(Math.floorMod(pick, owner.sent.size()))));
        }
    }

    void resync(Node to, Node owner) {
        if (to != owner) {
            requestResync(to, owner);
        }
    }

    /** Takes {@code owner}'s snapshot now and delivers it whenever the network picks it. */
    void staleSnapshot(Node to, Node owner) {
        if (to != owner) {
            flush(owner);
            inFlight.add(new Stale(to.id, owner.replica.snapshotOf(owner.id, owner.seq)));
        }
    }

    /** A short split between two nodes: each drops what the other owns (NODE_DOWN), then they meet again. */
    void bounce(Node one, Node other) {
        if (one == other) {
            return;
        }
        for (Node[] pair : new Node[][] {{one, other}, {other, one}}) {
            Node to = pair[0];
            Node owner = pair[1];
            if (owner.owner) {
                to.replica.dropOwner(owner.id, new Reason.NodeDown(owner.id), to);
                based.remove(List.of(to.id, owner.id));
                settle(to);
                requestResync(to, owner);
            }
        }
    }

    private void requestResync(Node to, Node owner) {
        if (resyncsPending.add(List.of(to.id, owner.id))) {
            inFlight.add(new Resync(to.id, owner.id));
        }
    }

    private void deliver(Message message) {
        Node to = node(message.to());
        if (message instanceof Deliver deliver) {
            boolean behindGap = based.contains(List.of(to.id, deliver.batch().owner()))
                    && to.replica.needsSnapshot(deliver.batch().owner());
            ScopeReplica.Receipt receipt = to.replica.receive(deliver.batch(), to);
            count("receipt " + receipt);
            if (behindGap && receipt == ScopeReplica.Receipt.APPLIED) {
                count("gap filled by a batch");
            }
            settle(to);
            if (receipt == ScopeReplica.Receipt.GAP || receipt == ScopeReplica.Receipt.NO_BASE) {
                requestResync(to, node(deliver.batch().owner()));
            }
        } else if (message instanceof Resync resync) {
            resyncsPending.remove(List.of(to.id, resync.owner()));
            Node owner = node(resync.owner());
            flush(owner);
            Reason reason = to.replica.followedOwners().contains(owner.id) ? Reason.NORMAL
                    : new Reason.NodeUp(owner.id);
            if (based.contains(List.of(to.id, owner.id)) && to.replica.needsSnapshot(owner.id)) {
                count("resync behind a gap");
            }
            List<OwnerSnapshot> parts = inParts(owner.replica.snapshotOf(owner.id, owner.seq));
            if (parts.size() > 1) {
                count("snapshot in parts");
            }
            to.replica.receive(parts.get(0), reason, to);
            nextParts(to, parts);
        } else if (message instanceof Parts parts) {
            to.replica.receive(parts.remaining().get(0), Reason.NORMAL, to); // the first part's reason holds
            nextParts(to, parts.remaining());
        } else if (message instanceof Stale stale) {
            boolean applied = to.replica.receive(stale.snapshot(), Reason.NORMAL, to);
            count(applied ? "stale snapshot applied" : "stale snapshot ignored");
            if (applied) {
                based.add(List.of(to.id, stale.snapshot().owner()));
            }
            settle(to);
            if (to.replica.needsSnapshot(stale.snapshot().owner())) {
                requestResync(to, node(stale.snapshot().owner()));
            }
        }
    }

    /** After a snapshot part was delivered: the next ones go on in flight; after the last, checks the result. */
    private void nextParts(Node to, List<OwnerSnapshot> delivered) {
        NodeId owner = delivered.get(0).owner();
        settle(to);
        if (delivered.size() > 1) {
            inFlight.add(new Parts(to.id, delivered.subList(1, delivered.size())));
            return;
        }
        if (to.replica.follows(owner)) {
            based.add(List.of(to.id, owner));
        }
        if (to.replica.needsSnapshot(owner)) {
            requestResync(to, node(owner));
        }
    }

    /** A snapshot cut into parts of one entry each (the codec cuts it by size). */
    static List<OwnerSnapshot> inParts(OwnerSnapshot whole) {
        List<Object> entries = new ArrayList<>(whole.registrations());
        entries.addAll(whole.memberships());
        List<OwnerSnapshot> parts = new ArrayList<>();
        for (int from = 0; from == 0 || from < entries.size(); from++) {
            List<Registration> registrations = new ArrayList<>();
            List<Membership> memberships = new ArrayList<>();
            for (Object entry : entries.subList(from, Math.min(from + 1, entries.size()))) {
                if (entry instanceof Registration registration) {
                    registrations.add(registration);
                } else {
                    memberships.add((Membership) entry);
                }
            }
            parts.add(new OwnerSnapshot(whole.scope(), whole.owner(), whole.seq(), parts.size(),
                    from + 1 >= entries.size(), registrations, memberships));
        }
        return parts;
    }

    /**
     * Runs the network until nothing moves: every open batch sent, every message delivered (in an order
     * picked by {@code random}), the losses that reveals given up and sent too.
     */
    void quiesce(Random random) {
        for (int round = 0; round < 1000; round++) {
            owners.forEach(this::flush);
            if (inFlight.isEmpty()) {
                return;
            }
            while (!inFlight.isEmpty()) {
                deliver(inFlight.remove(random.nextInt(inFlight.size())));
                if (random.nextInt(4) != 0) { // otherwise batches stay open a little longer
                    owners.forEach(this::flush);
                }
            }
        }
        throw new AssertionError("the simulation does not settle");
    }

    // ---------------------------------------------------------------- what a node shows

    /** Everything a node's readers can see, in a comparable form. */
    record View(Map<String, Registration> names, int count, Map<NodeId, Integer> countPerNode,
            Map<ProcessRef, Set<String>> namesOfProcess, Map<String, Set<Membership>> groups, int groupCount,
            Set<String> groupNames, Map<NodeId, Integer> groupCountPerNode, Map<NodeId, Set<String>> groupNamesPerNode,
            Map<String, Map<NodeId, Integer>> memberCountPerNode, Map<ProcessRef, Set<String>> groupsOfProcess) {}

    View view(Node node) {
        ScopeReplica replica = node.replica;
        Map<String, Registration> names = new TreeMap<>();
        replica.names().registrations().forEach(registration -> names.put(registration.name(), registration));
        Set<ProcessRef> processes = new TreeSet<>();
        names.values().forEach(registration -> processes.add(registration.process()));
        Map<String, Set<Membership>> groups = new TreeMap<>();
        for (String group : replica.groups().groupNames()) {
            Set<Membership> members = new HashSet<>(replica.groups().members(group));
            groups.put(group, members);
            members.forEach(membership -> processes.add(membership.process()));
        }
        Map<NodeId, Integer> countPerNode = new TreeMap<>();
        Map<NodeId, Integer> groupCountPerNode = new TreeMap<>();
        Map<NodeId, Set<String>> groupNamesPerNode = new TreeMap<>();
        for (Node owner : owners) {
            countPerNode.put(owner.id, replica.names().count(owner.id));
            groupCountPerNode.put(owner.id, replica.groups().groupCount(owner.id));
            groupNamesPerNode.put(owner.id, new TreeSet<>(replica.groups().groupNames(owner.id)));
        }
        Map<String, Map<NodeId, Integer>> memberCountPerNode = new TreeMap<>();
        for (String group : groups.keySet()) {
            Map<NodeId, Integer> perNode = new TreeMap<>();
            for (Node owner : owners) {
                perNode.put(owner.id, replica.groups().memberCount(group, owner.id));
                if (replica.groups().members(group, owner.id).size() != replica.groups().memberCount(group, owner.id)) {
                    violations.add(node + ": members(" + group + ", " + owner + ") disagrees with memberCount");
                }
            }
            memberCountPerNode.put(group, perNode);
            if (replica.groups().memberCount(group) != groups.get(group).size()) {
                violations.add(node + ": memberCount(" + group + ") disagrees with members");
            }
        }
        Map<ProcessRef, Set<String>> namesOfProcess = new TreeMap<>();
        Map<ProcessRef, Set<String>> groupsOfProcess = new TreeMap<>();
        for (ProcessRef process : processes) {
            namesOfProcess.put(process, new TreeSet<>(replica.names().namesOf(process)));
            groupsOfProcess.put(process, new TreeSet<>(replica.groups().groupsOf(process)));
        }
        return new View(names, replica.names().count(), countPerNode, namesOfProcess, groups,
                replica.groups().groupCount(),
                new TreeSet<>(replica.groups().groupNames()), groupCountPerNode, groupNamesPerNode, memberCountPerNode,
                groupsOfProcess);
    }

    /** Every claim the owners hold on their own processes' behalf, losing ones included. */
    List<Registration> ownersClaims() {
        List<Registration> claims = new ArrayList<>();
        for (Node owner : owners) {
            claims.addAll(owner.replica.snapshotOf(owner.id, owner.seq).registrations());
        }
        return claims;
    }

    /** Every membership the owners hold. */
    Map<String, Set<Membership>> ownersMemberships() {
        Map<String, Set<Membership>> groups = new TreeMap<>();
        for (Node owner : owners) {
            for (Membership membership : owner.replica.snapshotOf(owner.id, owner.seq).memberships()) {
                groups.computeIfAbsent(membership.group(), group -> new HashSet<>()).add(membership);
            }
        }
        return groups;
    }

    /**
     * Replays a node's events from an empty state, checking each against the state it applies to, and
     * returns the names and groups they add up to.
     */
    Replayed replay(Node node) {
        Map<String, Registration> names = new TreeMap<>();
        Map<String, Map<ProcessRef, @Nullable Object>> groups = new TreeMap<>();
        for (SynEvent event : node.events) {
            if (event instanceof SynEvent.Registered registered) {
                expect(node, event, !names.containsKey(registered.name()));
                names.put(registered.name(), new Registration(registered.name(), registered.process(),
                        registered.meta(), 0));
            } else if (event instanceof SynEvent.RegistryUpdated updated) {
                Registration held = names.get(updated.name());
                expect(node, event, held != null && held.process().equals(updated.process())
                        && Objects.equals(held.meta(), updated.previousMeta())
                        && !Objects.equals(updated.meta(), updated.previousMeta()));
                names.put(updated.name(), new Registration(updated.name(), updated.process(), updated.meta(), 0));
            } else if (event instanceof SynEvent.Unregistered unregistered) {
                Registration held = names.remove(unregistered.name());
                expect(node, event, held != null && held.process().equals(unregistered.process())
                        && Objects.equals(held.meta(), unregistered.meta()));
            } else if (event instanceof SynEvent.Joined joined) {
                Map<ProcessRef, @Nullable Object> members = groups.computeIfAbsent(joined.group(),
                        group -> new HashMap<>());
                expect(node, event, !members.containsKey(joined.process()));
                members.put(joined.process(), joined.meta());
            } else if (event instanceof SynEvent.GroupUpdated updated) {
                Map<ProcessRef, @Nullable Object> members = groups.get(updated.group());
                expect(node, event, members != null && members.containsKey(updated.process())
                        && Objects.equals(members.get(updated.process()), updated.previousMeta())
                        && !Objects.equals(updated.meta(), updated.previousMeta()));
                if (members != null) {
                    members.put(updated.process(), updated.meta());
                }
            } else if (event instanceof SynEvent.Left left) {
                Map<ProcessRef, @Nullable Object> members = groups.get(left.group());
                expect(node, event, members != null && members.containsKey(left.process())
                        && Objects.equals(members.get(left.process()), left.meta()));
                if (members != null) {
                    members.remove(left.process());
                    if (members.isEmpty()) {
                        groups.remove(left.group());
                    }
                }
            }
        }
        Map<String, String> nameView = new TreeMap<>();
        names.forEach((name, registration) -> nameView.put(name, registration.process() + "=" + registration.meta()));
        Map<String, Map<ProcessRef, String>> groupView = new TreeMap<>();
        groups.forEach((group, members) -> {
            Map<ProcessRef, String> view = new TreeMap<>();
            members.forEach((process, meta) -> view.put(process, String.valueOf(meta)));
            groupView.put(group, view);
        });
        return new Replayed(nameView, groupView);
    }

    /** Names as process=meta, groups as process to meta: what events and the final state both say. */
    record Replayed(Map<String, String> names, Map<String, Map<ProcessRef, String>> groups) {}

    Replayed replayedFrom(View view) {
        Map<String, String> names = new TreeMap<>();
        view.names()
                .forEach((name, registration) -> names.put(name, registration.process() + "=" + registration.meta()));
        Map<String, Map<ProcessRef, String>> groups = new TreeMap<>();
        view.groups().forEach((group, members) -> {
            Map<ProcessRef, String> byProcess = new TreeMap<>();
            members.forEach(membership -> byProcess.put(membership.process(), String.valueOf(membership.meta())));
            groups.put(group, byProcess);
        });
        return new Replayed(names, groups);
    }

    void count(String what) {
        happened.merge(what, 1, Integer::sum);
    }

    private void expect(Node node, SynEvent event, boolean consistent) {
        if (!consistent) {
            violations.add(node + ": event " + event + " does not match the state it applies to");
        }
    }
}
