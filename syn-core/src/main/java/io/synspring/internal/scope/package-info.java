/** One scope on one node: the single writer of its replica, its outbox, the operations routed to other owners, and the registry and groups over it. Engine internal. */
@NullMarked
package io.synspring.internal.scope;

import org.jspecify.annotations.NullMarked;
