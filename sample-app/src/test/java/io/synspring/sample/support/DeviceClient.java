package io.synspring.sample.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A device: a real WebSocket client connected at {@code /ws/devices/{id}?tenant={t}} with its token in an
 * {@code Authorization: Bearer} header. It records every frame it receives and, unless told not to, answers each
 * {@code ping} with a {@code pong} carrying its own id.
 */
public final class DeviceClient implements AutoCloseable {

    /** The device key ({@code sample.devices.key}) every gateway under test is started with. */
    public static final String KEY = "sample-app-tests-device-key-0123456789";

    /** How the server closed the socket. */
    public record Closed(int code, String reason) {}

    /** The gateway refused the handshake: no socket was opened. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String challenge;

        Refused(int status, String challenge) {
            super("handshake refused with HTTP " + status + " " + challenge);
            this.status = status;
            this.challenge = challenge;
        }

        public int status() {
            return status;
        }

        /** The {@code WWW-Authenticate} header ("" without one). */
        public String challenge() {
            return challenge;
        }
    }

    private final String id;
    private final boolean answersPings;
    private volatile int pongPadding;
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private DeviceClient(String id, boolean answersPings, URI uri, Map<String, String> headers) {
        this.id = id;
        this.answersPings = answersPings;
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        try {
            this.socket = builder.buildAsync(uri, new Listener()).orTimeout(20, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new Refused(refused.getResponse().statusCode(),
                        refused.getResponse().headers().firstValue("WWW-Authenticate").orElse(""));
            }
            throw e;
        }
    }

    /** Connects device {@code id} of {@code tenant}, with its token, to the node whose HTTP port is {@code port}. */
    public static DeviceClient connect(int port, String id, String tenant) {
        return connect(port, id, tenant, true);
    }

    public static DeviceClient connect(int port, String id, String tenant, boolean answersPings) {
        return open(uri(port, id, "tenant=" + encode(tenant)), id, answersPings,
                Map.of("Authorization", "Bearer " + token(KEY, id)));
    }

    /**
     * Connects device {@code id} at {@code uri} with exactly these headers.
     *
     * @throws Refused when the gateway answers the handshake with an HTTP status instead of a socket
     */
    public static DeviceClient open(URI uri, String id, boolean answersPings, Map<String, String> headers) {
        return new DeviceClient(id, answersPings, uri, headers);
    }

    /** {@code ws://127.0.0.1:port/ws/devices/{id}?query}. */
    public static URI uri(int port, String id, String query) {
        return URI.create("ws://127.0.0.1:" + port + "/ws/devices/" + encode(id) + "?" + query);
    }

    /** A device's token as the README defines it: HMAC-SHA256 of the id under the key, base64url, unpadded. */
    public static String token(String key, String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    public String id() {
        return id;
    }

    /** From now on, pads every pong with a field of {@code characters} characters (a large frame). */
    public void padPongs(int characters) {
        pongPadding = characters;
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
                    if (pongPadding > 0) {
                        pong.put("pad", "x".repeat(pongPadding));
                    }
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
