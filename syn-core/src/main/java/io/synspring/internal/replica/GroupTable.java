package io.synspring.internal.replica;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.groups.Membership;
import io.synspring.process.ProcessRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The process groups of one scope's replica: each group's members with their metadata, and counts per node.
 * Memberships never conflict: a split's two sides simply union. Read lock-free from any thread; written by
 * the scope's writer only.
 */
public final class GroupTable {

    private final String scope;
    private final ConcurrentHashMap<String, ConcurrentHashMap<ProcessRef, Membership>> groups =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProcessRef, Set<String>> groupsByProcess = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeId, ConcurrentHashMap<String, AtomicInteger>> membersPerNode =
            new ConcurrentHashMap<>();

    GroupTable(String scope) {
        this.scope = scope;
    }

    public @Nullable Membership member(String group, ProcessRef process) {
        Map<ProcessRef, Membership> members = groups.get(group);
        return members == null ? null : members.get(process);
    }

    /** The members of {@code group}, in a new list the caller may change. */
    public List<Membership> members(String group) {
        Map<ProcessRef, Membership> members = groups.get(group);
        return members == null ? new ArrayList<>() : new ArrayList<>(members.values());
    }

    /** The members of {@code group} on {@code node}, in a new list the caller may change. */
    public List<Membership> members(String group, NodeId node) {
        Map<ProcessRef, Membership> members = groups.get(group);
        if (members == null) {
            return new ArrayList<>();
        }
        List<Membership> result = new ArrayList<>();
        for (Membership membership : members.values()) {
            if (membership.node().equals(node)) {
                result.add(membership);
            }
        }
        return result;
    }

    public int memberCount(String group) {
        Map<ProcessRef, Membership> members = groups.get(group);
        return members == null ? 0 : members.size();
    }

    public int memberCount(String group, NodeId node) {
        Map<String, AtomicInteger> perGroup = membersPerNode.get(node);
        AtomicInteger count = perGroup == null ? null : perGroup.get(group);
        return count == null ? 0 : count.get();
    }

    public int groupCount() {
        return groups.size();
    }

    public int groupCount(NodeId node) {
        Map<String, AtomicInteger> perGroup = membersPerNode.get(node);
        return perGroup == null ? 0 : perGroup.size();
    }

    public Set<String> groupNames() {
        return Set.copyOf(groups.keySet());
    }

    /** The group names, weakly consistent, without a copy. */
    public Stream<String> groupNameStream() {
        return groups.keySet().stream();
    }

    public Set<String> groupNames(NodeId node) {
        Map<String, AtomicInteger> perGroup = membersPerNode.get(node);
        return perGroup == null ? Set.of() : Set.copyOf(perGroup.keySet());
    }

    public Set<String> groupsOf(ProcessRef process) {
        Set<String> names = groupsByProcess.get(process);
        return names == null ? Set.of() : Set.copyOf(names);
    }

    List<Membership> membershipsOf(NodeId owner) {
        List<Membership> memberships = new ArrayList<>();
        if (groupCount(owner) == 0) {
            return memberships;
        }
        groupsByProcess.forEach((process, groupNames) -> {
            if (process.node().equals(owner)) {
                for (String group : groupNames) {
                    Membership membership = member(group, process);
                    if (membership != null) {
                        memberships.add(membership);
                    }
                }
            }
        });
        return memberships;
    }

    /** Adds {@code membership}, or replaces the process's membership of that group. */
    void put(Membership membership, Reason reason, ReplicaSink sink) {
        String group = membership.group();
        ProcessRef process = membership.process();
        Membership previous = groups.computeIfAbsent(group, name -> new ConcurrentHashMap<>()).put(process,
                membership);
        if (previous == null) {
            groupsByProcess.compute(process, (ref, names) -> SmallSets.with(names, group));
            membersPerNode.computeIfAbsent(process.node(), node -> new ConcurrentHashMap<>())
                    .computeIfAbsent(group, name -> new AtomicInteger()).incrementAndGet();
            sink.event(new SynEvent.Joined(scope, group, process, membership.meta(), reason));
        } else if (!Objects.equals(previous.meta(), membership.meta())) {
            sink.event(new SynEvent.GroupUpdated(scope, group, process, membership.meta(), previous.meta(),
                    reason));
        }
    }

    /** Removes {@code process} from {@code group}, if it is a member. */
    void remove(String group, ProcessRef process, Reason reason, ReplicaSink sink) {
        ConcurrentHashMap<ProcessRef, Membership> members = groups.get(group);
        Membership removed = members == null ? null : members.remove(process);
        if (members == null || removed == null) {
            return;
        }
        if (members.isEmpty()) {
            groups.remove(group, members);
        }
        groupsByProcess.computeIfPresent(process, (ref, names) -> SmallSets.without(names, group));
        ConcurrentHashMap<String, AtomicInteger> perGroup = membersPerNode.get(process.node());
        if (perGroup != null) {
            perGroup.computeIfPresent(group, (name, count) -> count.decrementAndGet() == 0 ? null : count);
        }
        sink.event(new SynEvent.Left(scope, group, process, removed.meta(), reason));
    }
}
