package io.synspring.sample.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A dashboard's event stream ({@code GET /api/events}, server-sent events) read the way the page's EventSource
 * reads it: every {@code event:}/{@code data:} pair is recorded.
 */
public final class EventStream implements AutoCloseable {

    /** One server-sent event. */
    public record Event(String name, JsonNode data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final InputStream body;
    private final Thread reader;

    private EventStream(InputStream body, String name) {
        this.body = body;
        this.reader = new Thread(this::read, "sse-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    public static EventStream open(int port) {
        return open(port, null);
    }

    /** Opens the stream as a page of {@code origin} would (sending it as {@code Origin}; none when null). */
    public static EventStream open(int port, String origin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .header("Accept", "text/event-stream");
        if (origin != null) {
            builder.header("Origin", origin);
        }
        HttpRequest request = builder.GET().build();
        try {
            HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /api/events answered " + response.statusCode());
            }
            return new EventStream(response.body(), String.valueOf(port));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The data of the {@code syn} events (registry and group events) received so far. */
    public List<JsonNode> synEvents() {
        return events.stream().filter(event -> "syn".equals(event.name())).map(Event::data).toList();
    }

    public boolean hasSynEvent(Predicate<JsonNode> matching) {
        return synEvents().stream().anyMatch(matching);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null;) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(name, Http.JSON.readTree(data.toString())));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5));
                }
            }
        } catch (IOException | RuntimeException closed) {
            // the stream ended: the node went away or the test closed it
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        reader.interrupt();
    }
}
