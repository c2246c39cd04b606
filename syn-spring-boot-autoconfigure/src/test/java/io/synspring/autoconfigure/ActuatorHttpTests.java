package io.synspring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.synspring.NodeRegistry;
import io.synspring.process.SynProcess;
import io.synspring.registry.Registry;
import io.synspring.testing.LoopbackPorts;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A plain Spring Boot web application with the actuator and nothing else configured but a node name, a scope
 * and its cluster ports: the {@code syn} endpoint and health contributor over HTTP.
 */
@SpringBootTest(classes = ActuatorHttpTests.App.class, properties = {
        "management.endpoints.web.exposure.include=health,syn", "management.endpoint.health.show-details=always",
        "syn.discovery-client.enabled=true"})
@AutoConfigureMockMvc
class ActuatorHttpTests {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        registry.add("syn.node-name", () -> "web-1");
        registry.add("syn.scopes", () -> "devices");
        registry.add("syn.cluster.name", TestClusters::uniqueName);
        registry.add("syn.cluster.port", LoopbackPorts::free);
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    NodeRegistry syn;

    @BeforeEach
    void devices() {
        Registry devices = syn.registry("devices");
        if (devices.count() > 0) {
            return;
        }
        SynProcess process = syn.spawn((message, ctx) -> {});
        for (int i = 5; i >= 1; i--) {
            devices.register("device-" + i, process.ref(), Map.of("fw", "1." + i));
        }
        devices.register("site/a/1", process.ref());
        syn.groups("devices").join("tenant-1", process.ref(), Map.of("role", "sensor"));
        syn.groups("devices").join("tenant-2", process.ref());
    }

    @Test
    void summary() throws Exception {
        String node = syn.node().toString();
        mvc.perform(get("/actuator/syn")).andExpect(status().isOk())
                .andExpect(jsonPath("$.node").value(startsWith("web-1#")))
                .andExpect(jsonPath("$.nodes.length()").value(1))
                .andExpect(jsonPath("$.unsyncedNodes.length()").value(0))
                .andExpect(jsonPath("$.scopes.default.names").value(0))
                .andExpect(jsonPath("$.scopes.devices.names").value(6))
                .andExpect(jsonPath("$.scopes.devices.groups").value(2))
                .andExpect(jsonPath("$.scopes.devices.nodes['" + node + "'].names").value(6))
                .andExpect(jsonPath("$.scopes.devices.nodes['" + node + "'].groups").value(2));
        mvc.perform(get("/actuator/syn/devices")).andExpect(status().isOk())
                .andExpect(jsonPath("$.names").value(6));
        mvc.perform(get("/actuator/syn/nowhere")).andExpect(status().isNotFound());
    }

    @Test
    void lookupOfOneName() throws Exception {
        mvc.perform(get("/actuator/syn/devices/names/device-3")).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("device-3"))
                .andExpect(jsonPath("$.node").value(syn.node().toString()))
                .andExpect(jsonPath("$.process").value(startsWith("<web-1#")))
                .andExpect(jsonPath("$.meta.fw").value("1.3"))
                .andExpect(jsonPath("$.time").isNumber());
        mvc.perform(get("/actuator/syn/devices/names/site/a/1")).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("site/a/1"));
        mvc.perform(get("/actuator/syn/devices/names/device-404")).andExpect(status().isNotFound());
        mvc.perform(get("/actuator/syn/default/names/device-3")).andExpect(status().isNotFound());
    }

    @Test
    void namesListedInOrderAPageAtATime() throws Exception {
        mvc.perform(get("/actuator/syn/devices/names").param("limit", "2").param("offset", "1"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.total").value(6))
                .andExpect(jsonPath("$.offset").value(1)).andExpect(jsonPath("$.limit").value(2))
                .andExpect(jsonPath("$.items.length()").value(2))
                .andExpect(jsonPath("$.items[0].name").value("device-2"))
                .andExpect(jsonPath("$.items[1].name").value("device-3"));
        mvc.perform(get("/actuator/syn/devices/names").param("prefix", "site/")).andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(1)).andExpect(jsonPath("$.items[0].name").value("site/a/1"));
        mvc.perform(get("/actuator/syn/devices/names")).andExpect(status().isOk())
                .andExpect(jsonPath("$.limit").value(100)).andExpect(jsonPath("$.items.length()").value(6));
    }

    @Test
    void groupsAndTheirMembers() throws Exception {
        mvc.perform(get("/actuator/syn/devices/groups")).andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(2)).andExpect(jsonPath("$.items[0].group").value("tenant-1"))
                .andExpect(jsonPath("$.items[0].members").value(1));
        mvc.perform(get("/actuator/syn/devices/groups/tenant-1")).andExpect(status().isOk())
                .andExpect(jsonPath("$.group").value("tenant-1")).andExpect(jsonPath("$.total").value(1))
                .andExpect(jsonPath("$.members.items[0].node").value(syn.node().toString()))
                .andExpect(jsonPath("$.members.items[0].meta.role").value("sensor"));
        mvc.perform(get("/actuator/syn/devices/groups/tenant-9")).andExpect(status().isNotFound());
        mvc.perform(get("/actuator/syn/devices/other")).andExpect(status().isNotFound());
    }

    @Test
    void endpointIsReadOnly() throws Exception {
        mvc.perform(post("/actuator/syn")).andExpect(result -> assertThat(result.getResponse().getStatus())
                .isIn(404, 405));
    }

    @Test
    void healthIsUpWithDetails() throws Exception {
        mvc.perform(get("/actuator/health/syn")).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.details.node").value(syn.node().toString()))
                .andExpect(jsonPath("$.details.clusterSize").value(1))
                .andExpect(jsonPath("$.details.scopes.devices.names").value(6));
        mvc.perform(get("/actuator/health")).andExpect(status().isOk())
                .andExpect(jsonPath("$.components.syn.status").value("UP"));
    }

    @Test
    void theWholeStarterSurfaceIsThere(@Autowired MeterRegistry meters, @Autowired DiscoveryClient discovery) {
        assertThat(meters.get("syn.names").tag("scope", "devices").gauge().value()).isEqualTo(6.0);
        assertThat(discovery.getInstances("syn")).singleElement()
                .satisfies(instance -> assertThat(instance.getMetadata()).containsEntry("syn-names.devices", "6"));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
