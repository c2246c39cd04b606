/**
 * The data plane: one long-lived TCP link from each node to each other node, carrying every message between
 * them in order, acknowledged and resent across reconnects, with a bounded buffer instead of loss and
 * optional mutual TLS. Hazelcast is not on this path; it only says which nodes exist and where.
 */
@NullMarked
package io.synspring.internal.transport;

import org.jspecify.annotations.NullMarked;
