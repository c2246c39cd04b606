package io.synspring.sample.device;

import java.io.Serializable;

/**
 * What the gateway sends to device processes, from any node. These cross the network inside Syn messages, so
 * they are serializable and their package is in {@code syn.serialization.allowed-classes}. Bodies are JSON
 * text, written to the device's socket as they are.
 */
public sealed interface DeviceMessage extends Serializable {

    /** A command for one device, sent by {@code POST /api/devices/{id}/commands} on node {@code from}. */
    record Command(String from, String body) implements DeviceMessage {}

    /** A message for every device of {@code tenant}, sent by {@code POST /api/tenants/{t}/broadcast}. */
    record Broadcast(String tenant, String from, String body) implements DeviceMessage {}

    /**
     * A liveness check, sent as a multi-call by {@code POST /api/tenants/{t}/ping}: the device's answer is the
     * reply ({@code pong} frame, as JSON text).
     */
    record Ping(String id, String from) implements DeviceMessage {}
}
