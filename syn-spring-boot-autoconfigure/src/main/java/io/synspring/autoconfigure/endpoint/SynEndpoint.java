package io.synspring.autoconfigure.endpoint;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.groups.Groups;
import io.synspring.groups.Membership;
import io.synspring.registry.Registration;
import io.synspring.registry.Registry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code syn} actuator endpoint, read-only, answering from this node's replica:
 * <ul>
 * <li>{@code /actuator/syn}: this node, the visible nodes, and per scope the name and group counts, in total
 * and per node;</li>
 * <li>{@code /actuator/syn/{scope}/names?limit=&offset=&prefix=}: names in order, a page at a time;</li>
 * <li>{@code /actuator/syn/{scope}/names/{name}}: the lookup of one name (404 if unknown);</li>
 * <li>{@code /actuator/syn/{scope}/groups?limit=&offset=&prefix=}: group names with member counts;</li>
 * <li>{@code /actuator/syn/{scope}/groups/{group}?limit=&offset=}: the members of one group.</li>
 * </ul>
 * Listings sort while they stream over the replica, keeping at most {@code offset + limit} keys, so a node
 * holding a million names answers a page without copying them.
 */
@Endpoint(id = "syn", defaultAccess = Access.READ_ONLY)
public class SynEndpoint {

    /** The page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 100;
    /** The largest page. */
    public static final int MAX_LIMIT = 1000;

    private final NodeRegistry syn;

    public SynEndpoint(NodeRegistry syn) {
        this.syn = syn;
    }

    @ReadOperation
    public SynSummary summary() {
        List<NodeId> nodes = new ArrayList<>(syn.nodes());
        Map<String, ScopeSummary> scopes = new TreeMap<>();
        for (String scope : syn.scopes()) {
            scopes.put(scope, scopeSummary(scope, nodes));
        }
        return new SynSummary(syn.node().toString(), nodes.stream().map(NodeId::toString).toList(),
                syn.unsyncedNodes().stream().map(NodeId::toString).toList(),
                syn.unreachableNodes().stream().map(NodeId::toString).toList(), scopes);
    }

    @ReadOperation
    public @Nullable ScopeSummary scope(@Selector String scope) {
        if (!syn.scopes().contains(scope)) {
            return null;
        }
        return scopeSummary(scope, new ArrayList<>(syn.nodes()));
    }

    @ReadOperation
    public @Nullable Page<?> list(@Selector String scope, @Selector String kind, @Nullable Integer limit,
            @Nullable Integer offset, @Nullable String prefix) {
        if (!syn.scopes().contains(scope)) {
            return null;
        }
        if ("names".equals(kind)) {
            Registry registry = syn.registry(scope);
            return page(registry.registrations().map(Registration::name), prefix, offset, limit,
                    name -> registry.lookup(name).map(SynEndpoint::nameEntry).orElse(null));
        }
        if ("groups".equals(kind)) {
            Groups groups = syn.groups(scope);
            return page(groups.groupNameStream(), prefix, offset, limit,
                    group -> new GroupEntry(group, groups.memberCount(group)));
        }
        return null;
    }

    @ReadOperation
    public @Nullable Object entry(@Selector String scope, @Selector String kind,
            @Selector(match = Match.ALL_REMAINING) String[] key, @Nullable Integer limit, @Nullable Integer offset) {
        if (!syn.scopes().contains(scope)) {
            return null;
        }
        String name = String.join("/", key);
        try {
            if ("names".equals(kind)) {
                return syn.registry(scope).lookup(name).map(SynEndpoint::lookup).orElse(null);
            }
            if ("groups".equals(kind)) {
                Groups groups = syn.groups(scope);
                if (groups.memberCount(name) == 0) {
                    return null;
                }
                List<Membership> members = groups.members(name);
                if (members.isEmpty()) {
                    return null;
                }
                Map<String, Membership> byProcess = new LinkedHashMap<>();
                members.forEach(member -> byProcess.put(member.process().toString(), member));
                Page<MemberEntry> page = page(byProcess.keySet().stream(), null, offset, limit,
                        process -> member(Objects.requireNonNull(byProcess.get(process))));
                return new GroupMembers(name, members.size(), page);
            }
        } catch (IllegalArgumentException invalid) {
            return null;
        }
        return null;
    }

