@NullMarked
package io.synspring;

import org.jspecify.annotations.NullMarked;
