package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.synspring.sample.support.Http;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import tools.jackson.databind.JsonNode;

/**
 * Three sample-app nodes on separate hosts: Docker containers on a Docker network, split apart with
 * {@code docker network disconnect} and healed with {@code connect}, checked through the HTTP API like an
 * operator would. Each container has two networks: the cluster network, which Hazelcast is bound to and
 * which the test cuts, and Docker's default bridge, through which the test (on the host) reaches its HTTP
 * API. Containers talk only among themselves and to the host.
 *
 * <p>Runs where Docker runs; otherwise skipped. The image is {@code $SYN_JRE_IMAGE} (CI builds a local one,
 * since no registry is reachable there) or a public JRE image.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerNetSplitIT {

    private static final String IMAGE = System.getenv().getOrDefault("SYN_JRE_IMAGE", "eclipse-temurin:17-jre");
    private static final int NODES = 3;
    private static final String CLUSTER = "syn-docker-" + UUID.randomUUID();
    private static final int SUBNET = 100 + ThreadLocalRandom.current().nextInt(100);

    private static Network clusterNetwork;
    private static final List<GenericContainer<?>> nodes = new ArrayList<>();

    @BeforeAll
    static void startNodes() {
        clusterNetwork = Network.builder().createNetworkCmdModifier(cmd -> cmd.withIpam(
                new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                        new com.github.dockerjava.api.model.Network.Ipam.Config()
                                .withSubnet("10.213." + SUBNET + ".0/24"))))
                .build();
        Path jar = Path.of(System.getProperty("sample.jar"));
        String members = IntStream.rangeClosed(1, NODES).mapToObj(i -> "node-" + i + ":5701")
                .collect(Collectors.joining(","));
        for (int i = 1; i <= NODES; i++) {
            String name = "node-" + i;
            NodeContainer node = new NodeContainer(name);
            node.withImagePullPolicy(image -> !IMAGE.startsWith("syn-jre"))
                    .withCopyFileToContainer(MountableFile.forHostPath(jar), "/app/app.jar")
                    .withExposedPorts(8080)
                    .waitingFor(Wait.forHttp("/api/cluster").forPort(8080).withStartupTimeout(Duration.ofMinutes(3)))
                    .withLogConsumer(logFile(name))
                    .withCommand("java", "-Xmx256m", "-Djava.net.preferIPv4Stack=true", "-jar", "/app/app.jar",
                            "--server.port=8080",
                            "--syn.node-name=" + name,
                            "--syn.cluster.name=" + CLUSTER,
                            "--syn.cluster.port=5701",
                            "--syn.cluster.interface=10.213." + SUBNET + ".*",
                            "--syn.cluster.members=" + members,
                            "--syn.cluster.heartbeat-interval=1s",
                            "--syn.cluster.failure-timeout=5s",
                            "--syn.cluster.merge-interval=3s");
            nodes.add(node);
        }
        Startables.deepStart(nodes).join();
        await("three nodes forming one cluster").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> IntStream.rangeClosed(1, NODES).allMatch(i -> visibleNodes(i).size() == NODES));
    }

    @AfterAll
    static void stopNodes() {
        nodes.forEach(GenericContainer::stop);
        if (clusterNetwork != null) {
            clusterNetwork.close();
        }
    }

    @Test
    void aHostCutOffFromTheNetworkIsDroppedKeepsWorkingAndRejoinsWithOneHolderPerDevice() {
        assertThat(post(1, "/api/simulate?count=10&prefix=a&tenant=t").status()).isEqualTo(200);
        assertThat(post(3, "/api/simulate?count=10&prefix=b&tenant=t").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> allNodes(i -> devices(i) == 20));
        assertThat(get(2, "/api/devices/a3").body().path("node").asString()).isEqualTo("node-1");

        disconnect(1);

        await("node-1 alone, node-2 and node-3 together").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(visibleNodes(1)).containsExactly("node-1");
            assertThat(visibleNodes(2)).containsExactlyInAnyOrder("node-2", "node-3");
            assertThat(visibleNodes(3)).containsExactlyInAnyOrder("node-2", "node-3");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> devices(1) == 10 && devices(2) == 10 && devices(3) == 10);
        assertThat(get(2, "/api/devices/a3").status()).isEqualTo(404);
        assertThat(get(1, "/api/devices/b3").status()).isEqualTo(404);
        // both sides keep working, and the same device connects on both
        assertThat(post(1, "/api/simulate?count=1&prefix=dup&tenant=t").status()).isEqualTo(200);
        assertThat(post(3, "/api/simulate?count=1&prefix=dup&tenant=t").status()).isEqualTo(200);
        assertThat(get(1, "/api/devices/dup0").body().path("node").asString()).isEqualTo("node-1");
        assertThat(get(2, "/api/devices/dup0").body().path("node").asString()).isEqualTo("node-3");

        reconnect(1);

        await("the split healed").atMost(Duration.ofSeconds(90))
                .until(() -> allNodes(i -> visibleNodes(i).size() == NODES));
        // the loser of dup0 gives up its name at once and leaves the tenant's group when its process has
        // stopped, which is a moment later: wait for both
        await("every node holds every device once, in the registry and in the tenant's group")
                .atMost(Duration.ofSeconds(30)).until(() -> allNodes(i -> devices(i) == 21 && tenantMembers(i) == 21));
        Set<String> holders = new HashSet<>();
        for (int i = 1; i <= NODES; i++) {
            holders.add(get(i, "/api/devices/dup0").body().path("node").asString());
        }
        assertThat(holders).as("one holder of dup0, the same on every node").hasSize(1);
        JsonNode broadcast = Http.post(uri(2, "/api/tenants/t/broadcast"), "{\"alert\":\"after the heal\"}").body();
        assertThat(broadcast.path("recipients").asInt()).isEqualTo(21);
    }

    /** Writes a container's output to {@code target/docker-logs/<node>.log}, for diagnosis. */
    private static java.util.function.Consumer<org.testcontainers.containers.output.OutputFrame> logFile(String name) {
        Path file = Path.of(System.getProperty("sample.logs", "target"), "docker-" + name + ".log");
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return frame -> {
            try {
                java.nio.file.Files.writeString(file, frame.getUtf8String(), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException ignored) {
                // diagnosis only
            }
        };
    }

    private static boolean allNodes(java.util.function.IntPredicate check) {
        return IntStream.rangeClosed(1, NODES).allMatch(check);
    }

    private static Set<String> visibleNodes(int node) {
        try {
            JsonNode cluster = get(node, "/api/cluster").body();
            Set<String> names = new HashSet<>();
            cluster.path("nodes").forEach(n -> names.add(n.isObject() ? n.path("name").asString() : n.asString()));
            return names;
        } catch (RuntimeException notUpYet) {
            return Set.of();
        }
    }

    private static int devices(int node) {
        return get(node, "/api/cluster").body().path("devices").asInt();
    }

    private static int tenantMembers(int node) {
        return get(node, "/actuator/syn/devices/groups/tenant:t").body().path("total").asInt();
    }

    private static Http.Response get(int node, String path) {
        return Http.get(uri(node, path));
    }

    private static Http.Response post(int node, String path) {
        return Http.post(uri(node, path), "{}");
    }

    /**
     * The node's HTTP API at its address on Docker's default bridge, which the host is attached to. Not
     * through the published port: once a container's other network is disconnected, Docker may leave its
     * default route pointing at the network that is gone, which breaks replies through the port mapping but
     * not to the host on the bridge's own subnet.
     */
    private static URI uri(int node, String path) {
        String address = nodes.get(node - 1).getContainerInfo().getNetworkSettings().getNetworks().get("bridge")
                .getIpAddress();
        return URI.create("http://" + address + ":8080" + path);
    }

    private static void disconnect(int node) {
        docker().disconnectFromNetworkCmd().withNetworkId(clusterNetwork.getId())
                .withContainerId(nodes.get(node - 1).getContainerId()).exec();
    }

    private static void reconnect(int node) {
        docker().connectToNetworkCmd().withNetworkId(clusterNetwork.getId())
                .withContainerId(nodes.get(node - 1).getContainerId())
                .withContainerNetwork(new ContainerNetwork().withAliases("node-" + node)).exec();
    }

    /** A sample-app node; once created it is also attached to the cluster network, under its node name. */
    private static final class NodeContainer extends GenericContainer<NodeContainer> {
        private final String name;

        NodeContainer(String name) {
            super(DockerImageName.parse(IMAGE));
            this.name = name;
        }

        @Override
        protected void containerIsCreated(String containerId) {
            docker().connectToNetworkCmd().withNetworkId(clusterNetwork.getId()).withContainerId(containerId)
                    .withContainerNetwork(new ContainerNetwork().withAliases(name)).exec();
        }
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
