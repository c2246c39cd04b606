/** Registry and group events as Spring application events. */
@NullMarked
package io.synspring.autoconfigure.events;

import org.jspecify.annotations.NullMarked;
