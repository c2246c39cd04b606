package io.synspring.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.gadgets.Identity;
import com.example.gadgets.Payload;
import com.example.gadgets.Plain;
import com.example.gadgets.Point;
import com.hazelcast.config.Config;
import io.synspring.NodeRegistry;
import io.synspring.RejectedValue;
import io.synspring.SynSettings;
import io.synspring.groups.Membership;
import io.synspring.internal.wire.ValuePolicy;
import io.synspring.process.SynProcess;
import io.synspring.registry.Registration;
import io.synspring.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.example.foreign.ForeignPlain;
import org.example.foreign.ForeignRecord;
import org.example.foreign.ForeignSerializable;
import org.example.foreign.Token;
import org.example.foreign.Tripwire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One policy decides which values cross the wire, whatever serialization Hazelcast would pick for them (Java,
 * reflective Compact, a registered serializer, collections): checked at the call on the sending node, and again
 * on receipt, before anything is instantiated. Nodes 0 and 1 allow {@code com.example.} and register a Compact
 * serializer for {@link Token}; node 2 also allows {@code org.example.} (it lets through, at the call, values the
 * others refuse: how a peer that does not share the policy looks to them) and registers no serializer.
 */
class ValuePolicyTests {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestCluster addresses;
    private static final List<NodeRegistry> nodes = new ArrayList<>();

