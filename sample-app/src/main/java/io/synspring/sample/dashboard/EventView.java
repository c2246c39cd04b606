package io.synspring.sample.dashboard;

import io.synspring.events.Reason;
import io.synspring.events.SynEvent;
import io.synspring.sample.web.Json;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A registry or group event as the dashboard's event stream sends it (SSE event {@code syn}, JSON data).
 *
 * @param type REGISTERED, REGISTRY_UPDATED, UNREGISTERED, JOINED, GROUP_UPDATED or LEFT
 * @param name the registered name (registry events), else null
 * @param group the group (group events), else null
 * @param node the name of the node the process runs on
 * @param reason the reason as Syn writes it, e.g. {@code NODE_DOWN(node-1#k3x9)}
 * @param reasonType NORMAL, EXIT (the process ended: see reason), NODE_UP, NODE_DOWN, CONFLICT_RESOLUTION or RESYNC
 * @param reasonNode the name of the node that came or went, for NODE_UP and NODE_DOWN
 * @param at when this node saw the event (epoch millis)
 */
public record EventView(String type, String scope, @Nullable String name, @Nullable String group, String process,
        String node, @Nullable Object meta, String reason, String reasonType, @Nullable String reasonNode, long at) {

    public static EventView of(SynEvent event, long at) {
        String type;
        String name = null;
        String group = null;
        if (event instanceof SynEvent.Registered registered) {
            type = "REGISTERED";
            name = registered.name();
        } else if (event instanceof SynEvent.RegistryUpdated updated) {
            type = "REGISTRY_UPDATED";
            name = updated.name();
        } else if (event instanceof SynEvent.Unregistered unregistered) {
            type = "UNREGISTERED";
            name = unregistered.name();
        } else if (event instanceof SynEvent.Joined joined) {
            type = "JOINED";
            group = joined.group();
        } else if (event instanceof SynEvent.GroupUpdated updated) {
            type = "GROUP_UPDATED";
            group = updated.group();
        } else if (event instanceof SynEvent.Left left) {
            type = "LEFT";
            group = left.group();
        } else {
            type = event.getClass().getSimpleName().toUpperCase(Locale.ROOT);
        }
        Reason reason = event.reason();
        String reasonType;
        String reasonNode = null;
        if (reason instanceof Reason.NodeDown down) {
            reasonType = "NODE_DOWN";
            reasonNode = down.node().name();
        } else if (reason instanceof Reason.NodeUp up) {
            reasonType = "NODE_UP";
            reasonNode = up.node().name();
        } else if (reason instanceof Reason.ConflictResolution) {
            reasonType = "CONFLICT_RESOLUTION";
        } else if (reason instanceof Reason.Resync) {
            reasonType = "RESYNC";
        } else if (reason instanceof Reason.ProcessExited) {
            reasonType = "EXIT";
        } else {
            reasonType = "NORMAL";
        }
        return new EventView(type, event.scope(), name, group, event.process().toString(),
                event.process().node().name(), Json.plain(event.meta()), reason.toString(), reasonType, reasonNode, at);
    }
}
