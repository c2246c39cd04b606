package io.synspring.sample.device;

import io.synspring.process.MessageContext;
import io.synspring.process.MessageHandler;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A device without a socket: it answers pings itself (a {@code pong} like a real device's) and counts the
 * commands and broadcasts it receives. For load, and for trying the gateway without a WebSocket client.
 */
final class SimulatedDevice implements MessageHandler {

    private final String id;
    private final String node;
    private final ObjectMapper json;
    private final AtomicLong received = new AtomicLong();

    SimulatedDevice(String id, String node, ObjectMapper json) {
        this.id = id;
        this.node = node;
        this.json = json;
    }

    @Override
    public void handle(Object message, MessageContext context) {
        if (message instanceof DeviceMessage.Ping ping) {
            ObjectNode pong = json.createObjectNode();
            pong.put("type", "pong");
            pong.put("id", ping.id());
            pong.put("device", id);
            pong.put("simulated", true);
            pong.put("node", node);
            pong.put("received", received.get());
            context.reply(json.writeValueAsString(pong));
        } else {
            received.incrementAndGet();
        }
    }
}
