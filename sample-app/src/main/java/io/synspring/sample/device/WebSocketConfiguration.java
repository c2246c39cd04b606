package io.synspring.sample.device;

import io.synspring.sample.SampleProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The device endpoint {@code /ws/devices/{id}?tenant={t}}: a device's token is checked before its socket is
 * accepted. Devices are not browsers and send no {@code Origin}; a browser may connect from this node's own page
 * (the dashboard's "connect a device") or from a page of {@code sample.dashboard.allowed-origins}, and is
 * refused (403) from any other page.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

    private final DeviceSocketHandler devices;
    private final DeviceTokens tokens;
    private final SampleProperties properties;

    WebSocketConfiguration(DeviceSocketHandler devices, DeviceTokens tokens, SampleProperties properties) {
        this.devices = devices;
        this.tokens = tokens;
        this.properties = properties;
    }

    /** Frames up to {@link DeviceSocketHandler#MAX_FRAME_CHARACTERS}; larger ones close the socket with 1009. */
    @Bean
    static ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(DeviceSocketHandler.MAX_FRAME_CHARACTERS);
        container.setMaxBinaryMessageBufferSize(DeviceSocketHandler.MAX_FRAME_CHARACTERS);
        return container;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(devices, DeviceSocketHandler.PATH + "*")
                .addInterceptors(new DeviceHandshake(tokens))
                .setAllowedOriginPatterns(properties.dashboard().allowedOrigins().toArray(String[]::new));
    }
}
