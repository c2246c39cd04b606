package io.synspring.autoconfigure.discovery;

import com.hazelcast.cluster.Member;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.autoconfigure.ApplicationAttributes;
import io.synspring.hazelcast.MemberAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A Spring Cloud {@link DiscoveryClient} listing each Syn node of the cluster as the application it is: under
 * its service id ({@code syn.discovery-client.service-id}, else its {@code spring.application.name}), at its
 * Hazelcast member's host and its HTTP port ({@code https} when it has {@code server.ssl.enabled}), instance id
 * the node id. Metadata: {@code management.port}, {@code syn-node} (node id), {@code syn-scopes},
 * {@code syn-hazelcast} (the member's {@code host:port}), {@code syn-port} (its Hazelcast port), and for each
 * scope shared with this node {@code syn-names.<scope>} and {@code syn-groups.<scope>}.
 *
 * <p>A node tells the others these through its member attributes ({@link ApplicationAttributes}), set when its
 * member starts: a node whose HTTP port is chosen at random ({@code server.port=0}) is not listed.
 */
public class SynDiscoveryClient implements DiscoveryClient {

    private final ObjectProvider<NodeRegistry> syn;

    public SynDiscoveryClient(ObjectProvider<NodeRegistry> syn) {
        this.syn = syn;
    }

    @Override
    public String description() {
        return "Syn nodes";
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        NodeRegistry node = node();
        if (node == null) {
            return List.of();
        }
        List<ServiceInstance> instances = new ArrayList<>();
        Set<NodeId> synNodes = node.nodes(); // with secure links, only members whose link proved who they are
        for (Member member : node.hazelcast().getCluster().getMembers()) {
            String id = member.getAttribute(MemberAttributes.NODE);
            String port = member.getAttribute(ApplicationAttributes.HTTP_PORT);
            if (id == null || port == null || !serviceId.equals(member.getAttribute(ApplicationAttributes.SERVICE_ID))
                    || !synNodes.contains(NodeId.parse(id))) {
                continue;
            }
            NodeId nodeId = NodeId.parse(id);
            Set<String> scopes = new TreeSet<>(MemberAttributes.scopesOf(member));
            Map<String, String> metadata = new LinkedHashMap<>();
            String management = member.getAttribute(ApplicationAttributes.MANAGEMENT_PORT);
            if (management != null) {
                metadata.put("management.port", management);
            }
            metadata.put("syn-node", id);
            metadata.put("syn-scopes", String.join(",", scopes));
            metadata.put("syn-hazelcast", member.getAddress().getHost() + ":" + member.getAddress().getPort());
            metadata.put(DiscoveryClientJoin.PORT_METADATA, Integer.toString(member.getAddress().getPort()));
            for (String scope : scopes) {
                if (node.scopes().contains(scope)) {
                    metadata.put("syn-names." + scope, Integer.toString(node.registry(scope).count(nodeId)));
                    metadata.put("syn-groups." + scope, Integer.toString(node.groups(scope).groupCount(nodeId)));
                }
            }
            try {
                instances.add(new DefaultServiceInstance(id, serviceId, member.getAddress().getHost(),
                        Integer.parseInt(port), Boolean.parseBoolean(member.getAttribute(ApplicationAttributes.SECURE)),
                        metadata));
            } catch (NumberFormatException notAPort) {
                // a port given as a placeholder Syn could not read: not listed
            }
        }
        return instances;
    }

    @Override
    public List<String> getServices() {
        NodeRegistry node = node();
        if (node == null) {
            return List.of();
        }
        Set<String> services = new TreeSet<>();
        for (Member member : node.hazelcast().getCluster().getMembers()) {
            String service = member.getAttribute(ApplicationAttributes.SERVICE_ID);
            if (service != null && member.getAttribute(MemberAttributes.NODE) != null) {
                services.add(service);
            }
        }
        return List.copyOf(services);
    }

    private @Nullable NodeRegistry node() {
        try {
            return syn.getIfAvailable();
        } catch (BeansException starting) {
            return null;
        }
    }
}
