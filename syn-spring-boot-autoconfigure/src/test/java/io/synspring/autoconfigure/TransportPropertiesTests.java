package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.testing.LoopbackPorts;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code syn.transport.*}: the links between nodes, their limits and their mutual TLS through an SSL bundle. */
class TransportPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SslAutoConfiguration.class))
            .withPropertyValues(TestClusters.standalone());

    @Test
    void defaultsArePlainTcpOnAnyFreePortWithABoundedBuffer() {
        runner.run(context -> {
            SynSettings settings = context.getBean(SynSettings.class);
            assertThat(settings.transportPort()).isZero();
            assertThat(settings.maxBufferedBytes()).isEqualTo(64L * 1024 * 1024);
            assertThat(settings.backpressureWait()).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.unreachableAfter()).isEqualTo(Duration.ofSeconds(3));
            assertThat(settings.transportSsl()).isNull();
            assertThat(settings.clusterSecret()).isNull();
            assertThat(settings.isSecure()).isFalse();
        });
    }

    @Test
    void propertiesReachTheNode() {
        int port = LoopbackPorts.free();
        runner.withPropertyValues("syn.transport.port=" + port, "syn.transport.max-buffered=8MB",
                "syn.transport.backpressure-wait=250ms", "syn.transport.unreachable-after=1500ms").run(context -> {
                    SynSettings settings = context.getBean(SynSettings.class);
                    assertThat(settings.transportPort()).isEqualTo(port);
                    assertThat(settings.maxBufferedBytes()).isEqualTo(8L * 1024 * 1024);
                    assertThat(settings.backpressureWait()).isEqualTo(Duration.ofMillis(250));
                    assertThat(settings.unreachableAfter()).isEqualTo(Duration.ofMillis(1500));
                    NodeRegistry node = context.getBean(NodeRegistry.class);
                    assertThat(node.hazelcast().getCluster().getLocalMember().<String>getAttribute("syn.transport"))
                            .isEqualTo("127.0.0.1:" + port);
                });
    }

    @Test
    void aClusterSecretSecuresTheLinks() {
        runner.withPropertyValues("syn.cluster.secret=a-shared-secret-of-32-characters").run(context -> {
            SynSettings settings = context.getBean(SynSettings.class);
            assertThat(settings.clusterSecret()).isEqualTo("a-shared-secret-of-32-characters");
            assertThat(settings.isSecure()).isTrue();
            assertThat(settings.toString()).doesNotContain("a-shared-secret");
        });
    }

    @Test
    void anSslBundleSecuresTheLinks() {
        runner.withPropertyValues("spring.ssl.bundle.jks.cluster.keystore.location=classpath:tls/cluster.p12",
                "spring.ssl.bundle.jks.cluster.keystore.password=changeit",
                "spring.ssl.bundle.jks.cluster.keystore.type=PKCS12",
                "spring.ssl.bundle.jks.cluster.truststore.location=classpath:tls/cluster.p12",
                "spring.ssl.bundle.jks.cluster.truststore.password=changeit",
                "spring.ssl.bundle.jks.cluster.truststore.type=PKCS12",
                "syn.transport.ssl.bundle=cluster").run(context -> {
                    assertThat(context).hasNotFailed();
                    SynSettings settings = context.getBean(SynSettings.class);
                    assertThat(settings.transportSsl()).isNotNull();
                    assertThat(settings.nodeNameInCertificate()).isTrue();
                    assertThat(settings.isSecure()).isTrue();
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "syn.transport.port=70000                 | syn.transport.port",
            "syn.transport.max-buffered=0B            | syn.transport.max-buffered",
            "syn.transport.backpressure-wait=-1s      | syn.transport.backpressure-wait",
            "syn.transport.unreachable-after=0s       | syn.transport.unreachable-after",
            "syn.transport.ssl.bundle=missing         | syn.transport.ssl.bundle",
    })
    void anInvalidValueFailsStartupNamingTheProperty(String assignment, String property) {
        runner.withPropertyValues(assignment.trim()).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new SynFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + property.trim() + "'");
            assertThat(analysis.getAction()).isNotBlank();
        });
    }
}
