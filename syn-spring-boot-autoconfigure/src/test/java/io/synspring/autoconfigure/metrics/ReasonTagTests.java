package io.synspring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.NodeId;
import io.synspring.events.Reason;
import io.synspring.process.ExitReason;
import org.junit.jupiter.api.Test;

/** The {@code reason} tag tells every kind of reason apart, from a fixed set of values. */
class ReasonTagTests {

    @Test
    void everyKindOfReasonHasATagOfItsOwn() {
        NodeId node = NodeId.parse("gw-1#1");
        assertThat(SynMetrics.reasonTag(Reason.NORMAL)).isEqualTo("NORMAL");
        assertThat(SynMetrics.reasonTag(new Reason.NodeUp(node))).isEqualTo("NODE_UP");
        assertThat(SynMetrics.reasonTag(new Reason.NodeDown(node))).isEqualTo("NODE_DOWN");
        assertThat(SynMetrics.reasonTag(Reason.CONFLICT_RESOLUTION)).isEqualTo("CONFLICT_RESOLUTION");
        assertThat(SynMetrics.reasonTag(Reason.RESYNC)).isEqualTo("RESYNC");
        assertThat(SynMetrics.reasonTag(new Reason.ProcessExited(ExitReason.KILLED))).isEqualTo("EXIT_KILLED");
    }
}
