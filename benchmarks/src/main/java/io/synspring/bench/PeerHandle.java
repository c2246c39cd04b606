package io.synspring.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of a peer JVM: launches it with the master's own java and class path, writes commands to
 * its standard input and reads its answers ({@code "@@ "} lines) from its standard output; its other output
 * lines are logged here. Its standard error goes to a log file.
 */
final class PeerHandle implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PeerHandle.class);

    private final String name;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final File log;
    private volatile String nodeId;

    private PeerHandle(String name, Process process, File log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "bench-reader-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static PeerHandle launch(String name, List<String> jvmOptions, List<String> args, File logDir) {
        return launch(name, PeerMain.class, jvmOptions, args, logDir);
    }

    /** Launches {@code main} (a peer speaking the same protocol as {@link PeerMain}) in a JVM of its own. */
    static PeerHandle launch(String name, Class<?> main, List<String> jvmOptions, List<String> args, File logDir) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        logDir.mkdirs();
        File log = new File(logDir, name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log);
        try {
            return new PeerHandle(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start peer " + name, e);
        }
    }

    String name() {
        return name;
    }

    /** The Syn node id, once the peer said it is ready. */
    String nodeId() {
        return nodeId;
    }

    Process process() {
        return process;
    }

    /** Waits until the peer's Syn node runs. */
    void awaitReady(long timeoutSeconds) {
        nodeId = await("ready", timeoutSeconds).split(" ")[1];
    }

    void send(String command) {
        try {
            commands.write(command);
            commands.write('\n');
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("peer " + name + " is gone (" + command + ")", e);
        }
    }

    /** Waits for the next answer, which must start with {@code word}; returns it without the prefix. */
    String await(String word, long timeoutSeconds) {
        String answer = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (answer == null && System.nanoTime() < deadline) {
                answer = answers.poll(100, TimeUnit.MILLISECONDS);
                if (answer == null && !process.isAlive()) {
                    answer = answers.poll(); // one may have come just before it exited
                    if (answer == null) {
                        throw new IllegalStateException("peer " + name + " exited (" + process.exitValue()
                                + ") instead of answering '" + word + "'; see " + log);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (answer == null) {
            throw new IllegalStateException("peer " + name + " did not answer '" + word + "' within " + timeoutSeconds
                    + " s (alive: " + process.isAlive() + "; see " + log + ")");
        }
        if (!answer.equals(word) && !answer.startsWith(word + " ")) {
            throw new IllegalStateException("peer " + name + " answered '" + abbreviate(answer) + "', expected '"
                    + word + "'");
        }
        return answer;
    }

    /** Sends {@code command} and waits for its answer. */
    String call(String command, String word, long timeoutSeconds) {
        send(command);
        return await(word, timeoutSeconds);
    }

    /** Kills the JVM at once: SIGKILL, as {@code kill -9}. */
    void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                call("exit", "bye", 30);
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                // fall through to the kill
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }

    private void readAnswers() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(PeerMain.PREFIX)) {
                    answers.add(line.substring(PeerMain.PREFIX.length()));
                } else {
                    logger.info("[{}] {}", name, line);
                }
            }
        } catch (IOException e) {
            // the peer is gone
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
