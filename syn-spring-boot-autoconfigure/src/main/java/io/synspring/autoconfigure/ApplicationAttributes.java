package io.synspring.autoconfigure;

import com.hazelcast.config.Config;
import com.hazelcast.config.MemberAttributeConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The member attributes by which a Syn node tells the others which application it is: its service id, HTTP
 * port and scheme, and management port, read from the environment before the member starts. The
 * {@link io.synspring.autoconfigure.discovery.SynDiscoveryClient} lists the nodes with them.
 */
public final class ApplicationAttributes {

    /** The node's service id: {@code syn.discovery-client.service-id}, else {@code spring.application.name}. */
    public static final String SERVICE_ID = "syn.app.service-id";

    /** The node's HTTP port ({@code server.port}, default 8080); absent when it is chosen at random (0). */
    public static final String HTTP_PORT = "syn.app.http-port";

    /** Whether the node serves HTTPS ({@code server.ssl.enabled}). */
    public static final String SECURE = "syn.app.secure";

    /** The node's management port ({@code management.server.port}, else its HTTP port). */
    public static final String MANAGEMENT_PORT = "syn.app.management-port";

    private ApplicationAttributes() {}

    /** Adds the attributes to {@code config}, unless it has them already. */
    public static void apply(Config config, Environment environment) {
        MemberAttributeConfig attributes = config.getMemberAttributeConfig();
        if (attributes.getAttribute(SERVICE_ID) != null) {
            return;
        }
        attributes.setAttribute(SERVICE_ID, serviceId(environment));
        String port = environment.getProperty("server.port", "8080").trim();
        if (!port.equals("0") && !port.startsWith("-")) {
            attributes.setAttribute(HTTP_PORT, port);
        }
        attributes.setAttribute(SECURE, Boolean.toString(environment.getProperty("server.ssl.enabled",
                Boolean.class, false)));
        String management = environment.getProperty("management.server.port");
        if (management != null && !management.isBlank() && !management.trim().equals("0")) {
            attributes.setAttribute(MANAGEMENT_PORT, management.trim());
        } else if (management == null && attributes.getAttribute(HTTP_PORT) != null) {
            attributes.setAttribute(MANAGEMENT_PORT, port);
        }
    }

    /** This node's service id. */
    public static String serviceId(Environment environment) {
        String configured = blankToNull(environment.getProperty("syn.discovery-client.service-id"));
        if (configured != null) {
            return configured;
        }
        String application = blankToNull(environment.getProperty("spring.application.name"));
        return application != null ? application : "syn";
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
