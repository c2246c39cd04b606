package io.synspring.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.synspring.hazelcast.EmbeddedMember;
import org.junit.jupiter.api.Test;

/** What a Hazelcast configuration leaves open that a Syn node does not use, and that it logs at start. */
class OpenDoorsTests {

    @Test
    void theEmbeddedMemberLeavesNothingOpen() {
        assertThat(HazelcastCluster.openDoors(EmbeddedMember.standalone("doors").toConfig())).isEmpty();
    }

    @Test
    void hazelcastsDefaultsAndEndpointsSwitchedOnAreNamedWithTheSettingThatClosesThem() {
        Config config = new Config();
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(true);
        config.getNetworkConfig().getRestApiConfig().setEnabled(true);
        config.getNetworkConfig().getMemcacheProtocolConfig().setEnabled(true);
        config.getJetConfig().setEnabled(true);

        assertThat(HazelcastCluster.openDoors(config)).containsExactly(
                "multicast join (join.multicast.enabled=false)",
                "the REST endpoint (network.rest-api.enabled=false)",
                "the memcache endpoint (network.memcache-protocol.enabled=false)",
                "management-center operations from any client, cluster shutdown included "
                        + "(management-center.trusted-interfaces)",
                "Jet jobs (jet.enabled=false)",
                "phone-home to Hazelcast (hazelcast.phone.home.enabled=false)");
    }
}
