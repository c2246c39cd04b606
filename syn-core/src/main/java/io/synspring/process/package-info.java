/** Processes: in-JVM mailboxes handled one message at a time, their references, messages and calls. */
@NullMarked
package io.synspring.process;

import org.jspecify.annotations.NullMarked;
