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
 */
public record TransportSettings(long maxBufferedBytes, Duration backpressureWait, Duration unreachableAfter,
        int maxFrameBytes, @Nullable SSLContext ssl) {}
