package io.synspring.sample.device;

import io.synspring.sample.SampleProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A device proves its id with a token: HMAC-SHA256 of the id (UTF-8) under the gateways' key
 * ({@code sample.devices.key}, UTF-8), in base64url without padding. The same key on every node lets a device
 * reconnect anywhere with its one token; a token is good for its own id only, and the key never leaves the
 * gateways. The same token from a shell:
 * {@code printf %s "$ID" | openssl dgst -sha256 -hmac "$KEY" -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='}.
 *
 * <p>A key shorter than {@value #MIN_KEY_LENGTH} characters fails startup. Without a key, a random one is made
 * for this run and logged with the command above (development): it changes at every start and no other node
 * shares it, so devices provisioned with real tokens are refused until the key is set: a forgotten key fails
 * closed, never open.
 */
@Component
public class DeviceTokens {

    public static final int MIN_KEY_LENGTH = 32;
    private static final String HMAC = "HmacSHA256";
    private static final Logger log = LoggerFactory.getLogger(DeviceTokens.class);

    private final SecretKeySpec key;

    public DeviceTokens(SampleProperties properties) {
        this.key = new SecretKeySpec(checkedKey(properties.devices().key()).getBytes(StandardCharsets.UTF_8), HMAC);
    }

    private static String checkedKey(@Nullable String configured) {
        if (configured == null || configured.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            log.warn("sample.devices.key is not set: device tokens are checked against a random key made for this "
                    + "run, which changes at every start and which no other node shares. Set the same key, at least "
                    + "{} characters (openssl rand -base64 32), on every node. Development only: this run's key is {} "
                    + "and a device's token is: printf %s DEVICE_ID | openssl dgst -sha256 -hmac '{}' -binary "
                    + "| openssl base64 -A | tr '+/' '-_' | tr -d '='", MIN_KEY_LENGTH, key, key);
            return key;
        }
        if (configured.length() < MIN_KEY_LENGTH) {
            throw new IllegalStateException("sample.devices.key is " + configured.length() + " characters long: it "
                    + "must have at least " + MIN_KEY_LENGTH + ". Make one with: openssl rand -base64 32");
        }
        return configured;
    }

    /** The token of device {@code id}: what the device presents when it connects. */
    public String tokenFor(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(id));
    }

    /** Whether {@code token} is device {@code id}'s, compared in constant time. Padding ({@code =}) is allowed. */
    public boolean matches(String id, @Nullable String token) {
        if (token == null) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException notBase64Url) {
            return false;
        }
        return MessageDigest.isEqual(mac(id), presented);
    }

    private byte[] mac(String id) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