    private ScopeSummary scopeSummary(String scope, Collection<NodeId> nodes) {
        Registry registry = syn.registry(scope);
        Groups groups = syn.groups(scope);
        Map<String, NodeCounts> perNode = new TreeMap<>();
        for (NodeId node : nodes) {
            perNode.put(node.toString(), new NodeCounts(registry.count(node), groups.groupCount(node)));
        }
        return new ScopeSummary(registry.count(), groups.groupCount(), perNode);
    }

    /**
     * The page {@code [offset, offset + limit)} of the sorted {@code keys} that start with {@code prefix},
     * keeping at most {@code offset + limit} keys while streaming.
     */
    static <T> Page<T> page(Stream<String> keys, @Nullable String prefix, @Nullable Integer offset,
            @Nullable Integer limit, Function<String, @Nullable T> entry) {
        int from = offset == null ? 0 : Math.max(0, offset);
        int size = limit == null ? DEFAULT_LIMIT : Math.max(0, Math.min(MAX_LIMIT, limit));
        long keep = (long) from + size;
        PriorityQueue<String> smallest = new PriorityQueue<>(Comparator.reverseOrder());
        long[] total = new long[1];
        keys.forEach(key -> {
            if (prefix != null && !key.startsWith(prefix)) {
                return;
            }
            total[0]++;
            if (smallest.size() < keep) {
                smallest.add(key);
            } else if (keep > 0 && key.compareTo(smallest.peek()) < 0) {
                smallest.poll();
                smallest.add(key);
            }
        });
        List<String> sorted = new ArrayList<>(smallest);
        sorted.sort(Comparator.naturalOrder());
        List<T> items = new ArrayList<>();
        for (int i = from; i < sorted.size(); i++) {
            T item = entry.apply(sorted.get(i));
            if (item != null) {
                items.add(item);
            }
        }
        return new Page<>(total[0], from, size, items);
    }

    private static NameEntry nameEntry(Registration registration) {
        return new NameEntry(registration.name(), registration.node().toString(), registration.process().toString());
    }

    private static Lookup lookup(Registration registration) {
        return new Lookup(registration.name(), registration.node().toString(), registration.process().toString(),
                json(registration.meta()), registration.time());
    }

    private static MemberEntry member(Membership membership) {
        return new MemberEntry(membership.process().toString(), membership.node().toString(),
                json(membership.meta()), membership.time());
    }

    /** Metadata as JSON-friendly values: plain values, maps and collections as they are, anything else as text. */
    static @Nullable Object json(@Nullable Object meta) {
        if (meta == null || meta instanceof CharSequence || meta instanceof Number || meta instanceof Boolean) {
            return meta instanceof CharSequence ? meta.toString() : meta;
        }
        if (meta instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> result = new LinkedHashMap<>();
            map.forEach((key, value) -> result.put(String.valueOf(key), json(value)));
            return result;
        }
        if (meta instanceof Collection<?> collection) {
            List<@Nullable Object> result = new ArrayList<>();
            collection.forEach(value -> result.add(json(value)));
            return result;
        }
        return meta.toString();
    }

    /**
     * The summary: this node, the visible nodes, the nodes not yet in sync, the members its links cannot
     * reach, and each scope.
     */
    public record SynSummary(String node, List<String> nodes, List<String> unsyncedNodes,
            List<String> unreachableNodes, Map<String, ScopeSummary> scopes) {}

    /** A scope's name and group counts, in total and per node. */
    public record ScopeSummary(int names, int groups, Map<String, NodeCounts> nodes) {}

    /** The names held by processes of one node, and the groups with members on it. */
    public record NodeCounts(int names, int groups) {}

    /** One page of a sorted listing: {@code total} matching entries, {@code items} from {@code offset}. */
    public record Page<T>(long total, int offset, int limit, List<T> items) {}

    /** A name in a listing. */
    public record NameEntry(String name, String node, String process) {}

    /** The lookup of one name. */
    public record Lookup(String name, String node, String process, @Nullable Object meta, long time) {}

    /** A group in a listing. */
    public record GroupEntry(String group, int members) {}

    /** The members of one group, a page at a time. */
    public record GroupMembers(String group, int total, Page<MemberEntry> members) {}

    /** A member of a group. */
    public record MemberEntry(String process, String node, @Nullable Object meta, long time) {}
}
