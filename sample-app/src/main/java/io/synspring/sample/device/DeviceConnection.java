package io.synspring.sample.device;

import io.synspring.process.ExitReason;
import io.synspring.process.MessageContext;
import io.synspring.process.MessageHandler;
import io.synspring.process.SynProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One device's WebSocket connection, and the behaviour of its Syn process: messages sent to the process (from
 * any node) are written to the socket as JSON frames; a ping is written as a {@code ping} frame and answered
 * with the device's {@code pong} frame; when the process ends the socket is closed, with a close reason that
 * says why (conflict resolution, shutdown, ...).
 *
 * <p>Frames to the device: {@code welcome}, {@code command}, {@code broadcast}, {@code ping} (each a JSON object
 * with a {@code type}). Frames from the device: {@code {"type":"pong","id":<ping id>, ...}} answers a ping; any
 * other frame is ignored.
 */
final class DeviceConnection implements MessageHandler {

    /** Close code when conflict resolution stopped the process (another connection of the device won). */
    static final int CONFLICT = 4001;
    /** Close code when the device id is already connected, here or on another node. */
    static final int ALREADY_CONNECTED = 4009;
    /** Close code when the process ended for another reason (killed, crashed). */
    static final int PROCESS_ENDED = 4010;

    private static final Logger log = LoggerFactory.getLogger(DeviceConnection.class);
    /** Pings a device has not answered are forgotten after this long (the multi-call has timed out by then). */
    private static final long PING_RETENTION_MILLIS = 60_000;

    private final String id;
    private final String tenant;
    private final String node;
    private final WebSocketSession session;
    private final ObjectMapper json;
    private final Map<String, PendingPing> pendingPings = new ConcurrentHashMap<>();
    private volatile @Nullable SynProcess process;
    private volatile @Nullable CloseStatus closeStatus;

    private record PendingPing(MessageContext call, long since) {}

    DeviceConnection(String id, String tenant, String node, WebSocketSession session, ObjectMapper json) {
        this.id = id;
        this.tenant = tenant;
        this.node = node;
        this.session = session;
        this.json = json;
    }

    String id() {
        return id;
    }

    String tenant() {
        return tenant;
    }

    void started(SynProcess process) {
        this.process = process;
        process.onExit(this::processExited);
    }

    @Nullable SynProcess process() {
        return process;
    }

    /** Ends the process (and so the connection's names) closing the socket with {@code status}. */
    void end(CloseStatus status) {
        closeStatus = status;
        SynProcess running = process;
        if (running != null) {
            running.stop();
        } else {
            close(status);
        }
    }

    /** The node is shutting down: closes the socket now (1001), then ends the process with SHUTDOWN. */
    void shutdown() {
        CloseStatus status = CloseStatus.GOING_AWAY.withReason("gateway node shutting down");
        closeStatus = status;
        close(status);
        SynProcess running = process;
        if (running != null) {
            running.exit(ExitReason.SHUTDOWN);
        }
    }

    @Override
    public void handle(Object message, MessageContext context) {
        ObjectNode frame = json.createObjectNode();
        if (message instanceof DeviceMessage.Command command) {
            log.debug("device {} gets a command from node {}", id, command.from());
            frame.put("type", "command");
            frame.put("from", command.from());
            frame.set("body", parse(command.body()));
        } else if (message instanceof DeviceMessage.Broadcast broadcast) {
            frame.put("type", "broadcast");
            frame.put("tenant", broadcast.tenant());
            frame.put("from", broadcast.from());
            frame.set("body", parse(broadcast.body()));
        } else if (message instanceof DeviceMessage.Ping ping) {
            if (context.isCall()) {
                forgetOldPings();
                pendingPings.put(ping.id(), new PendingPing(context, System.currentTimeMillis()));
            }
            frame.put("type", "ping");
            frame.put("id", ping.id());
            frame.put("from", ping.from());
        } else {
            frame.put("type", "message");
            frame.put("body", String.valueOf(message));
        }
        send(frame);
    }

    /** A text frame from the device. */
    void received(String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException e) {
            log.debug("device {} sent a frame that is not JSON: {}", id, e.getOriginalMessage());
            return;
        }
        if ("pong".equals(frame.path("type").asString(null)) && frame.hasNonNull("id")) {
            PendingPing ping = pendingPings.remove(frame.get("id").asString());
            if (ping != null) {
                ping.call().reply(text);
            }
        }
    }

    void sendWelcome(String process) {
        ObjectNode frame = json.createObjectNode();
        frame.put("type", "welcome");
        frame.put("id", id);
        frame.put("tenant", tenant);
        frame.put("node", node);
        frame.put("process", process);
        send(frame);
    }

    private void send(ObjectNode frame) {
        if (!session.isOpen()) {
            return;
        }
        try {
            session.sendMessage(new TextMessage(json.writeValueAsString(frame)));
        } catch (IOException | IllegalStateException e) {
            log.debug("could not write to device {}: {}", id, e.toString());
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            return json.getNodeFactory().stringNode(body);
        }
    }

    private void forgetOldPings() {
        long oldest = System.currentTimeMillis() - PING_RETENTION_MILLIS;
        for (Iterator<PendingPing> it = pendingPings.values().iterator(); it.hasNext();) {
            if (it.next().since() < oldest) {
                it.remove();
            }
        }
    }

    private void processExited(ExitReason reason) {
        pendingPings.clear();
        CloseStatus status = closeStatus;
        if (status == null) {
            status = closeStatusFor(reason, id);
        }
        close(status);
    }

    /** How the socket is closed when the device's process ends for {@code reason}. */
    static CloseStatus closeStatusFor(ExitReason reason, String id) {
        if (reason instanceof ExitReason.ConflictResolved) {
            return new CloseStatus(CONFLICT,
                    truncate("conflict resolution: device " + id + " is connected to another node"));
        }
        if (reason instanceof ExitReason.Shutdown) {
            return CloseStatus.GOING_AWAY.withReason("gateway node shutting down");
        }
        if (reason instanceof ExitReason.Normal) {
            return CloseStatus.NORMAL;
        }
        return new CloseStatus(PROCESS_ENDED, truncate("device process ended: " + reason));
    }

    private void close(CloseStatus status) {
        if (!session.isOpen()) {
            return;
        }
        try {
            session.close(status);
        } catch (IOException | IllegalStateException e) {
            log.debug("could not close the socket of device {}: {}", id, e.toString());
        }
    }

    /** A close reason is at most 123 bytes of UTF-8. */
    static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return reason;
        }
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > 120) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }
}
