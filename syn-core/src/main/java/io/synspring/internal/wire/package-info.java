/** What user values may cross the wire between nodes, and how they are encoded. */
@NullMarked
package io.synspring.internal.wire;

import org.jspecify.annotations.NullMarked;
