package io.synspring.autoconfigure.discovery;

import com.hazelcast.cluster.Member;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.hazelcast.MemberAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A Spring Cloud {@link DiscoveryClient} whose instances are the Syn nodes of the cluster, under one service
 * id ({@code syn.discovery-client.service-id}, default {@code syn}): host and port of each node's Hazelcast
 * member, instance id the node id, and metadata {@code syn-node} (node id), {@code syn-scopes},
 * {@code syn-port}, and for each scope shared with this node {@code syn-names.<scope>} and
 * {@code syn-groups.<scope>} (names held and groups joined by that node's processes).
 */
public class SynDiscoveryClient implements DiscoveryClient {

    private final ObjectProvider<NodeRegistry> syn;
    private final String serviceId;

    public SynDiscoveryClient(ObjectProvider<NodeRegistry> syn, String serviceId) {
        this.syn = syn;
        this.serviceId = serviceId;
    }

    @Override
    public String description() {
        return "Syn nodes";
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        if (!this.serviceId.equals(serviceId)) {
            return List.of();
        }
        NodeRegistry node;
        try {
            node = syn.getIfAvailable();
        } catch (BeansException starting) {
            return List.of();
        }
        if (node == null) {
            return List.of();
        }
        List<ServiceInstance> instances = new ArrayList<>();
        Set<NodeId> synNodes = node.nodes(); // with secure links, only members whose link proved who they are
        for (Member member : node.hazelcast().getCluster().getMembers()) {
            String id = member.getAttribute(MemberAttributes.NODE);
            if (id == null || !synNodes.contains(NodeId.parse(id))) {
                continue;
            }
            NodeId nodeId = NodeId.parse(id);
            Set<String> scopes = new TreeSet<>(MemberAttributes.scopesOf(member));
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("syn-node", id);
            metadata.put("syn-scopes", String.join(",", scopes));
            metadata.put(DiscoveryClientJoin.PORT_METADATA, Integer.toString(member.getAddress().getPort()));
            for (String scope : scopes) {
                if (node.scopes().contains(scope)) {
                    metadata.put("syn-names." + scope, Integer.toString(node.registry(scope).count(nodeId)));
                    metadata.put("syn-groups." + scope, Integer.toString(node.groups(scope).groupCount(nodeId)));
                }
            }
            instances.add(new DefaultServiceInstance(id, serviceId, member.getAddress().getHost(),
                    member.getAddress().getPort(), false, metadata));
        }
        return instances;
    }

    @Override
    public List<String> getServices() {
        return List.of(serviceId);
    }
}
