package io.synspring.groups;

import io.synspring.NodeId;
import io.synspring.process.ProcessRef;
import io.synspring.registry.MetadataUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The process groups of one scope: named sets of processes anywhere in the cluster, each member with its
 * own metadata. Reads are local; joins and leaves are made by the node that runs the process. Groups
 * have no conflicts: after a net split heals, memberships simply union.
 */
public interface Groups {

    /** The scope these groups belong to. */
    String scope();

    /** Adds {@code process} to {@code group} without metadata. */
    default JoinResult join(String group, ProcessRef process) {
        return join(group, process, null);
    }

    /** Adds {@code process} to {@code group}; joining again updates its metadata (equal: nothing changes). */
    JoinResult join(String group, ProcessRef process, @Nullable Object meta);

    /** Removes {@code process} from {@code group}, on the process's node. */
    LeaveResult leave(String group, ProcessRef process);

    /**
     * Replaces the metadata of {@code process} in {@code group} with {@code update}'s result, as a
     * compare-and-set on the process's node; like {@link io.synspring.registry.Registry#update}, the function
     * runs on this node, possibly more than once, and must have no side effects.
     */
    GroupUpdateResult update(String group, ProcessRef process, MetadataUpdate update);

    /** The members of {@code group}, cluster-wide. */
    List<Membership> members(String group);

    /** The members of {@code group} running on this node. */
    List<Membership> localMembers(String group);

    /** The membership of {@code process} in {@code group}, from this node's replica. */
    Optional<Membership> member(String group, ProcessRef process);

    /** Whether {@code process} is a member of {@code group}. */
    default boolean isMember(String group, ProcessRef process) {
        return member(group, process).isPresent();
    }

    /** Whether {@code process} runs on this node and is a member of {@code group}. */
    boolean isLocalMember(String group, ProcessRef process);

    /** How many members {@code group} has, cluster-wide. */
    int memberCount(String group);

    /** How many members {@code group} has on {@code node}. */
    int memberCount(String group, NodeId node);

    /** How many members {@code group} has on this node. */
    int localMemberCount(String group);

    /** How many groups have at least one member. */
    int groupCount();

    /** How many groups have at least one member on {@code node}. */
    int groupCount(NodeId node);

    /** How many groups have at least one member on this node. */
    int localGroupCount();

    /** The names of the groups with at least one member (a copy). */
    Set<String> groupNames();

    /**
     * The names of the groups with at least one member, as a weakly consistent stream over the live data (no
     * copy): for listings and paging, in no particular order.
     */
    Stream<String> groupNameStream();

    /** The names of the groups with at least one member on {@code node}. */
    Set<String> groupNames(NodeId node);

    /** The names of the groups with at least one member on this node. */
    Set<String> localGroupNames();

    /** The groups {@code process} is a member of in this scope. */
    Set<String> groupsOf(ProcessRef process);

    /**
     * Sends {@code message} to every member of {@code group}, local or remote, once each: one network message
     * per node, not per member.
     *
     * @return the number of members it was sent to
     */
    int publish(String group, Object message);

    /** Sends {@code message} to the members of {@code group} on this node. */
    int localPublish(String group, Object message);

    /** {@link #multiCall(String, Object, Duration)} with the default timeout (syn.multi-call-timeout). */
    <R> MultiCallResult<R> multiCall(String group, Object request);

    /**
     * Sends {@code request} to every member as a call and gathers their replies (given with
     * {@code context.reply(..)}). Returns as soon as every member answered, died or its node left, and at
     * the latest after {@code timeout}; members without an answer are in the bad replies.
     */
    <R> MultiCallResult<R> multiCall(String group, Object request, Duration timeout);

}
