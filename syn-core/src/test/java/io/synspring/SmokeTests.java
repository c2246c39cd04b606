package io.synspring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.testing.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTests {

    @Test
    void registrationPropagatesAndSurvivesASplit() {
        try (TestCluster cluster = TestCluster.start(3)) {
            SynProcess process = cluster.node(0).spawn((message, ctx) -> ctx.reply(message));
            assertThat(cluster.node(0).registry().register("a", process.ref(), Map.of("k", "v")))
                    .isEqualTo(RegisterResult.OK);
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("a").isPresent()));
            cluster.split(0);
            await().until(() -> cluster.node(1).registry().lookup("a").isEmpty()
                    && cluster.node(2).registry().lookup("a").isEmpty());
            cluster.heal();
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("a").isPresent()));
            process.stop();
            await().until(() -> cluster.nodes().stream().allMatch(n -> n.registry().lookup("a").isEmpty()));
        }
    }
}
