/** The {@code syn} health contributor. */
@NullMarked
package io.synspring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
