/** Configuration of the Hazelcast member a Syn node runs on, and the member attributes that name a Syn node. */
@NullMarked
package io.synspring.hazelcast;

import org.jspecify.annotations.NullMarked;
