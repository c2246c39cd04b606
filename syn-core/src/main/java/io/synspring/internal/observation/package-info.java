/**
 * Starts and stops the Micrometer observations of what crosses nodes, and bounds the trace context that travels
 * with messages. Engine internal.
 */
@NullMarked
package io.synspring.internal.observation;

import org.jspecify.annotations.NullMarked;
