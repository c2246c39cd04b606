package io.synspring.sample.device;

import io.synspring.process.SynProcess;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Devices connect at {@code /ws/devices/{id}?tenant={t}} with their token, checked first ({@link DeviceHandshake}).
 * Each connection starts a Syn process on this node, registered under the device id and joined to group
 * {@code tenant:{t}}; closing the socket ends the process, and its names and membership vanish cluster-wide. A
 * device id already connected (anywhere in the cluster) is refused: the new socket is closed with code 4009 and a
 * reason naming the node that holds it. When the node shuts down, its devices' sockets are closed first with 1001
 * (going away), so that they reconnect elsewhere.
 */
@Component
public class DeviceSocketHandler extends TextWebSocketHandler implements SmartLifecycle {

    /** Where devices connect: {@code /ws/devices/{id}}. */
    public static final String PATH = "/ws/devices/";

    /**
     * The largest frame a device may send, in characters: a larger one closes its socket with 1009 (message too
     * big). Above the WebSocket container's 8 KB default, so a pong may carry a device's status.
     */
    public static final int MAX_FRAME_CHARACTERS = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DeviceSocketHandler.class);
    private static final String CONNECTION = DeviceConnection.class.getName();

    private final DeviceGateway gateway;
    private final Set<DeviceConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public DeviceSocketHandler(DeviceGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession raw) {
        String id;
        String tenant;
        try {
            // the id whose token the handshake checked
            id = DeviceGateway.checkDeviceId((String) raw.getAttributes().get(DeviceHandshake.DEVICE_ID));
            URI uri = raw.getUri();
            String query = uri == null ? null : queryParameter(uri, "tenant");
            tenant = DeviceGateway.checkTenant(query == null ? "default" : query);
        } catch (IllegalArgumentException invalid) {
            closeQuietly(raw, CloseStatus.POLICY_VIOLATION.withReason(DeviceConnection.truncate(invalid.getMessage())));
            return;
        }
        // Writes come from the process's thread and from this one: the decorator serializes them.
        WebSocketSession session = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 1024 * 1024);
        DeviceConnection connection = new DeviceConnection(id, tenant, gateway.nodeName(), session, gateway.json());
        raw.getAttributes().put(CONNECTION, connection);
        SynProcess process = gateway.syn().spawn(connection);
        connection.started(process);
        DeviceGateway.Attached attached;
        try {
            attached = gateway.attach(id, tenant, DeviceGateway.WEBSOCKET, process);
        } catch (IllegalArgumentException invalid) {
            connection.end(CloseStatus.POLICY_VIOLATION.withReason(DeviceConnection.truncate(invalid.getMessage())));
            return;
        }
        if (!attached.ok()) {
            connection.end(new CloseStatus(DeviceConnection.ALREADY_CONNECTED, DeviceConnection.truncate(
                    "device " + id + " is already connected" + attached.holderNode().map(n -> " to " + n).orElse(""))));
            return;
        }
        connections.add(connection);
        if (!raw.isOpen() || !running) {
            connections.remove(connection);
            connection.end(CloseStatus.GOING_AWAY.withReason("gateway node shutting down"));
            return;
        }
        log.debug("device {} of tenant {} connected as {}", id, tenant, process.ref());
        connection.sendWelcome(process.ref().toString());
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        DeviceConnection connection = (DeviceConnection) session.getAttributes().get(CONNECTION);
        if (connection != null) {
            connection.received(message.getPayload());
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        DeviceConnection connection = (DeviceConnection) session.getAttributes().get(CONNECTION);
        if (connection != null && connection.process() != null) {
            connections.remove(connection);
            log.debug("device {} disconnected: {}", connection.id(), status);
            connection.process().stop();
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("transport error on device socket {}: {}", session.getId(), exception.toString());
        closeQuietly(session, CloseStatus.SERVER_ERROR);
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Before the web server stops (a higher phase stops first): every device's socket is closed with 1001 and its
     * process ends with reason SHUTDOWN, so the other nodes drop the device at once and it can reconnect there.
     */
    @Override
    public void stop() {
        running = false;
        for (DeviceConnection connection : connections) {
            connection.shutdown();
        }
        connections.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    static String deviceId(URI uri) {
        String path = uri == null ? null : uri.getRawPath();
        int at = path == null ? -1 : path.lastIndexOf(PATH);
        if (at < 0 || at + PATH.length() >= path.length()) {
            throw new IllegalArgumentException("connect at " + PATH + "{id}?tenant={tenant}");
        }
        return DeviceGateway.checkDeviceId(decode(path.substring(at + PATH.length())));
    }

    /** The decoded value of query parameter {@code name}, or null. */
    static @Nullable String queryParameter(URI uri, String name) {
        String raw = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst(name);
        return raw == null ? null : decode(raw);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void closeQuietly(WebSocketSession session, CloseStatus status) {
        try {
            session.close(status);
        } catch (Exception e) {
            log.debug("could not close device socket {}: {}", session.getId(), e.toString());
        }
    }
}
