package io.synspring.internal.scope;

import io.micrometer.observation.transport.Kind;
import io.synspring.NodeId;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.groups.Groups;
import io.synspring.groups.JoinResult;
import io.synspring.groups.LeaveResult;
import io.synspring.groups.Membership;
import io.synspring.groups.MultiCallResult;
import io.synspring.internal.observation.Observations;
import io.synspring.internal.process.Messenger;
import io.synspring.internal.process.ReplyTo;
import io.synspring.internal.replica.GroupTable;
import io.synspring.internal.wire.WireMessage;
import io.synspring.process.ExitReason;
import io.synspring.process.ProcessRef;
import io.synspring.registry.MetadataUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The {@link Groups} of one scope, over its engine. */
public final class ScopeGroups implements Groups {

    private final ScopeEngine engine;
    private final Guard guard;
    private final Messenger messenger;
    private final PendingCalls calls;
    private final Duration defaultTimeout;
    private final GroupTable groups;

    public ScopeGroups(ScopeEngine engine, Guard guard, Messenger messenger, PendingCalls calls,
            Duration defaultTimeout) {
        this.engine = engine;
        this.guard = guard;
        this.messenger = messenger;
        this.calls = calls;
        this.defaultTimeout = defaultTimeout;
        this.groups = engine.replica().groups();
    }

    @Override
    public String scope() {
        return engine.scope();
    }

    @Override
    public JoinResult join(String group, ProcessRef process, @Nullable Object meta) {
        guard.name(group, "group name");
        Objects.requireNonNull(process, "process");
        guard.meta(meta);
        return engine.join(group, process, meta);
    }

    @Override
    public LeaveResult leave(String group, ProcessRef process) {
        guard.name(group, "group name");
        return engine.leave(group, Objects.requireNonNull(process, "process"));
    }

    @Override
    public GroupUpdateResult update(String group, ProcessRef process, MetadataUpdate update) {
        guard.name(group, "group name");
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(update, "update");
        return engine.updateMember(group, process, update);
    }

    @Override
    public List<Membership> members(String group) {
        guard.name(group, "group name");
        return alive(messenger.noneExiting(), groups.members(group));
    }

    @Override
    public List<Membership> localMembers(String group) {
        guard.name(group, "group name");
        return alive(messenger.noneExiting(), groups.members(group, engine.self()));
    }

    /** @param noneExiting read before the members: see {@link Messenger#noneExiting} */
    private List<Membership> alive(boolean noneExiting, List<Membership> members) {
        if (!noneExiting) {
            members.removeIf(member -> !messenger.isAliveOrRemote(member.process()));
        }
        return members;
    }

    @Override
    public Optional<Membership> member(String group, ProcessRef process) {
        Membership member = groups.member(guard.name(group, "group name"), Objects.requireNonNull(process, "process"));
        return member != null && messenger.isAliveOrRemote(process) ? Optional.of(member) : Optional.empty();
    }

    @Override
    public boolean isLocalMember(String group, ProcessRef process) {
        return process.node().equals(engine.self()) && isMember(group, process);
    }

    @Override
    public int memberCount(String group) {
        return groups.memberCount(guard.name(group, "group name"));
    }

    @Override
    public int memberCount(String group, NodeId node) {
        return groups.memberCount(guard.name(group, "group name"), Objects.requireNonNull(node, "node"));
    }

    @Override
    public int localMemberCount(String group) {
        return memberCount(group, engine.self());
    }

    @Override
    public int groupCount() {
        return groups.groupCount();
    }

    @Override
    public int groupCount(NodeId node) {
        return groups.groupCount(Objects.requireNonNull(node, "node"));
    }

    @Override
    public int localGroupCount() {
        return groupCount(engine.self());
    }

    @Override
    public Set<String> groupNames() {
        return groups.groupNames();
    }

    @Override
    public Stream<String> groupNameStream() {
        return groups.groupNameStream();
    }

    @Override
    public Set<String> groupNames(NodeId node) {
        return groups.groupNames(Objects.requireNonNull(node, "node"));
    }

    @Override
    public Set<String> localGroupNames() {
        return groupNames(engine.self());
    }

    @Override
    public Set<String> groupsOf(ProcessRef process) {
        return groups.groupsOf(Objects.requireNonNull(process, "process"));
    }

    @Override
    public int publish(String group, Object message) {
        List<Membership> members = members(group);
        Observations observations = messenger.observations();
        if (observations.on() && members.stream().anyMatch(member -> !member.node().equals(engine.self()))) {
            return observations.send("publish", engine.scope(), null, Kind.PRODUCER,
                    trace -> publish(members, message, null, null, trace),
                    recipients -> recipients == members.size() ? "SENT" : "PARTIAL");
        }
        return publish(members, message, null);
    }

    @Override
    public int localPublish(String group, Object message) {
        return publish(localMembers(group), message, null);
    }

