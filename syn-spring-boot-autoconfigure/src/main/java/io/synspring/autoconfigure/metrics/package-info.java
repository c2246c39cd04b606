/** Micrometer meters of the Syn node. */
@NullMarked
package io.synspring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
