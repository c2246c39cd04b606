/** The process registry: unique names for processes anywhere in the cluster, with metadata and conflict resolution. */
@NullMarked
package io.synspring.registry;

import org.jspecify.annotations.NullMarked;
