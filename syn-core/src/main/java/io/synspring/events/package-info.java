@NullMarked
package io.synspring.events;

import org.jspecify.annotations.NullMarked;
