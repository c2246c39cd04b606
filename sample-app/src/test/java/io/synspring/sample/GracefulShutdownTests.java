package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.sample.support.DeviceClient;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A gateway that shuts down tells its devices to go elsewhere: close code 1001, not a dropped connection. */
class GracefulShutdownTests {

    @Test
    void aNodeShuttingDownClosesItsDevicesSocketsWithGoingAway() throws Exception {
        ConfigurableApplicationContext node = new SpringApplicationBuilder(SampleApplication.class).properties(
                "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off", "syn.node-name=leaving",
                "syn.cluster.name=shutdown-test-" + UUID.randomUUID(), "sample.devices.key=" + DeviceClient.KEY).run();
        try (DeviceClient device = DeviceClient.connect(
                ((WebServerApplicationContext) node).getWebServer().getPort(), "lamp-9", "acme")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !device.frames("welcome").isEmpty());
            node.close();
            DeviceClient.Closed closed = device.closed().get(10, TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(1001);
            assertThat(closed.reason()).isEqualTo("gateway node shutting down");
        } finally {
            node.close();
        }
    }
}
