package io.synspring.sample.dashboard;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.groups.Groups;
import io.synspring.registry.Registry;
import io.synspring.sample.device.DeviceGateway;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the dashboard draws, as this node sees the cluster (SSE event {@code snapshot}, sent when it changes).
 *
 * @param node this node's name
 * @param nodes the visible nodes
 * @param devices the devices connected anywhere
 * @param devicesByNode the devices per node name
 * @param tenants the tenants with the most devices, largest first (at most {@value #MAX_TENANTS})
 * @param tenantCount how many tenants have devices
 */
public record ClusterSnapshot(String node, String nodeId, List<NodeView> nodes, int devices,
        Map<String, Integer> devicesByNode, List<TenantView> tenants, int tenantCount) {

    static final int MAX_TENANTS = 50;

    /** A visible node: its name, its id (name#incarnation), its devices, whether it is this node, in sync. */
    public record NodeView(String name, String id, int devices, boolean self, boolean synced) {}

    /** A tenant (group {@code tenant:{name}}) and its devices. */
    public record TenantView(String name, int devices) {}

    static ClusterSnapshot of(NodeRegistry syn) {
        Registry registry = syn.registry(DeviceGateway.SCOPE);
        Groups groups = syn.groups(DeviceGateway.SCOPE);
        Set<NodeId> unsynced = syn.unsyncedNodes();
        List<NodeView> nodes = new ArrayList<>();
        Map<String, Integer> byNode = new TreeMap<>();
        for (NodeId node : syn.nodes()) {
            int devices = registry.count(node);
            nodes.add(new NodeView(node.name(), node.toString(), devices, node.equals(syn.node()),
                    !unsynced.contains(node)));
            byNode.merge(node.name(), devices, Integer::sum);
        }
        List<TenantView> tenants = new ArrayList<>();
        groups.groupNameStream().filter(group -> group.startsWith(DeviceGateway.TENANT_GROUP_PREFIX))
                .forEach(group -> tenants.add(new TenantView(
                        group.substring(DeviceGateway.TENANT_GROUP_PREFIX.length()), groups.memberCount(group))));
        tenants.removeIf(tenant -> tenant.devices() == 0);
        int tenantCount = tenants.size();
        tenants.sort(Comparator.comparingInt(TenantView::devices).reversed().thenComparing(TenantView::name));
        List<TenantView> top = List.copyOf(tenants.subList(0, Math.min(MAX_TENANTS, tenants.size())));
        return new ClusterSnapshot(syn.node().name(), syn.node().toString(), List.copyOf(nodes), registry.count(),
                byNode, top, tenantCount);
    }
}
