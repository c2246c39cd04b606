package io.synspring.replication;

import io.synspring.cluster.NodeId;
import io.synspring.groups.Membership;
import io.synspring.registry.Registration;
import java.util.List;

/**
 * Everything one owner holds in one scope, as of its change {@code seq}: replaces whatever a receiver
 * held for that owner. Sent when nodes meet and when a receiver lost track (resync).
 */
public record OwnerSnapshot(String scope, NodeId owner, long seq, List<Registration> registrations,
        List<Membership> memberships) {

    public OwnerSnapshot {
        registrations = List.copyOf(registrations);
        memberships = List.copyOf(memberships);
    }
}
