package io.synspring;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.process.ProcessRef;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Node and process identities are the keys of every replica map: equal exactly when their parts are equal,
 * with equal hash codes, and a node id reads back from its text form.
 */
class IdentityProperties {

    @Property
    void nodeIdsAreEqualExactlyWhenNameAndIncarnationAre(
            @ForAll @AlphaChars @StringLength(min = 1, max = 3) String name,
            @ForAll @LongRange(min = 0, max = 3) long incarnation,
            @ForAll @AlphaChars @StringLength(min = 1, max = 3) String otherName,
            @ForAll @LongRange(min = 0, max = 3) long otherIncarnation) {
        NodeId node = new NodeId(name, incarnation);
        NodeId other = new NodeId(new String(otherName.toCharArray()), otherIncarnation);
        boolean same = name.equals(otherName) && incarnation == otherIncarnation;
        assertThat(node.equals(other)).isEqualTo(same);
        assertThat(other.equals(node)).isEqualTo(same);
        if (same) {
            assertThat(node.hashCode()).isEqualTo(other.hashCode());
        }
        assertThat(NodeId.parse(node.toString())).isEqualTo(node);
        assertThat(node.equals(null)).isFalse();
        assertThat(node.equals((Object) name)).isFalse();
    }

    @Property
    void processRefsAreEqualExactlyWhenNodeAndIdAre(@ForAll @LongRange(min = 0, max = 2) long incarnation,
            @ForAll @LongRange(min = 0, max = 2) long otherIncarnation, @ForAll @LongRange(min = 1, max = 3) long id,
            @ForAll @LongRange(min = 1, max = 3) long otherId) {
        ProcessRef process = new ProcessRef(new NodeId("n", incarnation), id);
        ProcessRef other = new ProcessRef(new NodeId("n", otherIncarnation), otherId);
        boolean same = incarnation == otherIncarnation && id == otherId;
        assertThat(process.equals(other)).isEqualTo(same);
        assertThat(other.equals(process)).isEqualTo(same);
        if (same) {
            assertThat(process.hashCode()).isEqualTo(other.hashCode());
        }
        assertThat(process.equals(null)).isFalse();
        assertThat(process.equals((Object) process.node())).isFalse();
    }
}
