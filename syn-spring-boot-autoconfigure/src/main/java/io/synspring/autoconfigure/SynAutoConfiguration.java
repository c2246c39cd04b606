package io.synspring.autoconfigure;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.observation.ObservationRegistry;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.autoconfigure.events.SynApplicationEventPublisher;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.observation.SynReceiverObservationConvention;
import io.synspring.observation.SynSenderObservationConvention;
import io.synspring.registry.ConflictResolver;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Syn node: a {@link NodeRegistry} bean, started with the context and closed with it (a graceful leave:
 * the other nodes drop this node's entries at once).
 *
 * <p>It runs on the application's {@link HazelcastInstance} when there is one: Boot's Hazelcast
 * auto-configuration (Syn prepares the configuration through a {@link HazelcastConfigCustomizer}), an instance
 * built from a {@link Config} bean (prepared by a post-processor), or a user bean prepared with
 * {@link NodeRegistry#configure}. Otherwise it starts an embedded member from {@code syn.cluster.*}; with
 * no configuration at all, one standalone node on loopback that contacts no one (no multicast, no
 * auto-detection, an empty TCP/IP member list) and has a cluster name of its own: it joins nothing, and
 * nothing joins it.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration",
        "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"},
        beforeName = "org.springframework.boot.hazelcast.autoconfigure.health.HazelcastHealthContributorAutoConfiguration")
