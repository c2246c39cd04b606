package io.synspring.sample.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One sample-app node: the packaged jar ({@code sample.jar}, made by {@code spring-boot:repackage}) running in
 * its own JVM on 127.0.0.1, its output in {@code target/e2e-logs/{name}.log}. Every JVM started here is killed
 * when the test JVM exits, even when a test failed or was interrupted.
 */
public final class SampleNode implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-sample-nodes"));
    }

    private final String name;
    private final int httpPort;
    private final int clusterPort;
    private final List<String> properties;
    private final Path log;
    private volatile Process process;

    private SampleNode(String name, int httpPort, int clusterPort, List<String> properties) {
        this.name = name;
        this.httpPort = httpPort;
        this.clusterPort = clusterPort;
        this.properties = List.copyOf(properties);
        this.log = Paths.get(System.getProperty("sample.logs", "target/e2e-logs")).resolve(name + ".log");
    }

    /**
     * Starts node {@code name} of cluster {@code clusterName} with the given ports and member list, and
     * fast failure detection (heartbeat 1 s, failure timeout 5 s).
     */
    public static SampleNode start(String name, int httpPort, int clusterPort, String clusterName, String members) {
        List<String> properties = List.of(
                "--server.address=127.0.0.1",
                "--server.port=" + httpPort,
                "--syn.node-name=" + name,
                "--syn.cluster.name=" + clusterName,
                "--syn.cluster.interface=127.0.0.1",
                "--syn.cluster.port=" + clusterPort,
                "--syn.cluster.members=" + members,
                "--syn.cluster.heartbeat-interval=1s",
                "--syn.cluster.failure-timeout=" + SampleCluster.FAILURE_TIMEOUT.toSeconds() + "s",
                "--syn.cluster.merge-interval=2s",
                "--sample.devices.key=" + DeviceClient.KEY,
                "--spring.main.banner-mode=off");
        SampleNode node = new SampleNode(name, httpPort, clusterPort, properties);
        node.launch();
        return node;
    }

    /** The executable jar under test. */
    static Path jar() {
        String configured = System.getProperty("sample.jar");
        Path jar = configured != null ? Paths.get(configured) : null;
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("The sample-app jar " + jar + " is missing: these tests run in Maven's "
                    + "integration-test phase after spring-boot:repackage (./mvnw -pl sample-app -am verify)");
        }
        return jar;
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // small, quick-starting JVMs: three of them share two cores with the build
        command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                "-Djava.net.preferIPv4Stack=true", "-jar", jar().toString()));
        command.addAll(properties);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + String.join(" ", command) + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process started = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            RUNNING.add(started);
            process = started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public int clusterPort() {
        return clusterPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public Path log() {
        return log;
    }

    /** {@code kill -9}: the JVM gets no chance to leave the cluster. */
    public void kill() {
        Process running = process;
        running.destroyForcibly();
        try {
            running.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(running);
    }

    /** Starts the node again: same name, ports and members (a new incarnation). */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    /** The end of the node's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return name + " (http " + httpPort + ", cluster " + clusterPort + ", log " + log.toAbsolutePath() + ")";
    }
}
