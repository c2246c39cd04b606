package io.synspring.sample.support;

import io.synspring.sample.SampleApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sample gateways started in this JVM, each a real application context with its web server and its Hazelcast
 * member on 127.0.0.1, in a cluster of their own; and the devices connected to them. Closing closes them all.
 */
public final class Gateways implements AutoCloseable {

    /** A running gateway: its context and its HTTP port. */
    public record Gateway(ConfigurableApplicationContext context, int http) {}

    private final String cluster;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<DeviceClient> devices = new ArrayList<>();

    /** Gateways of a fresh cluster whose name starts with {@code prefix}. */
    public Gateways(String prefix) {
        this.cluster = prefix + "-" + UUID.randomUUID();
    }

    /**
     * Starts gateway {@code name} with its Hazelcast member on {@code clusterPort}, looking for {@code members}
     * (a {@code syn.cluster.members} list), with {@code properties} added.
     */
    public Gateway start(String name, int clusterPort, String members, String... properties) {
        String[] common = {"server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                "spring.jmx.enabled=false", "sample.devices.key=" + DeviceClient.KEY, "syn.node-name=" + name,
                "syn.cluster.name=" + cluster, "syn.cluster.interface=127.0.0.1", "syn.cluster.port=" + clusterPort,
                "syn.cluster.members=" + members};
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
                .properties(Stream.concat(Stream.of(common), Stream.of(properties)).toArray(String[]::new)).run();
        contexts.add(context);
        return new Gateway(context, ((WebServerApplicationContext) context).getWebServer().getPort());
    }

    /** Connects device {@code id} of tenant {@code acme} to {@code gateway}. */
    public DeviceClient connect(Gateway gateway, String id) {
        DeviceClient device = DeviceClient.connect(gateway.http(), id, "acme");
        devices.add(device);
        return device;
    }

    @Override
    public void close() {
        devices.forEach(DeviceClient::close);
        contexts.forEach(ConfigurableApplicationContext::close);
    }
}
