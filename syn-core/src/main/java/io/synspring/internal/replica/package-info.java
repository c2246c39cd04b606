/** A scope's replica on one node: every owner's names and group members, sequenced per owner, with snapshots and conflict resolution. Engine internal. */
@NullMarked
package io.synspring.internal.replica;

import org.jspecify.annotations.NullMarked;
