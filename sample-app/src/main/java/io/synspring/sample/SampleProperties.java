package io.synspring.sample;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's own settings.
 *
 * @param devices how devices prove who they are
 * @param dashboard which pages may use the API, the event stream and the device endpoint
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue Devices devices, @DefaultValue Dashboard dashboard) {

    /**
     * @param key {@code sample.devices.key}: the secret, the same on every node, under which a device's token is
     *        computed (see {@link io.synspring.sample.device.DeviceTokens}); at least 32 characters. Without it a
     *        random key is made at start, for development.
     */
    public record Devices(@Nullable String key) {}

    /**
     * @param allowedOrigins {@code sample.dashboard.allowed-origins}: origins (patterns such as
     *        {@code https://*.example.com} allowed) whose pages may call this node's API, read its event stream and
     *        connect devices, besides the node's own origin. Empty by default: same origin only.
     */
    public record Dashboard(@DefaultValue List<String> allowedOrigins) {}
}
