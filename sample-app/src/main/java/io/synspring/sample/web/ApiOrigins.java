package io.synspring.sample.web;

import io.synspring.sample.SampleProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API and the dashboard's event stream ({@code /api/**}) serve pages of this node's own origin and of
 * {@code sample.dashboard.allowed-origins} only. A request made by a page of any other origin (its browser sends
 * that page's {@code Origin}) is refused with 403 before it reaches a controller, so a site a user happens to
 * visit can neither read the stream nor command, ping or simulate devices through the user's browser. Requests
 * without {@code Origin} (curl, scripts, the page's own reads) are not concerned; the listed origins also get
 * the CORS headers that let their pages read the answers.
 */
@Configuration(proxyBeanMethods = false)
class ApiOrigins implements WebMvcConfigurer {

    private final SampleProperties properties;

    ApiOrigins(SampleProperties properties) {
        this.properties = properties;
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/api/**")
                .allowedOrigins() // none besides the patterns: no "*"
                .allowedOriginPatterns(properties.dashboard().allowedOrigins().toArray(String[]::new))
                .allowedMethods("GET", "POST", "DELETE");
    }
}
