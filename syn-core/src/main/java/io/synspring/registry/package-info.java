@NullMarked
package io.synspring.registry;

import org.jspecify.annotations.NullMarked;
