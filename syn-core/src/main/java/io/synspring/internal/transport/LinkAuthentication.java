package io.synspring.internal.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * How the two ends of a link prove who they are, beyond TCP: with mutual TLS, the peer's certificate must name
 * the node (its common name or a DNS subject alternative name is the node's name); with a shared secret, each
 * end answers the other's random nonce with an HMAC-SHA256 of both nonces and both node ids under the secret,
 * so the secret never crosses the wire and a recorded exchange cannot be replayed.
 */
final class LinkAuthentication {

    static final int NONCE_BYTES = 16;
    static final int PROOF_BYTES = 32;
    /** The shortest shared secret accepted. */
    static final int MIN_SECRET_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte @Nullable [] secret;
    private final boolean tls;
    private final boolean nodeNameInCertificate;

    LinkAuthentication(@Nullable String secret, boolean tls, boolean nodeNameInCertificate) {
        this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        if (this.secret != null && this.secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret is " + this.secret.length + " bytes: use at least "
                    + MIN_SECRET_BYTES + " random characters, the same on every node");
        }
        this.tls = tls;
        this.nodeNameInCertificate = nodeNameInCertificate;
    }

    /** Whether links must prove who is at either end (mutual TLS, a shared secret or both). */
    boolean isSecure() {
        return tls || secret != null;
    }

    boolean usesSecret() {
        return secret != null;
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** The receiving end's proof for a link from {@code from} to {@code to}. */
    byte[] receiverProof(String from, String to, byte[] senderNonce, byte[] receiverNonce) {
        return hmac("syn-link-receiver", from, to, senderNonce, receiverNonce);
    }

    /** The sending end's proof for a link from {@code from} to {@code to}. */
    byte[] senderProof(String from, String to, byte[] senderNonce, byte[] receiverNonce) {
        return hmac("syn-link-sender", from, to, senderNonce, receiverNonce);
    }

    static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    private byte[] hmac(String role, String from, String to, byte[] senderNonce, byte[] receiverNonce) {
        if (secret == null) {
            throw new IllegalStateException("no cluster secret");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            for (String part : List.of(role, from, to)) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update((byte) bytes.length);
                mac.update(bytes);
            }
            mac.update(senderNonce);
            return mac.doFinal(receiverNonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Why the TLS peer of {@code channel} is not node {@code nodeName}, or {@code null} when its certificate
     * names it (or TLS is off, or certificates need not name nodes).
     */
    @Nullable String certificateMismatch(Channel channel, String nodeName) {
        if (!tls || !nodeNameInCertificate) {
            return null;
        }
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return "no TLS on this connection";
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            Set<String> names = names((X509Certificate) chain[0]);
            return names.contains(nodeName) ? null
                    : "its certificate names " + names + ", not node '" + nodeName + "'";
        } catch (SSLPeerUnverifiedException | CertificateParsingException | InvalidNameException e) {
            return "its certificate could not be read: " + e.getMessage();
        }
    }

    /** The common names of the subject and the DNS names among the subject alternative names. */
    private static Set<String> names(X509Certificate certificate)
            throws CertificateParsingException, InvalidNameException {
        Set<String> names = new LinkedHashSet<>();
        for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
            if ("CN".equalsIgnoreCase(rdn.getType())) {
                names.add(String.valueOf(rdn.getValue()));
            }
        }
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> alternative : alternatives) {
                if (alternative.size() == 2 && Integer.valueOf(2).equals(alternative.get(0))) {
                    names.add(String.valueOf(alternative.get(1)));
                }
            }
        }
        return names;
    }
}
