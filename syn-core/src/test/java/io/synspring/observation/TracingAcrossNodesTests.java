package io.synspring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.synspring.NodeRegistry;
import io.synspring.process.SendResult;
import io.synspring.process.SynProcess;
import io.synspring.testing.TestCluster;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With a real tracer (Brave) on each node, a send or a call from one node to a process of another is one trace:
 * the gateway's span, the sender's span as its child, and the receiving node's span of the handler as the
 * sender's child, current while the handler runs.
 */
class TracingAcrossNodesTests {

    static TestCluster cluster;
    static TracedNode tracedA;
    static TracedNode tracedB;
    static NodeRegistry a;
    static NodeRegistry b;
    static NodeRegistry untraced;
    /** What B's handler saw as the current span, by message. */
    static final Queue<String[]> seenInHandler = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        tracedA = new TracedNode("node-a");
        tracedB = new TracedNode("node-b");
        cluster = new TestCluster(3);
        a = cluster.startNode(0, settings -> settings.observationRegistry(tracedA.registry));
        b = cluster.startNode(1, settings -> settings.observationRegistry(tracedB.registry));
        untraced = cluster.startNode(2, settings -> settings);
        cluster.awaitFullyConnected();
        SynProcess device = b.spawn((message, ctx) -> {
            Span current = tracedB.tracer.currentSpan();
            seenInHandler.add(new String[] {(String) message, current == null ? "" : current.context().traceId(),
                    current == null ? "" : current.context().spanId()});
            if (ctx.isCall()) {
                ctx.reply("pong");
            }
        });
        b.registry().register("device", device.ref());
        await().until(() -> a.registry().lookup("device").isPresent()
                && untraced.registry().lookup("device").isPresent());
    }

    @AfterAll
    static void stop() {
        cluster.close();
        tracedA.tracing.close();
        tracedB.tracing.close();
    }

    @Test
    void aSendAndItsRemoteDeliveryAreOneTrace() {
        Observation.createNotStarted("gateway-send", tracedA.registry)
                .observe(() -> assertThat(a.registry().send("device", "send-1")).isEqualTo(SendResult.SENT));

        MutableSpan gateway = await().until(() -> tracedA.span("gateway-send"), span -> span != null);
        MutableSpan sent = await().until(() -> tracedA.childOf(gateway, "syn send"), span -> span != null);
        MutableSpan received = await().until(() -> tracedB.childOf(sent, "syn receive send"), span -> span != null);
        assertThat(sent.kind()).isEqualTo(brave.Span.Kind.PRODUCER);
        assertThat(sent.tags()).containsEntry("syn.operation", "send").containsEntry("syn.outcome", "SENT");
        assertThat(received.kind()).isEqualTo(brave.Span.Kind.CONSUMER);
        assertThat(received.traceId()).isEqualTo(gateway.traceId());
        assertThat(seen("send-1")).containsExactly("send-1", gateway.traceId(), received.id());
    }

    @Test
    void aCallAndItsRemoteHandlingAreOneTrace() throws Exception {
        Observation gatewayCall = Observation.start("gateway-call", tracedA.registry);
        try (Observation.Scope scope = gatewayCall.openScope()) {
            assertThat(a.registry().call("device", "call-1", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                    .isEqualTo("pong");
        }
        gatewayCall.stop();

        MutableSpan gateway = await().until(() -> tracedA.span("gateway-call"), span -> span != null);
        MutableSpan call = await().until(() -> tracedA.childOf(gateway, "syn call"), span -> span != null);
        MutableSpan handled = await().until(() -> tracedB.childOf(call, "syn receive call"), span -> span != null);
        assertThat(call.kind()).isEqualTo(brave.Span.Kind.CLIENT);
        assertThat(call.tags()).containsEntry("syn.outcome", "REPLIED");
        assertThat(handled.kind()).isEqualTo(brave.Span.Kind.SERVER);
        assertThat(seen("call-1")).containsExactly("call-1", gateway.traceId(), handled.id());
    }

    @Test
    void aNodeWithoutObservationsSendsNoTraceContext() {
        assertThat(untraced.registry().send("device", "untraced-1")).isEqualTo(SendResult.SENT);

        String[] seen = seen("untraced-1");
        MutableSpan received = await().until(() -> tracedB.spans.stream().filter(span -> span.id().equals(seen[2]))
                .findFirst().orElse(null), span -> span != null);
        assertThat(received.parentId()).isNull(); // a trace of its own: nothing came with the message
        assertThat(received.traceId()).isEqualTo(seen[1]);
    }

    private static String[] seen(String message) {
        return await().until(() -> seenInHandler.stream().filter(seen -> seen[0].equals(message)).findFirst()
                .orElse(null), seen -> seen != null);
    }

    /** A node's tracer: Brave, with the propagating handlers Spring Boot registers. */
    static final class TracedNode {
        final Tracing tracing;
        final Tracer tracer;
        final ObservationRegistry registry = ObservationRegistry.create();
        final Queue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

        TracedNode(String service) {
            tracing = Tracing.newBuilder().localServiceName(service).sampler(Sampler.ALWAYS_SAMPLE)
                    .currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
                    .addSpanHandler(new SpanHandler() {
                        @Override
                        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                            spans.add(span);
                            return true;
                        }
                    }).build();
            tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
                    new BraveBaggageManager());
            BravePropagator propagator = new BravePropagator(tracing);
            registry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
                    new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                    new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                    new DefaultTracingObservationHandler(tracer)));
        }

        MutableSpan span(String name) {
            return spans.stream().filter(span -> name.equals(span.name())).findFirst().orElse(null);
        }

        MutableSpan childOf(MutableSpan parent, String name) {
            return spans.stream().filter(span -> name.equals(span.name()) && parent.id().equals(span.parentId())
                    && parent.traceId().equals(span.traceId())).findFirst().orElse(null);
        }
    }
}
