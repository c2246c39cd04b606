package io.synspring.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeRegistry;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A new Spring Boot application with nothing but the starter and no configuration at all: it gets a
 * standalone Syn node (loopback, joining nothing) to inject and use.
 */
@SpringBootTest(classes = StarterOnlyApplicationTests.App.class)
class StarterOnlyApplicationTests {

    @Autowired
    NodeRegistry syn;

    @Test
    void nodeRegistryIsReadyToUse() {
        assertThat(syn.nodes()).containsExactly(syn.node());
        assertThat(syn.hazelcast().getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
        assertThat(syn.hazelcast().getConfig().getNetworkConfig().getJoin().getMulticastConfig().isEnabled())
                .isFalse();
        SynProcess device = syn.spawn((message, ctx) -> ctx.reply("pong"));
        assertThat(syn.registry().register("device-42", device.ref(), Map.of("fw", "1.2")))
                .isEqualTo(RegisterResult.OK);
        assertThat(syn.registry().lookup("device-42")).hasValueSatisfying(
                registration -> assertThat(registration.meta()).isEqualTo(Map.of("fw", "1.2")));
    }

    @SpringBootApplication
    static class App {}
}