@ConditionalOnClass({NodeRegistry.class, HazelcastInstance.class})
@EnableConfigurationProperties(SynProperties.class)
public final class SynAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SynAutoConfiguration.class);

    /**
     * The node's settings from {@code syn.*}, with the application's {@link ConflictResolver} bean if any, the
     * SSL bundle named by {@code syn.transport.ssl.bundle}, and the application's {@link ObservationRegistry} (with
     * its Syn observation conventions, if any) when {@code syn.observations.enabled=true}.
     */
    @Bean
    @ConditionalOnMissingBean
    SynSettings synSettings(SynProperties properties, ObjectProvider<ConflictResolver> resolver,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<SynSenderObservationConvention> senderConvention,
            ObjectProvider<SynReceiverObservationConvention> receiverConvention) {
        SynSettings settings = SynSettingsFactory.settings(properties, resolver.getIfUnique(),
                sslBundles.getIfAvailable());
        ObservationRegistry registry = observationRegistry.getIfUnique();
        if (registry == null || !properties.getObservations().isEnabled()) {
            return settings;
        }
        return settings.toBuilder().observationRegistry(registry)
                .senderObservationConvention(senderConvention.getIfUnique())
                .receiverObservationConvention(receiverConvention.getIfUnique()).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    NodeRegistry nodeRegistry(HazelcastInstance hazelcast, SynSettings settings,
            ObjectProvider<SynApplicationEventPublisher> events) {
        String node;
        try {
            node = hazelcast.getCluster().getLocalMember().getAttribute(MemberAttributes.NODE);
        } catch (UnsupportedOperationException client) {
            throw new UnusableHazelcastInstanceException("Syn needs a Hazelcast member, but the application's "
                    + "HazelcastInstance is a client",
                    "Remove the Hazelcast client configuration (or its HazelcastInstance bean), or define a "
                            + "com.hazelcast.config.Config bean for a member, or let Syn start its embedded member "
                            + "from syn.cluster.*",
                    client);
        }
        if (node == null) {
            throw new UnusableHazelcastInstanceException("The application's HazelcastInstance was not prepared for "
                    + "Syn (its member has no '" + MemberAttributes.NODE + "' attribute)",
                    "Define a com.hazelcast.config.Config bean instead of the instance (Syn prepares it and "
                            + "Boot's Hazelcast auto-configuration starts it), or call "
                            + "NodeRegistry.configure(config, synSettings) with the SynSettings bean before creating "
                            + "the instance");
        }
        // the Spring events publisher listens from the node's start: the entries of the nodes already running
        // arrive while the context is still starting, and their events are held for the listener beans
        SynApplicationEventPublisher publisher = events.getIfUnique();
        return publisher == null ? NodeRegistry.start(hazelcast, settings)
                : NodeRegistry.start(hazelcast, settings, publisher.listenFromNodeStart());
    }

    /** Prepares any Hazelcast {@link Config} bean for Syn before an instance is created from it. */
    @Bean
    static BeanPostProcessor synHazelcastConfigPostProcessor(ObjectProvider<SynSettings> settings,
            Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof Config config) {
                    NodeRegistry.configure(config, settings.getObject());
                    ApplicationAttributes.apply(config, environment);
                }
                return bean;
            }
        };
    }

    /**
     * Syn on the member created by Boot's Hazelcast auto-configuration from a configuration file
     * ({@code spring.hazelcast.config}, the {@code hazelcast.config} system property, or {@code hazelcast.xml},
     * {@code .yaml}, {@code .yml} in the working directory or on the classpath). Boot customizes only a
     * configuration it loaded from a file. The file then decides the network: Syn logs which file it is, and
     * warns when {@code syn.cluster.*} properties are set, as they are ignored.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer")
    static class BootHazelcastConfiguration {

        @Bean
        HazelcastConfigCustomizer synHazelcastConfigCustomizer(SynSettings settings, Environment environment) {
            return config -> {
                NodeRegistry.configure(config, settings);
                ApplicationAttributes.apply(config, environment);
                reportConfigurationFile(config, environment);
            };
        }

        private static void reportConfigurationFile(Config config, Environment environment) {
            String file = config.getConfigurationFile() != null ? config.getConfigurationFile().getAbsolutePath()
                    : config.getConfigurationUrl() != null ? config.getConfigurationUrl().toString()
                    : "a Hazelcast configuration file";
            ConfigurationPropertyName prefix = ConfigurationPropertyName.of("syn.cluster");
            Set<String> ignored = new TreeSet<>();
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
                if (source instanceof IterableConfigurationPropertySource properties) {
                    properties.stream().filter(prefix::isAncestorOf).forEach(name -> ignored.add("syn.cluster."
                            + name.getElement(prefix.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED)));
                }
            }
            if (ignored.isEmpty()) {
                log.info("Syn runs on the Hazelcast member configured by {}: that file decides the network", file);
            } else {
                log.warn("Syn runs on the Hazelcast member configured by {}, which overrides {}: these properties "
                        + "are ignored. Configure the network in that file, or remove it (and spring.hazelcast.config) "
                        + "to let Syn start its embedded member from syn.cluster.*", file, ignored);
            }
        }
    }

    /** The embedded member, when the application has no HazelcastInstance of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(HazelcastInstance.class)
    static class EmbeddedMemberConfiguration {

        @Bean(destroyMethod = "shutdown")
        HazelcastInstance synHazelcastInstance(SynProperties properties, SynSettings settings,
                ObjectProvider<SynMemberConfigCustomizer> customizers, Environment environment) {
            SynProperties.Cluster cluster = properties.getCluster();
            boolean discovery = cluster.getDiscovery() == SynProperties.Discovery.SPRING_CLOUD;
            EmbeddedMember member = SynSettingsFactory.embeddedMember(cluster,
                    cluster.getDiscovery() == SynProperties.Discovery.STATIC ? cluster.getMembers() : List.of());
            Config config = member.toConfig();
            // Spring closes the node (a graceful leave) and then the member; Hazelcast's own hook must not race it.
            config.setProperty("hazelcast.shutdownhook.enabled", "false");
            JoinConfig join = config.getNetworkConfig().getJoin();
            if (discovery) {
                join.getTcpIpConfig().setEnabled(false);
            }
            boolean kubernetes = cluster.getDiscovery() == SynProperties.Discovery.KUBERNETES;
            if (kubernetes) {
                KubernetesJoin.apply(cluster, config);
            }
            customizers.orderedStream().forEach(customizer -> customizer.customize(config));
            if (discovery && join.getDiscoveryConfig().getDiscoveryStrategyConfigs().isEmpty()) {
                throw new InvalidSynPropertyException("syn.cluster.discovery", "spring-cloud",
                        "it needs Spring Cloud Commons on the classpath and discovery enabled "
                                + "(spring.cloud.discovery.enabled)",
                        "Add a Spring Cloud discovery client (e.g. spring-cloud-commons with "
                                + "spring.cloud.discovery.client.simple.instances), or set syn.cluster.discovery=static "
                                + "with syn.cluster.members.");
            }
            NodeRegistry.configure(config, settings);
            ApplicationAttributes.apply(config, environment);
            HazelcastInstance instance = Hazelcast.newHazelcastInstance(config);
            log.info("Syn started an embedded Hazelcast member {} in cluster '{}' ({})",
                    instance.getCluster().getLocalMember().getAddress(), member.clusterName(),
                    discovery ? "peers from the DiscoveryClient"
                            : kubernetes ? KubernetesJoin.describe(cluster.getKubernetes())
                            : cluster.getMembers().isEmpty() ? "standalone" : "members " + cluster.getMembers());
            return instance;
        }
    }
}
