package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.SynSettings;
import io.synspring.hazelcast.EmbeddedMember;
import io.synspring.hazelcast.MemberAttributes;
import io.synspring.testing.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Kubernetes probes over HTTP with the settings the documentation gives: a node still synchronizing with a
 * node it sees is alive (its liveness probe answers 200, so it is not restarted) but not ready (its readiness
 * probe answers 503, so it gets no traffic), and ready once it holds that node's entries.
 */
class HealthProbesHttpTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aSyncingNodeIsLiveButNotReady() throws Exception {
        String cluster = TestClusters.uniqueName();
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        // b: a member carrying a Syn node id whose Syn node has not started, so a cannot hold b's entries yet
        SynSettings settingsB = SynSettings.builder().nodeName("b").build();
        HazelcastInstance memberB = Hazelcast.newHazelcastInstance(NodeRegistry.configure(new EmbeddedMember(cluster,
                "127.0.0.1", portB, List.of("127.0.0.1:" + portA), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5)).toConfig(), settingsB));
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--management.endpoint.health.probes.enabled=true",
                "--management.endpoint.health.group.readiness.include=readinessState,syn",
                "--management.endpoint.health.group.readiness.show-components=always"));
        for (String property : TestClusters.node("a", cluster, portA, portB)) {
            args.add("--" + property);
        }
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                .run(args.toArray(String[]::new))) {
            NodeRegistry a = app.getBean(NodeRegistry.class);
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            NodeId nodeB = NodeId.parse(memberB.getCluster().getLocalMember()
                    .getAttribute(MemberAttributes.NODE));
            await().until(() -> a.unsyncedNodes().contains(nodeB));

            HttpResponse<String> liveness = get(base + "/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(liveness.body()).contains("\"status\":\"UP\"").doesNotContain("syn");
            HttpResponse<String> readiness = get(base + "/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("\"syn\":{\"status\":\"OUT_OF_SERVICE\"");

            try (NodeRegistry b = NodeRegistry.start(memberB, settingsB)) {
                await().untilAsserted(() -> assertThat(get(base + "/actuator/health/readiness").statusCode())
                        .isEqualTo(200));
                assertThat(get(base + "/actuator/health/readiness").body())
                        .contains("\"syn\":{\"status\":\"UP\"");
                assertThat(get(base + "/actuator/health/liveness").statusCode()).isEqualTo(200);
            }
        } finally {
            memberB.shutdown();
        }
    }

    private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
