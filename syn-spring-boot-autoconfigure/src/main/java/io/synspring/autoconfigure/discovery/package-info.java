/** Spring Cloud Commons integration: peers from a DiscoveryClient, and the Syn nodes as a DiscoveryClient. */
@NullMarked
package io.synspring.autoconfigure.discovery;

import org.jspecify.annotations.NullMarked;
