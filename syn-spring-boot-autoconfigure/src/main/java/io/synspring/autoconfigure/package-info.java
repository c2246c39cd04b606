/** Spring Boot auto-configuration of a Syn node: properties, the NodeRegistry bean and its Hazelcast member. */
@NullMarked
package io.synspring.autoconfigure;

import org.jspecify.annotations.NullMarked;
