/** What crossed this node's links with the other nodes: counts per node and per peer, for metrics and tests. */
@NullMarked
package io.synspring.transport;

import org.jspecify.annotations.NullMarked;
