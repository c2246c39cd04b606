package io.synspring.sample;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's own settings.
 *
 * @param devices how devices prove who they are
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue Devices devices) {

    /**
     * @param key {@code sample.devices.key}: the secret, the same on every node, under which a device's token is
     *        computed (see {@link io.synspring.sample.device.DeviceTokens}); at least 32 characters. Without it a
     *        random key is made at start, for development.
     */
    public record Devices(@Nullable String key) {}
}
