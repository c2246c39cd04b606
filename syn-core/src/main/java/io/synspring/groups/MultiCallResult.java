package io.synspring.groups;

import io.synspring.process.ProcessRef;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a multi-call gathered: the replies, and the members that did not answer in time or died.
 *
 * @param <R> the type of the replies
 */
public record MultiCallResult<R>(List<Reply<R>> replies, List<Membership> badReplies) {

    public MultiCallResult {
        replies = List.copyOf(replies);
        badReplies = List.copyOf(badReplies);
    }

    /** One member's answer. */
    public record Reply<R>(ProcessRef process, @Nullable Object meta, R reply) {}
}
