package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network.Ipam;
import io.synspring.sample.support.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import tools.jackson.databind.JsonNode;

/**
 * The firewall recipe of {@code docs/security.md} ({@code docs/syn-firewall.sh}), tested both ways on real
 * hosts: two sample-app nodes and an outsider, a third sample-app process with the right cluster name and a
 * node's address, in Docker containers on one network. Without the recipe the outsider joins and reaches the
 * links' port; with it on both nodes it is dropped, stays out and reaches neither port; with the inbound half
 * alone it is back, because the nodes dial out to a member they once knew.
 *
 * <p>Runs where Docker runs and grants containers NET_ADMIN, on an image with iptables ({@code $SYN_JRE_IMAGE},
 * built by {@code .ci/build-jre-image.sh}); otherwise skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerFirewallIT {

    private static final String IMAGE = System.getenv().getOrDefault("SYN_JRE_IMAGE", "eclipse-temurin:17-jre");
    private static final String CLUSTER = "syn-firewall-" + UUID.randomUUID();
    private static final String SUBNET = "10.214." + (100 + ThreadLocalRandom.current().nextInt(100));
    private static final String PORTS = "5701,5801";
    private static final String[] NAMES = {"node-1", "node-2", "outsider"};

    private static Network clusterNetwork;
    private static final List<GenericContainer<?>> hosts = new ArrayList<>();

    @BeforeAll
    static void startHosts() {
        clusterNetwork = Network.builder().createNetworkCmdModifier(cmd -> cmd.withIpam(
                new Ipam().withConfig(new Ipam.Config().withSubnet(SUBNET + ".0/24")))).build();
        Path jar = Path.of(System.getProperty("sample.jar"));
        Path recipe = Path.of(System.getProperty("firewall.recipe", "../docs/syn-firewall.sh"));
        for (int i = 0; i < NAMES.length; i++) {
            String name = NAMES[i];
            // the outsider knows one node's address; the nodes list each other only
            String members = name.equals("outsider") ? "node-1:5701" : "node-1:5701,node-2:5701";
            Host host = new Host(name, address(i));
            host.withImagePullPolicy(image -> !IMAGE.startsWith("syn-jre"))
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN))
                    .withCopyFileToContainer(MountableFile.forHostPath(jar), "/app/app.jar")
                    .withCopyFileToContainer(MountableFile.forHostPath(recipe, 0755), "/app/syn-firewall.sh")
                    .withExposedPorts(8080)
                    .waitingFor(Wait.forHttp("/api/cluster").forPort(8080).withStartupTimeout(Duration.ofMinutes(3)))
                    .withLogConsumer(logFile(name))
                    .withCommand("java", "-Xmx256m", "-Djava.net.preferIPv4Stack=true", "-jar", "/app/app.jar",
                            "--server.port=8080",
                            "--syn.node-name=" + name,
                            "--syn.cluster.name=" + CLUSTER,
                            "--syn.cluster.port=5701",
                            "--syn.transport.port=5801",
                            "--syn.cluster.interface=" + SUBNET + ".*",
                            "--syn.cluster.members=" + members,
                            "--syn.cluster.heartbeat-interval=1s",
                            "--syn.cluster.failure-timeout=5s",
                            "--syn.cluster.merge-interval=3s");
            hosts.add(host);
        }
        Startables.deepStart(hosts).join();
    }

    @AfterAll
    static void stopHosts() {
        hosts.forEach(GenericContainer::stop);
        if (clusterNetwork != null) {
            clusterNetwork.close();
        }
    }

    @Test
    void theRecipeKeepsAnOutsiderOutOnlyWithItsInboundAndOutboundRules() {
        assumeTrue(run(0, false, "iptables", "-S").getExitCode() == 0,
                "the image has no iptables, or Docker does not grant NET_ADMIN: " + IMAGE);
        Set<String> all = Set.of("node-1", "node-2", "outsider");
        Set<String> nodes = Set.of("node-1", "node-2");

        await("without the recipe, the outsider joins").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> visibleNodes(0).equals(all) && visibleNodes(1).equals(all));
        assertThat(reaches(2, 0, 5801)).as("the outsider reaches node-1's links").isTrue();

        for (int node = 0; node < 2; node++) {
            run(node, "/app/syn-firewall.sh", PORTS, address(0), address(1));
        }
        await("with the recipe, the outsider is dropped").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> visibleNodes(0).equals(nodes) && visibleNodes(1).equals(nodes));
        // the outsider keeps trying to merge every 3 s, and the nodes know its address
        await("and stays out").during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> visibleNodes(0).equals(nodes) && visibleNodes(1).equals(nodes));
        assertThat(reaches(2, 0, 5801)).as("the outsider reaches node-1's links").isFalse();
        assertThat(reaches(2, 0, 5701)).as("the outsider reaches node-1's Hazelcast port").isFalse();
        assertThat(reaches(1, 0, 5801)).as("node-2 reaches node-1's links").isTrue();

        for (int node = 0; node < 2; node++) {
            run(node, "iptables", "-D", "OUTPUT", "-p", "tcp", "-m", "multiport", "--dports", PORTS, "-j", "SYN-OUT");
        }
        await("with the inbound rules alone, the outsider is back").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> visibleNodes(0).equals(all) && visibleNodes(1).equals(all));
    }

    private static String address(int host) {
        return SUBNET + "." + (11 + host);
    }

    /** Whether host {@code from} can open a TCP connection to {@code port} of host {@code to} within 3 s. */
    private static boolean reaches(int from, int to, int port) {
        return run(from, false, "timeout", "3", "bash", "-c", "</dev/tcp/" + address(to) + "/" + port)
                .getExitCode() == 0;
    }

    private static void run(int host, String... command) {
        run(host, true, command);
    }

    private static ExecResult run(int host, boolean mustSucceed, String... command) {
        try {
            ExecResult result = hosts.get(host).execInContainer(command);
            if (mustSucceed && result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed on " + NAMES[host] + ": "
                        + result.getStderr());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> visibleNodes(int host) {
        try {
            JsonNode cluster = Http.get(uri(host, "/api/cluster")).body();
            Set<String> names = new HashSet<>();
            cluster.path("nodes").forEach(n -> names.add(n.isObject() ? n.path("name").asString() : n.asString()));
            return names;
        } catch (RuntimeException notUpYet) {
            return Set.of();
        }
    }

    /** The host's HTTP API on Docker's default bridge, which the test's host is attached to. */
    private static URI uri(int host, String path) {
        String address = hosts.get(host).getContainerInfo().getNetworkSettings().getNetworks().get("bridge")
                .getIpAddress();
        return URI.create("http://" + address + ":8080" + path);
    }

    /** Writes a container's output to {@code docker-firewall-<name>.log} in the logs folder, for diagnosis. */
    private static Consumer<OutputFrame> logFile(String name) {
        Path file = Path.of(System.getProperty("sample.logs", "target"), "docker-firewall-" + name + ".log");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame -> {
            try {
                Files.writeString(file, frame.getUtf8String(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // diagnosis only
            }
        };
    }

    /** A host; once created it is also attached to the cluster network, at a fixed address, under its name. */
    private static final class Host extends GenericContainer<Host> {
        private final String name;
        private final String address;

        Host(String name, String address) {
            super(DockerImageName.parse(IMAGE));
            this.name = name;
            this.address = address;
        }

        @Override
        protected void containerIsCreated(String containerId) {
            docker().connectToNetworkCmd().withNetworkId(clusterNetwork.getId()).withContainerId(containerId)
                    .withContainerNetwork(new ContainerNetwork().withAliases(name)
                            .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(address)))
                    .exec();
        }
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
