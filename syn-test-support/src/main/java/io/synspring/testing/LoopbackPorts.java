package io.synspring.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for test members on 127.0.0.1, free when handed out and never the same twice in a JVM.
 *
 * <p>They come from below the kernel's ephemeral range, not from {@code new ServerSocket(0)}: a port reserved
 * that way is free again until the member binds it, and in between any outgoing connection (a member already
 * started, dialling the ports on its list) can be given it as its local port. A test then fails with "port
 * already in use". Ports outside the ephemeral range are never handed to outgoing connections.
 */
public final class LoopbackPorts {

    private static final int LOWEST = 10_000;
    private static final int BELOW = ephemeralRangeStart();
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(BELOW - LOWEST));

    private LoopbackPorts() {}

    /** A port nothing listens on right now, not handed out before by this JVM. */
    public static int free() {
        for (int tries = 0; tries < BELOW - LOWEST; tries++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), BELOW - LOWEST);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // in use: try the next one
            }
        }
        throw new UncheckedIOException(new IOException("no free port between " + LOWEST + " and " + BELOW));
    }

    /** The first port Linux gives to outgoing connections (32768 where that is not known). */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }
}
