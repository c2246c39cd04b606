package io.synspring.sample.device;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** The device endpoint {@code /ws/devices/{id}?tenant={t}}: a device's token is checked before its socket is accepted. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

    private final DeviceSocketHandler devices;
    private final DeviceTokens tokens;

    WebSocketConfiguration(DeviceSocketHandler devices, DeviceTokens tokens) {
        this.devices = devices;
        this.tokens = tokens;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Devices are not browsers, and the dashboard's "connect a device" runs on any node's page.
        registry.addHandler(devices, DeviceSocketHandler.PATH + "*").addInterceptors(new DeviceHandshake(tokens))
                .setAllowedOriginPatterns("*");
    }
}
