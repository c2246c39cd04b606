package io.synspring.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.gadgets.Firmware;
import io.synspring.NodeRegistry;
import io.synspring.groups.GroupUpdateResult;
import io.synspring.groups.Membership;
import io.synspring.process.SynProcess;
import io.synspring.testing.TestCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An update of a remote process's metadata sends data, not code: the function runs on the calling node, on the
 * metadata it holds, and the owner compare-and-sets the result, answering with its current metadata when it
 * changed meanwhile, so the function runs again. On default settings (no allowed classes).
 */
class RemoteUpdateTests {

    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static NodeRegistry owner() {
        return cluster.node(0);
    }

    private static NodeRegistry caller() {
        return cluster.node(1);
    }

    @Test
    void theReadmeExampleUpdatesAProcessOnAnotherNode() {
        SynProcess device = owner().spawn((message, context) -> {});
        owner().registry().register("device-42", device.ref(), Map.of("fw", "1.2"));
        await().until(() -> caller().registry().lookup("device-42").isPresent());
        List<Object> seen = new CopyOnWriteArrayList<>();
        Thread caller = Thread.currentThread(); // captured: not serializable, and it need not be

        UpdateResult result = caller().registry().update("device-42", (process, meta) -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            return Firmware.upgradeTo("1.3", seen).apply(process, meta);
        });

        assertThat(result.status()).isEqualTo(UpdateResult.Status.OK);
        assertThat(result.registration().meta()).isEqualTo(Map.of("fw", "1.3"));
        assertThat(seen).containsExactly(Map.of("fw", "1.2"));
        await().until(() -> caller().registry().lookup("device-42").get().meta().equals(Map.of("fw", "1.3")));
        assertThat(owner().registry().lookup("device-42").get().meta()).isEqualTo(Map.of("fw", "1.3"));
    }

    @Test
    void whenTheOwnerChangedTheMetadataMeanwhileTheFunctionRunsAgainOnTheCurrentOne() {
        SynProcess device = owner().spawn((message, context) -> {});
        owner().registry().register("device-cas", device.ref(), "v1");
        await().until(() -> caller().registry().lookup("device-cas").isPresent());
        List<Object> seen = new CopyOnWriteArrayList<>();

        UpdateResult result = caller().registry().update("device-cas", (process, meta) -> {
            if (seen.isEmpty()) { // a concurrent writer, made deterministic: it wins the first round
                owner().registry().update("device-cas", (p, m) -> "v2");
            }
            seen.add(meta);
            return meta + "+caller";
        });

        assertThat(seen).containsExactly("v1", "v2");
        assertThat(result.status()).isEqualTo(UpdateResult.Status.OK);
        assertThat(result.registration().meta()).isEqualTo("v2+caller");
        await().until(() -> caller().registry().lookup("device-cas").get().meta().equals("v2+caller"));
    }

    @Test
    void anEntryThatChangesEveryTimeEndsInARaceConditionAfterBoundedAttempts() {
        SynProcess device = owner().spawn((message, context) -> {});
        owner().registry().register("device-busy", device.ref(), 0);
        owner().groups().join("busy", device.ref(), 0);
        await().until(() -> caller().registry().lookup("device-busy").isPresent()
                && caller().groups().member("busy", device.ref()).isPresent());
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger memberRuns = new AtomicInteger();

        UpdateResult result = caller().registry().update("device-busy", (process, meta) -> {
            owner().registry().update("device-busy", (p, m) -> runs.incrementAndGet());
            return -1;
        });
        GroupUpdateResult memberResult = caller().groups().update("busy", device.ref(), (process, meta) -> {
            owner().groups().update("busy", device.ref(), (p, m) -> memberRuns.incrementAndGet());
            return -1;
        });

        assertThat(result.status()).isEqualTo(UpdateResult.Status.RACE_CONDITION);
        assertThat(memberResult.status()).isEqualTo(GroupUpdateResult.Status.RACE_CONDITION);
        assertThat(runs).hasValue(MetadataUpdate.MAX_ATTEMPTS);
        assertThat(memberRuns).hasValue(MetadataUpdate.MAX_ATTEMPTS);
        assertThat(owner().registry().lookup("device-busy").get().meta()).isEqualTo(MetadataUpdate.MAX_ATTEMPTS);
        assertThat(owner().groups().member("busy", device.ref()).map(Membership::meta))
                .contains(MetadataUpdate.MAX_ATTEMPTS);
    }

    @Test
    void aMemberUpdateOfARemoteProcessRetriesOnTheCurrentMetadata() {
        SynProcess device = owner().spawn((message, context) -> {});
        owner().groups().join("tenant", device.ref(), Map.of("fw", "1.0"));
        await().until(() -> caller().groups().member("tenant", device.ref()).isPresent());
        List<Object> seen = new CopyOnWriteArrayList<>();

        GroupUpdateResult result = caller().groups().update("tenant", device.ref(), (process, meta) -> {
            if (seen.isEmpty()) {
                owner().groups().update("tenant", device.ref(), (p, m) -> Map.of("fw", "1.1", "zone", "b"));
            }
            return Firmware.upgradeTo("2.0", seen).apply(process, meta);
        });

        assertThat(seen).containsExactly(Map.of("fw", "1.0"), Map.of("fw", "1.1", "zone", "b"));
        assertThat(result.membership().meta()).isEqualTo(Map.of("fw", "2.0", "zone", "b"));
        await().until(() -> caller().groups().member("tenant", device.ref()).get().meta()
                .equals(Map.of("fw", "2.0", "zone", "b")));
    }
}
