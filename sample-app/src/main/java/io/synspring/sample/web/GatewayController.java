package io.synspring.sample.web;

import io.synspring.groups.Membership;
import io.synspring.groups.MultiCallResult;
import io.synspring.process.SendResult;
import io.synspring.registry.Registration;
import io.synspring.sample.device.DeviceGateway;
import io.synspring.sample.device.DeviceMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * The gateway's HTTP API. Every answer comes from this node: lookups from its replica, messages routed by Syn to
 * wherever the device is connected. Nodes are named by {@code syn.node-name}.
 */
@RestController
@RequestMapping("/api")
public class GatewayController {

    /** Longest ping the API waits for. */
    static final long MAX_PING_MILLIS = 60_000;

    private final DeviceGateway gateway;

    public GatewayController(DeviceGateway gateway) {
        this.gateway = gateway;
    }

    /** A device as this node's replica knows it. */
    public record Device(String id, String node, String process, @Nullable Object meta) {}

    /** Where a command was sent. */
    public record Accepted(String node) {}

    public record Recipients(int recipients) {}

    public record PingReply(String id, String node, @Nullable Object reply) {}

    public record BadReply(String id, String node) {}

    public record PingResult(List<PingReply> replies, List<BadReply> badReplies) {}

    public record Started(int started, long millis) {}

    public record Stopped(int stopped) {}

    public record Cluster(String node, List<String> nodes, int devices, Map<String, Integer> devicesByNode) {}

    public record Problem(String error) {}

    @GetMapping("/devices/{id}")
    public ResponseEntity<?> device(@PathVariable String id) {
        return gateway.lookup(id).<ResponseEntity<?>>map(registration -> ResponseEntity.ok(device(registration)))
                .orElseGet(() -> unknown(id));
    }

    @PostMapping("/devices/{id}/commands")
    public ResponseEntity<?> command(@PathVariable String id, @RequestBody(required = false) @Nullable String body) {
        String json = jsonBody(body);
        Registration registration = gateway.lookup(id).orElse(null);
        if (registration == null) {
            return unknown(id);
        }
        SendResult result = gateway.registry().send(id, new DeviceMessage.Command(gateway.nodeName(), json));
        switch (result) {
            case SENT:
                return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Accepted(registration.node().name()));
            case MAILBOX_FULL:
                return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .body(new Problem("device " + id + " is not keeping up (its mailbox is full)"));
            case BACKPRESSURE:
                return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem("node "
                        + registration.node().name() + " of device " + id + " is not keeping up: try again later"));
            default:
                return unknown(id);
        }
    }

    @PostMapping("/tenants/{tenant}/broadcast")
    public Recipients broadcast(@PathVariable String tenant, @RequestBody(required = false) @Nullable String body) {
        String json = jsonBody(body);
        DeviceGateway.checkTenant(tenant);
        int recipients = gateway.groups().publish(DeviceGateway.tenantGroup(tenant),
                new DeviceMessage.Broadcast(tenant, gateway.nodeName(), json));
        return new Recipients(recipients);
    }

    @PostMapping("/tenants/{tenant}/ping")
    public PingResult ping(@PathVariable String tenant, @RequestParam(defaultValue = "2000") long timeoutMs) {
        DeviceGateway.checkTenant(tenant);
        if (timeoutMs < 1 || timeoutMs > MAX_PING_MILLIS) {
            throw new IllegalArgumentException("timeoutMs must be between 1 and " + MAX_PING_MILLIS + ": " + timeoutMs);
        }
        MultiCallResult<Object> result = gateway.groups().multiCall(DeviceGateway.tenantGroup(tenant),
                new DeviceMessage.Ping(UUID.randomUUID().toString(), gateway.nodeName()), Duration.ofMillis(timeoutMs));
        List<PingReply> replies = new ArrayList<>();
        for (MultiCallResult.Reply<Object> reply : result.replies()) {
            replies.add(new PingReply(DeviceGateway.deviceId(reply.meta(), reply.process()),
                    DeviceGateway.nodeOf(reply.process()), replyJson(reply.reply())));
        }
        List<BadReply> bad = new ArrayList<>();
        for (Membership member : result.badReplies()) {
            bad.add(new BadReply(DeviceGateway.deviceId(member.meta(), member.process()),
                    DeviceGateway.nodeOf(member.process())));
        }
        replies.sort(Comparator.comparing(PingReply::id));
        bad.sort(Comparator.comparing(BadReply::id));
        return new PingResult(replies, bad);
    }

    @PostMapping("/simulate")
    public Started simulate(@RequestParam(defaultValue = "10") int count,
            @RequestParam(defaultValue = "sim-") String prefix,
            @RequestParam(required = false) @Nullable String tenant) {
        // not defaultValue: Spring would put it in place of an empty tenant= too, which must be refused
        DeviceGateway.Simulation simulation = gateway.simulate(count, prefix, tenant == null ? "demo" : tenant);
        return new Started(simulation.started(), simulation.millis());
    }

    @DeleteMapping("/simulate")
    public Stopped stopSimulated(@RequestParam(defaultValue = "") String prefix) {
        return new Stopped(gateway.stopSimulated(prefix));
    }

    @GetMapping("/cluster")
    public Cluster cluster() {
        Map<String, Integer> devicesByNode = gateway.devicesByNode();
        List<String> nodes = new ArrayList<>(new TreeSet<>(devicesByNode.keySet()));
        return new Cluster(gateway.nodeName(), nodes, gateway.registry().count(), devicesByNode);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Problem> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(new Problem(String.valueOf(e.getMessage())));
    }

    private Device device(Registration registration) {
        return new Device(registration.name(), registration.node().name(), registration.process().toString(),
                Json.plain(registration.meta()));
    }

    private static ResponseEntity<Problem> unknown(String id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Problem("no device " + id + " is connected"));
    }

    /** The request body, checked to be JSON ({@code null} when there is none). */
    private String jsonBody(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return "null";
        }
        try {
            gateway.json().readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body must be JSON: " + e.getOriginalMessage());
        }
        return body;
    }

    private @Nullable Object replyJson(@Nullable Object reply) {
        if (reply instanceof String text) {
            try {
                return gateway.json().readTree(text);
            } catch (JacksonException notJson) {
                return text;
            }
        }
        return Json.plain(reply);
    }
}
