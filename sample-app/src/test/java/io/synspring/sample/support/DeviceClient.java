package io.synspring.sample.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A device: a real WebSocket client connected at {@code /ws/devices/{id}?tenant={t}}. It records every frame it
 * receives and, unless told not to, answers each {@code ping} with a {@code pong} carrying its own id.
 */
public final class DeviceClient implements AutoCloseable {

    /** How the server closed the socket. */
    public record Closed(int code, String reason) {}

    private final String id;
    private final boolean answersPings;
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private DeviceClient(String id, boolean answersPings, URI uri) {
        this.id = id;
        this.answersPings = answersPings;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Connects device {@code id} of {@code tenant} to the node whose HTTP port is {@code port}. */
    public static DeviceClient connect(int port, String id, String tenant) {
        return connect(port, id, tenant, true);
    }

    public static DeviceClient connect(int port, String id, String tenant, boolean answersPings) {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws/devices/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                + "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
        return new DeviceClient(id, answersPings, uri);
    }

    public String id() {
        return id;
    }

    /** Every frame received so far, in order. */
    public List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    /** The frames of {@code type} received so far. */
    public List<JsonNode> frames(String type) {
        return frames.stream().filter(frame -> type.equals(frame.path("type").asString(""))).toList();
    }

    public boolean received(Predicate<JsonNode> frame) {
        return frames.stream().anyMatch(frame);
    }

    /** Completes when the server closes the socket (or it breaks: code 1006). */
    public CompletableFuture<Closed> closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).join();
            } catch (RuntimeException alreadyGone) {
                socket.abort();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode frame = Http.JSON.readTree(partial.toString());
                partial.setLength(0);
                frames.add(frame);
                if (answersPings && "ping".equals(frame.path("type").asString(""))) {
                    ObjectNode pong = Http.JSON.createObjectNode();
                    pong.put("type", "pong");
                    pong.put("id", frame.path("id").asString());
                    pong.put("device", id);
                    webSocket.sendText(Http.JSON.writeValueAsString(pong), true);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }
}
