package io.synspring.autoconfigure.discovery;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.config.DiscoveryStrategyConfig;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.logging.ILogger;
import com.hazelcast.spi.discovery.AbstractDiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryNode;
import com.hazelcast.spi.discovery.DiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryStrategyFactory;
import com.hazelcast.spi.discovery.SimpleDiscoveryNode;
import io.synspring.autoconfigure.InvalidSynPropertyException;
import io.synspring.autoconfigure.SynMemberConfigCustomizer;
import io.synspring.autoconfigure.SynProperties;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClient;
import org.springframework.core.env.Environment;

/**
 * With {@code syn.cluster.discovery=spring-cloud}, the embedded member finds its peers through the application's
 * {@link DiscoveryClient}s: the instances of {@code syn.cluster.discovery-service-id}, at their host and their
 * {@value #PORT_METADATA} metadata (else their port). Hazelcast asks again whenever it looks for members (at
 * join and when it looks for a split cluster to merge with), so peers registered later are found too.
 */
public final class DiscoveryClientJoin implements SynMemberConfigCustomizer {

    /** The metadata key of a service instance giving its Hazelcast port. */
    public static final String PORT_METADATA = "syn-port";

    private static final Logger log = LoggerFactory.getLogger(DiscoveryClientJoin.class);

    private final SynProperties properties;
    private final ListableBeanFactory beans;
    private final Environment environment;

    public DiscoveryClientJoin(SynProperties properties, ListableBeanFactory beans, Environment environment) {
        this.properties = properties;
        this.beans = beans;
        this.environment = environment;
    }

    /** The service id whose instances are the peers. */
    public static String serviceId(SynProperties properties, Environment environment) {
        String configured = properties.getCluster().getDiscoveryServiceId();
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return environment.getProperty("spring.application.name", "syn");
    }

    @Override
    public void customize(Config config) {
        if (properties.getCluster().getDiscovery() != SynProperties.Discovery.SPRING_CLOUD) {
            return;
        }
        List<DiscoveryClient> clients = applicationClients();
        String serviceId = serviceId(properties, environment);
        if (clients.isEmpty()) {
            throw new InvalidSynPropertyException("syn.cluster.discovery", "spring-cloud",
                    "the application has no Spring Cloud DiscoveryClient",
                    "Add a discovery client (e.g. spring.cloud.discovery.client.simple.instances." + serviceId
                            + "[0].uri=http://host:5701 for a fixed list), or set syn.cluster.discovery=static.");
        }
        config.setProperty("hazelcast.discovery.enabled", "true");
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getDiscoveryConfig()
                .addDiscoveryStrategyConfig(new DiscoveryStrategyConfig(new Factory(clients, serviceId)));
        log.info("Syn finds its peers as the instances of service '{}' in {}", serviceId,
                clients.stream().map(DiscoveryClient::description).toList());
    }

    /** The application's discovery clients, not the composite, nor the one listing the Syn nodes themselves. */
    private List<DiscoveryClient> applicationClients() {
        List<DiscoveryClient> clients = new ArrayList<>();
        for (String name : beans.getBeanNamesForType(DiscoveryClient.class)) {
            Class<?> type = beans.getType(name);
            if (type != null && (SynDiscoveryClient.class.isAssignableFrom(type)
                    || CompositeDiscoveryClient.class.isAssignableFrom(type))) {
                continue;
            }
            clients.add(beans.getBean(name, DiscoveryClient.class));
        }
        return clients;
    }

    /** The peers' addresses now, from every client. */
    static Set<Address> peers(List<DiscoveryClient> clients, String serviceId) {
        Set<Address> addresses = new LinkedHashSet<>();
        for (DiscoveryClient client : clients) {
            List<ServiceInstance> instances;
            try {
                instances = client.getInstances(serviceId);
            } catch (RuntimeException e) {
                log.warn("{} could not list service '{}': {}", client.description(), serviceId, e.toString());
                continue;
            }
            for (ServiceInstance instance : instances) {
                Address address = address(instance);
                if (address != null) {
                    addresses.add(address);
                }
            }
        }
        return addresses;
    }

    private static @Nullable Address address(ServiceInstance instance) {
        String port = instance.getMetadata() == null ? null : instance.getMetadata().get(PORT_METADATA);
        try {
            int number = port != null ? Integer.parseInt(port.trim()) : instance.getPort();
            return new Address(instance.getHost(), number);
        } catch (NumberFormatException | UnknownHostException e) {
            log.warn("ignoring service instance {} ({}:{}): {}", instance.getInstanceId(), instance.getHost(), port,
                    e.toString());
            return null;
        }
    }

    private static final class Factory implements DiscoveryStrategyFactory {

        private final List<DiscoveryClient> clients;
        private final String serviceId;

        Factory(List<DiscoveryClient> clients, String serviceId) {
            this.clients = List.copyOf(clients);
            this.serviceId = serviceId;
        }

        @Override
        public Class<? extends DiscoveryStrategy> getDiscoveryStrategyType() {
            return Strategy.class;
        }

        @Override
        public DiscoveryStrategy newDiscoveryStrategy(DiscoveryNode discoveryNode, ILogger logger,
                Map<String, Comparable> properties) {
            return new Strategy(logger, properties, clients, serviceId);
        }

        @Override
        public Collection<PropertyDefinition> getConfigurationProperties() {
            return List.of();
        }
    }

    private static final class Strategy extends AbstractDiscoveryStrategy {

        private final List<DiscoveryClient> clients;
        private final String serviceId;

        Strategy(ILogger logger, Map<String, Comparable> properties, List<DiscoveryClient> clients, String serviceId) {
            super(logger, properties);
            this.clients = clients;
            this.serviceId = serviceId;
        }

        @Override
        public Iterable<DiscoveryNode> discoverNodes() {
            List<DiscoveryNode> nodes = new ArrayList<>();
            for (Address address : peers(clients, serviceId)) {
                nodes.add(new SimpleDiscoveryNode(address));
            }
            return nodes;
        }
    }
}
