package io.synspring.internal.replica;

import io.synspring.NodeId;
import io.synspring.groups.Membership;
import io.synspring.registry.Registration;
import java.util.List;

/**
 * Everything one owner holds in one scope, as of its change {@code seq}: replaces whatever a receiver
 * held for that owner. Sent when nodes meet and when a receiver lost track (resync).
 *
 * <p>A large snapshot crosses the wire in parts, numbered from 0; the {@code last} one completes it. A
 * receiver shows each part's entries as it arrives and, once the last part is in, removes what the owner
 * no longer holds.
 */
public record OwnerSnapshot(String scope, NodeId owner, long seq, int part, boolean last,
        List<Registration> registrations, List<Membership> memberships) {

    public OwnerSnapshot {
        registrations = List.copyOf(registrations);
        memberships = List.copyOf(memberships);
    }

    /** A whole snapshot, in one part. */
    public OwnerSnapshot(String scope, NodeId owner, long seq, List<Registration> registrations,
            List<Membership> memberships) {
        this(scope, owner, seq, 0, true, registrations, memberships);
    }

    /** How many entries this part carries. */
    public int size() {
        return registrations.size() + memberships.size();
    }
}
