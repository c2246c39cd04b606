/** Membership from Hazelcast: which Syn nodes exist, their scopes and link addresses, and the links to them. Engine internal. */
@NullMarked
package io.synspring.internal.cluster;

import org.jspecify.annotations.NullMarked;
