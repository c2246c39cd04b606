/** Process groups: named sets of processes anywhere in the cluster, each member with its own metadata. */
@NullMarked
package io.synspring.groups;

import org.jspecify.annotations.NullMarked;
