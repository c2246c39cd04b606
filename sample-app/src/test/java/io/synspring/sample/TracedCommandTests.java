package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.sample.support.DeviceClient;
import io.synspring.sample.support.Gateways;
import io.synspring.sample.support.Gateways.Gateway;
import io.synspring.testing.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * With Spring Boot's tracing on the classpath, a command sent over HTTP to one gateway for a device connected to
 * another is one trace: the device's handler on the other node logs the trace id the HTTP request came with.
 * Two real gateway contexts in this JVM.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracedCommandTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final Gateways gateways = new Gateways("traced-test");

    @AfterEach
    void stop() {
        gateways.close();
    }

    @Test
    void aCommandToADeviceOnAnotherNodeContinuesTheRequestsTrace(CapturedOutput output) throws Exception {
        int portA = LoopbackPorts.free();
        int portB = LoopbackPorts.free();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        int httpA = start("gw-a", portA, members).http();
        DeviceClient lamp = gateways.connect(start("gw-b", portB, members), "lamp-7");
        await().atMost(Duration.ofSeconds(20)).until(() -> send(httpA).statusCode() == 202);

        await().atMost(Duration.ofSeconds(10)).until(() -> !lamp.frames("command").isEmpty());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut().lines()
                .filter(line -> line.contains("device lamp-7 gets a command from node gw-a")))
                .anySatisfy(line -> assertThat(line).contains(TRACE_ID)));
    }

    /** A command through node A's HTTP API, in the trace {@link #TRACE_ID} (W3C trace context). */
    private static HttpResponse<String> send(int http) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                + "/api/devices/lamp-7/commands"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"on\":true}")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A gateway that samples every trace and logs each command its devices get. */
    private Gateway start(String name, int clusterPort, String members) {
        return gateways.start(name, clusterPort, members, "management.tracing.sampling.probability=1.0",
                "logging.level.io.synspring.sample.device.DeviceConnection=debug");
    }
}
