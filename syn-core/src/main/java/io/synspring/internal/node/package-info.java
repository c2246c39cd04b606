/**
 * What a node does beside its scopes: delivering messages and calls to processes wherever they run, routing
 * the messages from other nodes, and introducing itself to the nodes it meets. Engine internal.
 */
@NullMarked
package io.synspring.internal.node;

import org.jspecify.annotations.NullMarked;
