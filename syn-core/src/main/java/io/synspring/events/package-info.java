/** Events of the registry and the groups (SynEvent, with why they happened) and of the other nodes (NodeEvent). */
@NullMarked
package io.synspring.events;

import org.jspecify.annotations.NullMarked;
