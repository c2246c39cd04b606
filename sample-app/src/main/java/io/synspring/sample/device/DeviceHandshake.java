package io.synspring.sample.device;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Checks a device's token before its WebSocket is accepted, so that nobody connects under another device's id.
 * The token ({@link DeviceTokens}) comes in the {@code Authorization: Bearer <token>} header, which device
 * clients can set and which stays out of URLs (and so out of proxies' and servers' access logs), or else in the
 * {@code token} query parameter, for browsers, whose WebSocket API cannot set headers. A missing or wrong token
 * is refused with HTTP 401 and {@code WWW-Authenticate: Bearer realm="devices"} (with
 * {@code error="invalid_token"} when wrong): no socket is opened, no process started, no name registered.
 * The id checked is the one the handler registers ({@link #DEVICE_ID}).
 */
final class DeviceHandshake implements HandshakeInterceptor {

    /** The session attribute holding the device id whose token was checked. */
    static final String DEVICE_ID = DeviceHandshake.class.getName() + ".id";

    private static final Logger log = LoggerFactory.getLogger(DeviceHandshake.class);
    private static final String BEARER = "Bearer ";

    private final DeviceTokens tokens;

    DeviceHandshake(DeviceTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        URI uri = request.getURI();
        String id;
        try {
            id = DeviceSocketHandler.deviceId(uri);
        } catch (IllegalArgumentException invalid) {
            return refuse(response, HttpStatus.BAD_REQUEST, null, invalid.getMessage());
        }
        String token = token(request);
        if (token == null || token.isEmpty()) {
            log.info("refused a device at {} from {}: no token", uri.getRawPath(), request.getRemoteAddress());
            return refuse(response, HttpStatus.UNAUTHORIZED, "Bearer realm=\"devices\"",
                    "a device token is required: header 'Authorization: Bearer <token>' or query parameter token");
        }
        if (!tokens.matches(id, token)) {
            log.info("refused a device at {} from {}: wrong token", uri.getRawPath(), request.getRemoteAddress());
            return refuse(response, HttpStatus.UNAUTHORIZED, "Bearer realm=\"devices\", error=\"invalid_token\"",
                    "this token is not the device's");
        }
        attributes.put(DEVICE_ID, id);
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            @Nullable Exception exception) {
        // nothing to do
    }

    /** The bearer token of the Authorization header; without that header, the token query parameter. */
    private static @Nullable String token(ServerHttpRequest request) {
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return DeviceSocketHandler.queryParameter(request.getURI(), "token");
        }
        boolean bearer = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        return bearer ? authorization.substring(BEARER.length()).trim() : null;
    }

    private static boolean refuse(ServerHttpResponse response, HttpStatus status, @Nullable String challenge,
            String text) {
        response.setStatusCode(status);
        if (challenge != null) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        try {
            response.getBody().write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException gone) {
            log.debug("could not answer a refused device: {}", gone.toString());
        }
        return false;
    }
}
