package io.synspring.sample.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tiny JSON-over-HTTP client for driving a node like a user with curl would. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** A response: its status, its body as JSON (a text node when the body is not JSON) and its headers. */
    public record Response(int status, JsonNode body, String text, HttpHeaders headers) {}

    /** A GET, with headers given as name, value, name, value... */
    public static Response get(URI uri, String... headers) {
        return send(headers(HttpRequest.newBuilder(uri), headers).GET());
    }

    /** A POST of a JSON body, with headers given as name, value, name, value... */
    public static Response post(URI uri, String jsonBody, String... headers) {
        return send(headers(HttpRequest.newBuilder(uri), headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    public static Response delete(URI uri) {
        return send(HttpRequest.newBuilder(uri).DELETE());
    }

    private static HttpRequest.Builder headers(HttpRequest.Builder request, String... headers) {
        return headers.length == 0 ? request : request.headers(headers);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (RuntimeException notJson) {
                body = JSON.getNodeFactory().stringNode(response.body());
            }
            return new Response(response.statusCode(), body, response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
