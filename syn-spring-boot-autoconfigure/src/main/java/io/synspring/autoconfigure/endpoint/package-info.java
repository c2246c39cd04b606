/** The {@code syn} actuator endpoint. */
@NullMarked
package io.synspring.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
