package io.synspring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * An IoT device gateway on Syn: devices hold WebSocket connections to one node of the cluster; each connection
 * is a Syn process registered under the device id and a member of its tenant's group, so any node can find a
 * device, send it a command, broadcast to a tenant or ping all of its devices. A live dashboard is at {@code /}.
 *
 * <p>With no configuration it runs one standalone node (the starter's embedded default). A cluster needs only
 * properties: {@code syn.node-name}, {@code server.port}, {@code syn.cluster.port}, {@code syn.cluster.members},
 * and on every node the same {@code sample.devices.key}, under which devices' tokens are computed.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