    @Override
    public <R> MultiCallResult<R> multiCall(String group, Object request) {
        return multiCall(group, request, defaultTimeout);
    }

    @Override
    public <R> MultiCallResult<R> multiCall(String group, Object request, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<Membership> members = members(group);
        if (members.isEmpty()) {
            return new MultiCallResult<>(List.of(), List.of());
        }
        Gathering gathering = new Gathering(members);
        long callId = calls.register(gathering);
        try {
            Observations observations = messenger.observations();
            if (observations.on()) {
                return observations.send("multicall", engine.scope(), null, Kind.CLIENT,
                        trace -> gather(members, request, timeout, gathering, callId, trace),
                        result -> result.badReplies().isEmpty() ? "REPLIED" : "PARTIAL");
            }
            return gather(members, request, timeout, gathering, callId, null);
        } finally {
            calls.forget(callId);
        }
    }

    private <R> MultiCallResult<R> gather(List<Membership> members, Object request, Duration timeout,
            Gathering gathering, long callId, @Nullable Map<String, String> trace) {
        publish(members, request, new ReplyTo(engine.self(), callId), gathering, trace);
        try {
            gathering.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            // whoever has not answered by now is a bad reply
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return gathering.result();
    }

    private int publish(List<Membership> members, Object message, @Nullable ReplyTo replyTo) {
        return publish(members, message, replyTo, null, null);
    }

    private int publish(List<Membership> members, Object message, @Nullable ReplyTo replyTo,
            @Nullable Gathering gathering, @Nullable Map<String, String> trace) {
        Objects.requireNonNull(message, "message");
        Map<NodeId, List<ProcessRef>> byNode = new HashMap<>();
        for (Membership member : members) {
            byNode.computeIfAbsent(member.node(), node -> new ArrayList<>()).add(member.process());
        }
        if (byNode.keySet().stream().anyMatch(node -> !node.equals(engine.self()))) {
            guard.message(message);
        }
        int recipients = 0;
        for (Map.Entry<NodeId, List<ProcessRef>> entry : byNode.entrySet()) {
            long[] ids = entry.getValue().stream().mapToLong(ProcessRef::id).toArray();
            int delivered = messenger.deliver(entry.getKey(), ids, message, replyTo, trace);
            recipients += delivered;
            if (gathering != null && delivered < ids.length) {
                // local members that died or are overloaded will not answer
                entry.getValue().forEach(gathering::checkLocal);
            }
        }
        return recipients;
    }

    /** Collects a multi-call's replies; done when every member answered or is known not to. */
    private final class Gathering implements PendingCalls.Waiter {
        private final Map<ProcessRef, Membership> pending = new LinkedHashMap<>();
        private final List<MultiCallResult.Reply<Object>> replies = new ArrayList<>();
        private final List<Membership> bad = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Gathering(List<Membership> members) {
            members.forEach(member -> pending.put(member.process(), member));
        }

        @Override
        public synchronized void answer(Object answer) {
            if (answer instanceof WireMessage.Reply reply) {
                Membership member = pending.remove(reply.process());
                if (member != null) {
                    replies.add(new MultiCallResult.Reply<>(member.process(), member.meta(), reply.reply()));
                    checkDone();
                }
            } else if (answer instanceof WireMessage.Undelivered undelivered) {
                // members whose node could not hand them the request (a full mailbox, an exit) will not answer
                for (long id : undelivered.targets()) {
                    Membership member = pending.remove(new ProcessRef(undelivered.from(), id));
                    if (member != null) {
                        bad.add(member);
                    }
                }
                checkDone();
            }
        }

        @Override
        public synchronized void nodeDown(NodeId node) {
            pending.values().removeIf(member -> {
                if (member.node().equals(node)) {
                    bad.add(member);
                    return true;
                }
                return false;
            });
            checkDone();
        }

        @Override
        public synchronized void processExited(ProcessRef process, @Nullable ExitReason reason) {
            Membership member = pending.remove(process);
            if (member != null) {
                bad.add(member);
                checkDone();
            }
        }

        synchronized void checkLocal(ProcessRef process) {
            if (pending.containsKey(process) && !messenger.isAliveOrRemote(process)) {
                processExited(process, null);
            }
        }

        @Override
        public boolean isDone() {
            return done.isDone();
        }

        private void checkDone() {
            if (pending.isEmpty()) {
                done.complete(null);
            }
        }

        @SuppressWarnings("unchecked")
        synchronized <R> MultiCallResult<R> result() {
            List<Membership> badReplies = new ArrayList<>(bad);
            badReplies.addAll(pending.values());
            List<MultiCallResult.Reply<R>> typed = new ArrayList<>();
            replies.forEach(reply -> typed.add((MultiCallResult.Reply<R>) (MultiCallResult.Reply<?>) reply));
            return new MultiCallResult<>(typed, badReplies);
        }
    }
}
