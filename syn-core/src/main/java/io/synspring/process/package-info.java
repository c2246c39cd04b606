@NullMarked
package io.synspring.process;

import org.jspecify.annotations.NullMarked;
