package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.synspring.testing.LoopbackPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** An invalid {@code syn.*} value fails startup with a message naming the property and the fix. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "syn.limits.max-name-length=0            | syn.limits.max-name-length",
            "syn.limits.max-metadata-size=0B         | syn.limits.max-metadata-size",
            "syn.limits.max-message-size=4GB         | syn.limits.max-message-size",
            "syn.limits.max-mailbox-size=-1          | syn.limits.max-mailbox-size",
            "syn.request-timeout=0s                  | syn.request-timeout",
            "syn.multi-call-timeout=-5s              | syn.multi-call-timeout",
            "syn.sync-retry=0ms                      | syn.sync-retry",
            "syn.node-name=a#b                       | syn.node-name",
            "syn.scopes=devices,,users               | syn.scopes",
            "syn.serialization.allowed-classes[0]=   | syn.serialization.allowed-classes",
            "syn.cluster.members=127.0.0.1:notaport  | syn.cluster.members",
            "syn.cluster.members=not a host          | syn.cluster.members",
            "syn.cluster.members=http://10.0.0.5:5701 | syn.cluster.members",
            "syn.cluster.members=10.0.0.5:0          | syn.cluster.members",
            "syn.cluster.port=70000                  | syn.cluster.port",
            "syn.cluster.heartbeat-interval=100ms    | syn.cluster.heartbeat-interval",
            "syn.cluster.failure-timeout=1s          | syn.cluster.failure-timeout",
            "syn.cluster.discovery=spring-cloud      | syn.cluster.discovery",
    })
    void invalidValueFailsStartupNamingTheProperty(String assignment, String property) {
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues(assignment.trim()).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            InvalidSynPropertyException invalid = findCause(failure);
            assertThat(invalid).as("cause of %s", failure).isNotNull();
            assertThat(invalid.getProperty()).isEqualTo(property.trim());
            FailureAnalysis analysis = new SynFailureAnalyzer().analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + property.trim() + "'");
            assertThat(analysis.getAction()).isNotBlank();
        });
    }

    @Test
    void realStartupReportsTheAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--syn.limits.max-name-length=0", "--syn.cluster.port=0"))
                .hasRootCauseInstanceOf(InvalidSynPropertyException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Invalid value '0' for property 'syn.limits.max-name-length'")
                .contains("Set syn.limits.max-name-length to a number greater than 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"10.0.0.5:5701", "10.0.0.5", "syn-0.syn.default.svc.cluster.local:5701",
            "[::1]:5701", "10.0.0.1-5:5701"})
    void memberAddressesHazelcastAcceptsAreAccepted(String member) {
        runner.withPropertyValues(TestClusters.standalone())
                .withPropertyValues("syn.cluster.members=" + member, "syn.cluster.discovery=static")
                .withBean(SynMemberConfigCustomizer.class, () -> config -> config.getNetworkConfig().getJoin()
                        .getTcpIpConfig().setEnabled(false).setMembers(java.util.List.of()))
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void realStartupReportsAnUnpreparedHazelcastInstance(CapturedOutput output) {
        SpringApplication application = new SpringApplication(UnpreparedApp.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--test.port=" + LoopbackPorts.free()))
                .hasRootCauseInstanceOf(UnusableHazelcastInstanceException.class);
        String report = output.toString().substring(output.toString().indexOf("APPLICATION FAILED TO START"));
        assertThat(report).contains("Description:").contains("not prepared for Syn").contains("Action:")
                .contains("NodeRegistry.configure(config, synSettings)");
        assertThat(report.lines().count()).isLessThan(20);
    }

    @Test
    void unconvertibleValueIsReportedByBootWithThePropertyName(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--syn.request-timeout=soon")).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START").contains("syn.request-timeout");
    }

    private static InvalidSynPropertyException findCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidSynPropertyException invalid) {
                return invalid;
            }
        }
        return null;
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration(SynAutoConfiguration.class)
    static class App {}

    @SpringBootConfiguration
    @ImportAutoConfiguration(SynAutoConfiguration.class)
    static class UnpreparedApp {
        @Bean(destroyMethod = "shutdown")
        HazelcastInstance myHazelcast(Environment env) {
            return Hazelcast.newHazelcastInstance(SynAutoConfigurationTests.loopback(env));
        }
    }
}
