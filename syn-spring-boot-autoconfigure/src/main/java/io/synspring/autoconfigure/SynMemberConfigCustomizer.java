package io.synspring.autoconfigure;

import com.hazelcast.config.Config;

/**
 * Customizes the Hazelcast configuration of the embedded member Syn starts when the application has no
 * HazelcastInstance of its own, after {@code syn.cluster.*} has been applied. Define beans of this type to
 * adjust what the properties do not cover.
 */
@FunctionalInterface
public interface SynMemberConfigCustomizer {

    void customize(Config config);
}
