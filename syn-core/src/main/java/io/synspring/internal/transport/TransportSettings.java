package io.synspring.internal.transport;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How the links behave.
 *
 * @param maxBufferedBytes the most payload bytes a link holds for its peer (sent, not yet acknowledged) before
 *     bounded sends wait
 * @param backpressureWait how long a bounded send waits for room before it is refused
 * @param unreachableAfter how long a link may go without delivering before its peer counts as unreachable and
 *     the connection is opened anew
 * @param maxFrameBytes the largest frame accepted from a peer
 * @param ssl mutual TLS for every link, or {@code null} for plain TCP
 * @param nodeNameInCertificate with TLS, whether a peer's certificate must name its node (common name or DNS
 *     subject alternative name)
 * @param secret a secret shared by the cluster's nodes that each end of a link must prove it holds, or
 *     {@code null}
 */
public record TransportSettings(long maxBufferedBytes, Duration backpressureWait, Duration unreachableAfter,
        int maxFrameBytes, @Nullable SSLContext ssl, boolean nodeNameInCertificate, @Nullable String secret) {

    /** Whether links must prove who is at either end: mutual TLS, a shared secret, or both. */
    public boolean isSecure() {
        return ssl != null || secret != null;
    }
}
