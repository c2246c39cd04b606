package io.synspring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code --peer-heap} takes the JVM's own size syntax; a bad one is refused before any peer JVM starts. */
class PeerHeapOptionTests {

    @Test
    void readsTheJvmSizeSyntax() {
        assertThat(ClusterOptions.megabytes("3g")).isEqualTo(3072);
        assertThat(ClusterOptions.megabytes("512m")).isEqualTo(512);
        assertThat(ClusterOptions.megabytes("262144k")).isEqualTo(256);
        assertThat(ClusterOptions.parse("--peer-heap", "1500M").peerHeap()).isEqualTo("1500m");
    }

    @Test
    void refusesAnythingElseSayingWhatItTakes() {
        assertThatThrownBy(() -> ClusterOptions.parse("--peer-heap", "0.5g"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3g or 512m")
                .hasMessageContaining("'0.5g'");
    }
}