    @BeforeAll
    static void start() {
        addresses = new TestCluster(3);
        nodes.add(start(0, List.of("com.example."), true));
        nodes.add(start(1, List.of("com.example."), true));
        nodes.add(start(2, List.of("com.example.", "org.example."), false));
        await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream().allMatch(node -> node.nodes().size() == 3));
    }

    private static NodeRegistry start(int index, List<String> allowed, boolean tokenSerializer) {
        Config config = addresses.memberConfig(index).toConfig();
        if (tokenSerializer) {
            config.getSerializationConfig().getCompactSerializationConfig().addSerializer(new Token.Serializer());
        }
        return NodeRegistry.create(config, SynSettings.builder().nodeName("node-" + (index + 1))
                .allowedClassPrefixes(allowed).syncRetry(Duration.ofMillis(500)).build());
    }

    @AfterAll
    static void stop() {
        for (NodeRegistry node : nodes) {
            node.hazelcast().getLifecycleService().terminate();
            node.close();
        }
    }

    static Stream<Object> allowed() {
        return Stream.of("text", 42, 7L, new byte[] {1, 2, 3}, UUID.fromString("00000000-0000-0000-0000-000000000042"),
                LocalDate.of(2024, 5, 1), new Payload("serializable record"), new Plain("plain class"),
                new Point(1, 2), new ArrayList<>(List.of(new Point(1, 2), new Point(3, 4))),
                new HashMap<>(Map.of("plain", new Plain("in a map"))), List.of("immutable", "list"),
                Map.of("nested", List.of(new Payload("deep"))), new Token("registered serializer"));
    }

    @ParameterizedTest
    @MethodSource("allowed")
    void anAllowedValueArrivesEqualOnAnotherNode(Object value) {
        SynProcess process = nodes.get(0).spawn((message, context) -> {});
        String name = "allowed-" + NAMES.incrementAndGet();

        nodes.get(0).registry().register(name, process.ref(), value);
        nodes.get(0).groups().join(name, process.ref(), value);

        await().until(() -> nodes.get(1).registry().lookup(name).isPresent()
                && !nodes.get(1).groups().members(name).isEmpty());
        assertThat(nodes.get(1).registry().lookup(name).get().meta()).isEqualTo(value);
        assertThat(nodes.get(1).groups().members(name).get(0).meta()).isEqualTo(value);
    }

    static Stream<Arguments> refused() {
        String property = "syn.serialization.allowed-classes";
        return Stream.of(
                Arguments.of(new ForeignPlain("plain class"), List.of(ForeignPlain.class.getName(), property)),
                Arguments.of(new ForeignRecord("record"), List.of(ForeignRecord.class.getName(), property)),
                Arguments.of(new ForeignSerializable("serializable"),
                        List.of(ForeignSerializable.class.getName(), property)),
                Arguments.of(new ArrayList<>(List.of(new ForeignRecord("in a list"))),
                        List.of(ForeignRecord.class.getName(), property)),
                Arguments.of(new HashMap<>(Map.of("key", new ForeignPlain("in a map"))),
                        List.of(ForeignPlain.class.getName(), property)),
                Arguments.of((Runnable) () -> {}, List.of("function")),
                Arguments.of((Runnable & Serializable) () -> {}, List.of("function")),
                Arguments.of((Function<String, String>) String::trim, List.of("function")),
                Arguments.of(new ArrayList<>(List.of((Runnable) () -> {})), List.of("function")),
                Arguments.of(new ArrayList<>(List.of((Runnable & Serializable) () -> {})), List.of("SerializedLambda")),
                Arguments.of(Optional.of("x"), List.of("cannot be serialized")));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aValueOutsideThePolicyIsRefusedAtTheCallWithWhatToDo(Object value, List<String> explanation) {
        SynProcess process = nodes.get(0).spawn((message, context) -> {});
        String name = "refused-" + NAMES.incrementAndGet();
        nodes.get(0).registry().register(name, process.ref(), "before");
        nodes.get(0).groups().join(name, process.ref(), "before");
        await().until(() -> nodes.get(1).registry().lookup(name).isPresent());

        assertThatThrownBy(() -> nodes.get(0).registry().register(name, process.ref(), value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(explanation.toArray(String[]::new));
        assertThatThrownBy(() -> nodes.get(0).groups().join(name, process.ref(), value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(explanation.toArray(String[]::new));
        assertThatThrownBy(() -> nodes.get(1).registry().send(name, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(explanation.toArray(String[]::new));
        assertThatThrownBy(() -> nodes.get(1).groups().publish(name, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(explanation.toArray(String[]::new));
        assertThat(nodes.get(0).registry().lookup(name).map(Registration::meta)).contains("before");
        assertThat(nodes.get(0).groups().members(name)).extracting(Membership::meta).containsExactly("before");
    }

    @Test
    void metadataMustReadBackEqualWhileAMessageNeedOnlyKeepItsClass() {
        List<Object> received = new CopyOnWriteArrayList<>();
        SynProcess process = nodes.get(0).spawn((message, context) -> received.add(message));
        nodes.get(0).registry().register("identity", process.ref());
        await().until(() -> nodes.get(1).registry().lookup("identity").isPresent());

        assertThatThrownBy(() -> nodes.get(0).registry().register("identity", process.ref(), new Identity("meta")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equal value");
        nodes.get(1).registry().send("identity", new Identity("message"));

        await().until(() -> !received.isEmpty());
        assertThat(received).singleElement().isInstanceOf(Identity.class).hasToString("Identity(message)");
    }

    @Test
    void aReceiverInstantiatesNothingOutsideItsPolicyAndKeepsTheEntries() {
        SynProcess process = nodes.get(2).spawn((message, context) -> {});
        Map<String, Object> values = Map.of("tripwire", new Tripwire("constructor"), "plain", new ForeignPlain("x"),
                "record", new ForeignRecord("x"), "serializable", new ForeignSerializable("x"),
                "list", new ArrayList<>(List.of(new ForeignRecord("in a list"))),
                "map", new HashMap<>(Map.of("key", new Tripwire("in a map"))));
        values.forEach((name, value) -> nodes.get(2).registry().register("receipt-" + name, process.ref(), value));
        int created = Tripwire.CREATED.get();

        await().until(() -> values.keySet().stream()
                .allMatch(name -> nodes.get(0).registry().lookup("receipt-" + name).isPresent()));
        for (String name : values.keySet()) {
            Registration received = nodes.get(0).registry().lookup("receipt-" + name).get();
            assertThat(received.process()).isEqualTo(process.ref());
            assertThat(received.meta()).as(name).isInstanceOf(RejectedValue.class)
                    .extracting(meta -> ((RejectedValue) meta).reason()).asString()
                    .contains("org.example.foreign.", "syn.serialization.allowed-classes");
        }
        assertThat(Tripwire.CREATED).as("instances of a refused class").hasValue(created);
    }

    @Test
    void aMessageOutsideTheReceiversPolicyIsDroppedAndLaterMessagesArrive() {
        List<Object> received = new CopyOnWriteArrayList<>();
        SynProcess target = nodes.get(0).spawn((message, context) -> received.add(message));
        nodes.get(0).groups().join("receipt-messages", target.ref());
        await().until(() -> !nodes.get(2).groups().members("receipt-messages").isEmpty());

        nodes.get(2).groups().publish("receipt-messages", new ForeignPlain("plain"));
        nodes.get(2).groups().publish("receipt-messages", new ArrayList<>(List.of(new ForeignRecord("in a list"))));
        nodes.get(2).groups().publish("receipt-messages", "after");

        await().until(() -> received.contains("after"));
        assertThat(received).containsExactly("after");
    }

    @Test
    void aRegisteredCompactSerializerCountsOnlyOnTheNodesThatRegisterIt() {
        SynProcess process = nodes.get(0).spawn((message, context) -> {});
        nodes.get(0).registry().register("token", process.ref(), new Token("t"));

        await().until(() -> nodes.get(2).registry().lookup("token").isPresent());
        assertThat(nodes.get(1).registry().lookup("token").get().meta()).isEqualTo(new Token("t"));
        assertThat(nodes.get(2).registry().lookup("token").get().meta()).isInstanceOf(RejectedValue.class)
                .extracting(meta -> ((RejectedValue) meta).reason()).asString().contains("token");
    }

    @Test
    void aSerializedLambdaFromTheNetworkIsNeverRun() throws IOException {
        ValuePolicy policy = new ValuePolicy(nodes.get(2).hazelcast(), List.of(""));
        byte javaEncoding = policy.write(new Payload("x"))[0];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(javaEncoding);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject((Runnable & Serializable) () -> {});
        }

        assertThat(policy.read(bytes.toByteArray())).isInstanceOf(RejectedValue.class)
                .extracting(meta -> ((RejectedValue) meta).reason()).asString().contains("SerializedLambda");
    }
}
