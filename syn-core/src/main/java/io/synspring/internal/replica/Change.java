package io.synspring.internal.replica;

import io.synspring.events.Reason;
import io.synspring.groups.Membership;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;

/** One change an owner node made to its own entries; what replication carries to the other nodes. */
public sealed interface Change {

    /** The process the change is about; its node is the only one allowed to make it. */
    ProcessRef process();

    Reason reason();

    /** The process claims {@code registration.name()} (new, or with new metadata). */
    record Register(Registration registration, Reason reason) implements Change {
        @Override
        public ProcessRef process() {
            return registration.process();
        }
    }

    /** The process no longer claims {@code name}. */
    record Unregister(String name, ProcessRef process, Reason reason) implements Change {}

    /** The process is a member of {@code membership.group()} (new, or with new metadata). */
    record Join(Membership membership, Reason reason) implements Change {
        @Override
        public ProcessRef process() {
            return membership.process();
        }
    }

    /** The process is no longer a member of {@code group}. */
    record Leave(String group, ProcessRef process, Reason reason) implements Change {}
}
