package io.synspring.autoconfigure;

import io.synspring.hazelcast.MemberAttributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.process.SynProcess;
import io.synspring.registry.ConflictOutcome;
import io.synspring.registry.ConflictResolver;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The core auto-configuration: which Hazelcast member the node runs on, properties, user beans. */
@ExtendWith(OutputCaptureExtension.class)
class SynAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class));

    @Test
    void withNoConfigurationAtAllOneStandaloneLoopbackNodeStarts() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(NodeRegistry.class).hasBean("synHazelcastInstance");
            NodeRegistry syn = context.getBean(NodeRegistry.class);
            assertThat(syn.nodes()).containsExactly(syn.node());
            assertThat(syn.hazelcast().getCluster().getMembers()).hasSize(1);
            assertThat(syn.scopes()).containsExactly("default");
            Config config = syn.hazelcast().getConfig();
            // a cluster of its own, and it contacts no one: no multicast, no auto-detection, no discovery, no
            // TCP/IP member to probe
            assertThat(config.getClusterName()).startsWith("syn-standalone-");
            JoinConfig join = config.getNetworkConfig().getJoin();
            assertThat(join.getMulticastConfig().isEnabled()).isFalse();
            assertThat(join.getTcpIpConfig().getMembers()).isEmpty();
            assertThat(join.getTcpIpConfig().getRequiredMember()).isNull();
            assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
            assertThat(join.getDiscoveryConfig().getDiscoveryStrategyConfigs()).isEmpty();
            assertThat(syn.hazelcast().getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
            assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");

            SynProcess process = syn.spawn((message, ctx) -> {});
            assertThat(syn.registry().register("device-1", process.ref())).isEqualTo(RegisterResult.OK);
            assertThat(syn.registry().lookup("device-1")).isPresent();
        });
    }

    @Test
    void propertiesAreBoundIntoTheSettingsAndTheEmbeddedMember() {
        String cluster = TestClusters.uniqueName();
        int port = LoopbackPorts.free();
        runner.withPropertyValues("syn.node-name=gateway-1", "syn.scopes=devices,users", "syn.strict-mode=true",
                "syn.multi-call-timeout=2s", "syn.request-timeout=3s", "syn.sync-retry=250ms", "syn.worker-threads=3",
                "syn.limits.max-name-length=64", "syn.limits.max-metadata-size=2KB", "syn.limits.max-message-size=1MB",
                "syn.limits.max-mailbox-size=500", "syn.serialization.allowed-classes=com.example.devices.",
                "syn.cluster.name=" + cluster, "syn.cluster.port=" + port, "syn.cluster.interface=127.0.0.1",
                "syn.cluster.heartbeat-interval=2s", "syn.cluster.failure-timeout=7s", "syn.cluster.merge-interval=9s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SynSettings settings = context.getBean(SynSettings.class);
                    assertThat(settings.nodeName()).isEqualTo("gateway-1");
                    assertThat(settings.scopes()).containsExactlyInAnyOrder("default", "devices", "users");
                    assertThat(settings.strictMode()).isTrue();
                    assertThat(settings.multiCallTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(settings.syncRetry()).isEqualTo(Duration.ofMillis(250));
                    assertThat(settings.workerThreads()).isEqualTo(3);
                    assertThat(settings.maxNameLength()).isEqualTo(64);
                    assertThat(settings.maxMetadataBytes()).isEqualTo(2048);
                    assertThat(settings.maxMessageBytes()).isEqualTo(1024 * 1024);
                    assertThat(settings.maxMailboxSize()).isEqualTo(500);
                    assertThat(settings.allowedClassPrefixes()).containsExactly("com.example.devices.");

                    NodeRegistry syn = context.getBean(NodeRegistry.class);
                    assertThat(syn.node().name()).isEqualTo("gateway-1");
                    assertThat(syn.scopes()).containsExactlyInAnyOrder("default", "devices", "users");
                    HazelcastInstance hazelcast = context.getBean(HazelcastInstance.class);
                    assertThat(syn.hazelcast()).isSameAs(hazelcast);
                    Config config = hazelcast.getConfig();
                    assertThat(config.getClusterName()).isEqualTo(cluster);
                    assertThat(hazelcast.getCluster().getLocalMember().getAddress().getPort()).isEqualTo(port);
                    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
                    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("7");
                    assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("9");
                    assertThat(config.getSerializationConfig().getJavaSerializationFilterConfig().getWhitelist()
                            .getPrefixes()).contains("com.example.devices.");
                    // the guard names the property to raise
                    SynProcess process = syn.spawn((message, ctx) -> {});
                    assertThat(org.assertj.core.api.Assertions.catchThrowable(
                            () -> syn.registry().register("x".repeat(65), process.ref())))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("syn.limits.max-name-length");
                });
    }

    @Test
    void twoApplicationsWithoutSettingsOnOneMachineStayApart() {
        runner.run(first -> runner.run(second -> {
            HazelcastInstance a = first.getBean(HazelcastInstance.class);
            HazelcastInstance b = second.getBean(HazelcastInstance.class);
            // the join is over when the member has started: each formed a cluster of its own
            assertThat(a.getCluster().getMembers()).hasSize(1);
            assertThat(b.getCluster().getMembers()).hasSize(1);
            assertThat(a.getConfig().getClusterName()).isNotEqualTo(b.getConfig().getClusterName());
        }));
    }

    @Test
    void standaloneNodesOfOneClusterNameContactNoOne() {
        // the defaults but a cluster name: both listen on the first free ports from 5701, and neither probes them
        String cluster = TestClusters.uniqueName();
        runner.withPropertyValues("syn.cluster.name=" + cluster).run(first -> {
            runner.withPropertyValues("syn.cluster.name=" + cluster).run(second -> {
                NodeRegistry a = first.getBean(NodeRegistry.class);
                NodeRegistry b = second.getBean(NodeRegistry.class);
                assertThat(a.hazelcast().getCluster().getMembers()).hasSize(1);
                assertThat(b.hazelcast().getCluster().getMembers()).hasSize(1);
                assertThat(a.nodes()).containsExactly(a.node());
                assertThat(b.nodes()).containsExactly(b.node());
            });
        });
    }

    @Test
    void aNodeListingAStandaloneNodeJoinsItOnlyWithItsClusterName() {
        // a standalone node without a cluster name has one of its own: a node listing it forms its own cluster
        runner.run(unnamed -> {
            int port = unnamed.getBean(HazelcastInstance.class).getCluster().getLocalMember().getAddress().getPort();
            runner.withPropertyValues("syn.cluster.port=" + LoopbackPorts.free(),
                    "syn.cluster.members=127.0.0.1:" + port).run(listing -> {
                        assertThat(listing).hasNotFailed();
                        assertThat(listing.getBean(HazelcastInstance.class).getCluster().getMembers()).hasSize(1);
                    });
        });
        // with the cluster name of the node it lists, it joins it
        String cluster = TestClusters.uniqueName();
        runner.withPropertyValues("syn.cluster.name=" + cluster).run(named -> {
            NodeRegistry a = named.getBean(NodeRegistry.class);
            int port = a.hazelcast().getCluster().getLocalMember().getAddress().getPort();
            runner.withPropertyValues(TestClusters.node("b", cluster, LoopbackPorts.free(), port)).run(listing -> {
                assertThat(listing).hasNotFailed();
                NodeRegistry b = listing.getBean(NodeRegistry.class);
                assertThat(b.hazelcast().getCluster().getMembers()).hasSize(2);
                await().untilAsserted(() -> assertThat(a.nodes()).containsExactlyInAnyOrder(a.node(), b.node()));
            });
        });
    }

    @Test
    void staticMembersFormACluster() {
        String cluster = TestClusters.uniqueName();
        int port1 = LoopbackPorts.free();
        int port2 = LoopbackPorts.free();
        runner.withPropertyValues(TestClusters.node("a", cluster, port1, port2)).run(first -> {
            runner.withPropertyValues(TestClusters.node("b", cluster, port2, port1)).run(second -> {
                NodeRegistry a = first.getBean(NodeRegistry.class);
                NodeRegistry b = second.getBean(NodeRegistry.class);
                assertThat(a.nodes()).containsExactlyInAnyOrder(a.node(), b.node());
                assertThat(b.hazelcast().getConfig().getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                        .containsExactly("127.0.0.1:" + port1);
            });
        });
    }

    @Test
    void userSettingsBeanWins() {
        SynSettings mine = SynSettings.builder().nodeName("mine").scopes("x").build();
        runner.withPropertyValues(TestClusters.standalone()).withBean(SynSettings.class, () -> mine).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SynSettings.class)).isSameAs(mine);
            assertThat(context.getBean(NodeRegistry.class).node().name()).isEqualTo("mine");
            assertThat(context.getBean(NodeRegistry.class).scopes()).contains("x");
        });
    }

    @Test
    void conflictResolverBeanReplacesTheDefault() {
        ConflictResolver keepFirst = (scope, name, first, second) -> ConflictOutcome.keep(first.process());
        runner.withPropertyValues(TestClusters.standalone()).withBean(ConflictResolver.class, () -> keepFirst)
                .run(context -> assertThat(context.getBean(SynSettings.class).conflictResolver()).isSameAs(keepFirst));
        runner.withPropertyValues(TestClusters.standalone()).run(context -> assertThat(
                context.getBean(SynSettings.class).conflictResolver()).isSameAs(ConflictResolver.KEEP_MOST_RECENT));
    }

    @Test
    void userHazelcastInstancePreparedWithTheSettingsIsUsed() {
        int port = LoopbackPorts.free();
        runner.withUserConfiguration(PreparedInstanceConfiguration.class)
                .withPropertyValues("syn.node-name=on-mine", "test.port=" + port).run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("synHazelcastInstance");
                    NodeRegistry syn = context.getBean(NodeRegistry.class);
                    assertThat(syn.hazelcast()).isSameAs(context.getBean("myHazelcast"));
                    assertThat(syn.node().name()).isEqualTo("on-mine");
                });
    }

    @Test
    void userHazelcastInstanceNotPreparedFailsWithTheFix() {
        int port = LoopbackPorts.free();
        runner.withUserConfiguration(UnpreparedInstanceConfiguration.class).withPropertyValues("test.port=" + port)
                .run(context -> {
                    assertThat(context).hasFailed().getFailure().rootCause()
                            .isInstanceOf(UnusableHazelcastInstanceException.class)
                            .hasMessageContaining("not prepared for Syn")
                            .hasMessageContaining("NodeRegistry.configure(config, synSettings)");
                    FailureAnalysis analysis = new SynHazelcastInstanceFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("not prepared for Syn");
                    assertThat(analysis.getAction()).contains("NodeRegistry.configure(config, synSettings)");
                });
    }

    @Test
    void hazelcastConfigBeanIsPreparedAndStartedByBootsHazelcastAutoConfiguration() {
        int port = LoopbackPorts.free();
        runner.withConfiguration(AutoConfigurations.of(HazelcastAutoConfiguration.class))
                .withUserConfiguration(ConfigBeanConfiguration.class)
                .withPropertyValues("syn.node-name=from-config-bean", "syn.scopes=devices", "test.port=" + port)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(HazelcastInstance.class)
                            .doesNotHaveBean("synHazelcastInstance");
                    NodeRegistry syn = context.getBean(NodeRegistry.class);
                    assertThat(syn.node().name()).isEqualTo("from-config-bean");
                    assertThat(syn.hazelcast().getConfig().getClusterName()).startsWith("syn-test-");
                    assertThat(MemberAttributes.scopesOf(syn.hazelcast().getCluster().getLocalMember()))
                            .isEqualTo(Set.of("default", "devices"));
                });
    }

    @Test
    void hazelcastConfigFileIsCustomizedForSyn(@TempDir Path dir, CapturedOutput output) throws IOException {
        int port = LoopbackPorts.free();
        Path file = hazelcastYaml(dir, port);
        runner.withConfiguration(AutoConfigurations.of(HazelcastAutoConfiguration.class))
                .withPropertyValues("spring.hazelcast.config=" + file.toUri(), "syn.node-name=from-yaml")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(HazelcastInstance.class)
                            .doesNotHaveBean("synHazelcastInstance");
                    NodeRegistry syn = context.getBean(NodeRegistry.class);
                    assertThat(syn.node().name()).isEqualTo("from-yaml");
                    assertThat(syn.hazelcast().getCluster().getLocalMember().getAddress().getPort()).isEqualTo(port);
                });
        // no syn.cluster.* to override: the file is named, without a warning
        assertThat(output).contains("Syn runs on the Hazelcast member configured by " + file)
                .doesNotContain("which overrides");
    }

    @Test
    void aHazelcastConfigFileOverridingSynClusterPropertiesIsNamedInOneWarning(@TempDir Path dir,
            CapturedOutput output) throws IOException {
        int port = LoopbackPorts.free();
        Path file = hazelcastYaml(dir, port);
        runner.withConfiguration(AutoConfigurations.of(HazelcastAutoConfiguration.class))
                .withPropertyValues("spring.hazelcast.config=" + file.toUri(),
                        "syn.cluster.port=" + LoopbackPorts.free(), "syn.cluster.members=127.0.0.1:5801,127.0.0.1:5802")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // the file decides: its port, not syn.cluster.port
                    assertThat(context.getBean(NodeRegistry.class).hazelcast().getCluster().getLocalMember()
                            .getAddress().getPort()).isEqualTo(port);
                });
        String warning = "Syn runs on the Hazelcast member configured by " + file
                + ", which overrides [syn.cluster.members, syn.cluster.port]";
        assertThat(output.getOut()).containsOnlyOnce(warning);
        assertThat(output.getOut().lines().filter(line -> line.contains(warning)))
                .allMatch(line -> line.contains("WARN"));
    }

    /** A loopback member configuration file of a cluster of its own, listening on {@code port}. */
    private static Path hazelcastYaml(Path dir, int port) throws IOException {
        Path file = dir.resolve("hazelcast.yaml");
        Files.writeString(file, String.join("\n", "hazelcast:", "  cluster-name: " + TestClusters.uniqueName(),
                "  network:", "    port:", "      port: " + port, "      auto-increment: false", "    interfaces:",
                "      enabled: true", "      interfaces:", "        - 127.0.0.1", "    join:", "      multicast:",
                "        enabled: false", "      auto-detection:", "        enabled: false", ""));
        return file;
    }

    @Test
    void backsOffWithoutSynOrHazelcastOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader(NodeRegistry.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(NodeRegistry.class)
                        .doesNotHaveBean(SynProperties.class));
        runner.withClassLoader(new FilteredClassLoader(HazelcastInstance.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(NodeRegistry.class));
    }

    @Test
    void withoutBootsHazelcastModuleTheEmbeddedMemberStillStarts() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.hazelcast"))
                .withPropertyValues(TestClusters.standalone())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(NodeRegistry.class)
                        .doesNotHaveBean("synHazelcastConfigCustomizer"));
    }

    @Test
    void closingTheContextLeavesTheClusterAndStopsTheEmbeddedMember() {
        HazelcastInstance[] member = new HazelcastInstance[1];
        runner.withPropertyValues(TestClusters.standalone())
                .run(context -> member[0] = context.getBean(HazelcastInstance.class));
        assertThat(member[0].getLifecycleService().isRunning()).isFalse();
    }

    @Configuration(proxyBeanMethods = false)
    static class PreparedInstanceConfiguration {
        @Bean(destroyMethod = "shutdown")
        HazelcastInstance myHazelcast(SynSettings settings, org.springframework.core.env.Environment env) {
            Config config = loopback(env);
            return Hazelcast.newHazelcastInstance(NodeRegistry.configure(config, settings));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UnpreparedInstanceConfiguration {
        @Bean(destroyMethod = "shutdown")
        HazelcastInstance myHazelcast(org.springframework.core.env.Environment env) {
            return Hazelcast.newHazelcastInstance(loopback(env));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ConfigBeanConfiguration {
        @Bean
        Config hazelcastConfig(org.springframework.core.env.Environment env) {
            return loopback(env);
        }
    }

    static Config loopback(org.springframework.core.env.Environment env) {
        int port = Integer.parseInt(env.getRequiredProperty("test.port"));
        Config config = new EmbeddedMember(TestClusters.uniqueName(), "127.0.0.1", port, List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5)).toConfig();
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
        return config;
    }
}
