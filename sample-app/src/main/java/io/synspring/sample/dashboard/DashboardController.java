package io.synspring.sample.dashboard;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The dashboard's live feed; the page itself is {@code static/index.html}, served at {@code /}. */
@RestController
public class DashboardController {

    private final DashboardStream stream;

    public DashboardController(DashboardStream stream) {
        this.stream = stream;
    }

    /** Server-sent events: {@code snapshot}, {@code syn} and {@code dropped} (see {@link DashboardStream}). */
    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events() {
        return stream.subscribe();
    }
}
