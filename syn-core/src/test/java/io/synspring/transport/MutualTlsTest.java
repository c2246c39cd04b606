package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.process.SynProcess;
import io.synspring.testing.TestCluster;
import java.io.InputStream;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The links between nodes over mutual TLS: nodes with a trusted certificate talk, a stranger's links are refused. */
class MutualTlsTest {

    @Test
    void nodesWithTrustedCertificatesExchangeEverything() throws Exception {
        SSLContext cluster = sslContext("cluster.p12");
        try (TestCluster nodes = new TestCluster(2)) {
            nodes.startNode(0, settings -> settings.transportSsl(cluster));
            nodes.startNode(1, settings -> settings.transportSsl(cluster));
            nodes.awaitFullyConnected();
            SynProcess echo = nodes.node(1).spawn((message, ctx) -> ctx.reply("re:" + message));
            nodes.node(1).registry().register("echo", echo.ref());
            nodes.node(0).registry().register("other", nodes.node(0).spawn((message, ctx) -> { }).ref());

            await().until(() -> nodes.node(0).registry().count() == 2 && nodes.node(1).registry().count() == 2);
            assertThat(nodes.node(0).registry().<String>call("echo", "tls", Duration.ofSeconds(5)).get())
                    .isEqualTo("re:tls");
            assertThat(nodes.nodes()).allSatisfy(node -> assertThat(node.unreachableNodes()).isEmpty());
        }
    }

    @Test
    void aNodeWhoseCertificateIsNotTrustedGetsNoLink() throws Exception {
        SSLContext cluster = sslContext("cluster.p12");
        SSLContext stranger = sslContext("stranger.p12");
        try (TestCluster nodes = new TestCluster(2)) {
            nodes.startNode(0, settings -> settings.transportSsl(cluster).unreachableAfter(Duration.ofMillis(500)));
            nodes.startNode(1, settings -> settings.transportSsl(stranger).unreachableAfter(Duration.ofMillis(500)));
            nodes.awaitFullyConnected(); // Hazelcast lets it in: membership is not what TLS guards
            nodes.node(0).registry().register("trusted", nodes.node(0).spawn((message, ctx) -> { }).ref());
            nodes.node(1).registry().register("intruder", nodes.node(1).spawn((message, ctx) -> { }).ref());

            await().until(() -> nodes.node(0).unreachableNodes().contains(nodes.node(1).node())
                    && nodes.node(1).unreachableNodes().contains(nodes.node(0).node()));
            assertThat(nodes.node(0).registry().lookup("intruder")).isEmpty();
            assertThat(nodes.node(1).registry().lookup("trusted")).isEmpty();
            assertThat(nodes.node(0).transportCounts().messagesReceived()).isZero();
            assertThat(nodes.node(1).transportCounts().messagesReceived()).isZero();
        }
    }

    static SSLContext sslContext(String keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = MutualTlsTest.class.getResourceAsStream("/tls/" + keyStore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
