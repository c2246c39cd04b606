/** The processes of this node: mailboxes, delivery and exits. Engine internal. */
@NullMarked
package io.synspring.internal.process;

import org.jspecify.annotations.NullMarked;
