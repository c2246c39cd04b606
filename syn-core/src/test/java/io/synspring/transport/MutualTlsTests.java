package io.synspring.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.process.SynProcess;
import io.synspring.testing.TestCluster;
import java.io.InputStream;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The links between nodes over mutual TLS: nodes with a trusted certificate talk, a stranger's links are refused,
 * and a node's certificate must name it, so no node speaks for another.
 */
class MutualTlsTests {

    @Test
    void nodesWithTrustedCertificatesExchangeEverything() throws Exception {
        SSLContext cluster = sslContext("cluster.p12");
        try (TestCluster nodes = new TestCluster(2)) {
            // one certificate for the whole cluster: it names no node
            nodes.startNode(0, settings -> settings.transportSsl(cluster).nodeNameInCertificate(false));
            nodes.startNode(1, settings -> settings.transportSsl(cluster).nodeNameInCertificate(false));
            nodes.awaitFullyConnected();
            SynProcess echo = nodes.node(1).spawn((message, ctx) -> ctx.reply("re:" + message));
            nodes.node(1).registry().register("echo", echo.ref());
            nodes.node(0).registry().register("other", nodes.node(0).spawn((message, ctx) -> {}).ref());

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
            // Hazelcast lets it in: membership is not what TLS guards
            await().until(() -> nodes.node(0).hazelcast().getCluster().getMembers().size() == 2);
            nodes.node(0).registry().register("trusted", nodes.node(0).spawn((message, ctx) -> {}).ref());
            nodes.node(1).registry().register("intruder", nodes.node(1).spawn((message, ctx) -> {}).ref());

            await().until(() -> nodes.node(0).transportCounts().refused() > 0
                    && nodes.node(1).transportCounts().refused() > 0);
            assertThat(nodes.node(0).nodes()).containsExactly(nodes.node(0).node());
            assertThat(nodes.node(1).nodes()).containsExactly(nodes.node(1).node());
            assertThat(nodes.node(0).registry().lookup("intruder")).isEmpty();
            assertThat(nodes.node(1).registry().lookup("trusted")).isEmpty();
            assertThat(nodes.node(0).transportCounts().messagesReceived()).isZero();
            assertThat(nodes.node(1).transportCounts().messagesReceived()).isZero();
        }
    }

    @Test
    void aNodeSpeaksOnlyForTheNodeItsCertificateNames() throws Exception {
        SSLContext node1 = sslContext("node-1.p12", "truststore.p12");
        SSLContext node2 = sslContext("node-2.p12", "truststore.p12");
        try (TestCluster nodes = new TestCluster(3)) {
            nodes.startNode(0, settings -> settings.transportSsl(node1));
            nodes.startNode(1, settings -> settings.transportSsl(node2));
            // node-3 holds a certificate the cluster trusts, but it names node-1
            nodes.startNode(2, settings -> settings.transportSsl(node1));
            nodes.node(2).registry().register("impostor", nodes.node(2).spawn((message, ctx) -> {}).ref());
            nodes.node(0).registry().register("genuine", nodes.node(0).spawn((message, ctx) -> {}).ref());

            await().until(() -> nodes.node(0).nodes().equals(Set.of(nodes.node(0).node(), nodes.node(1).node()))
                    && nodes.node(1).registry().lookup("genuine").isPresent());
            await().until(() -> nodes.node(0).transportCounts().refused() > 0
                    && nodes.node(1).transportCounts().refused() > 0);
            assertThat(nodes.node(1).nodes()).doesNotContain(nodes.node(2).node());
            assertThat(nodes.node(0).registry().lookup("impostor")).isEmpty();
            assertThat(nodes.node(1).registry().lookup("impostor")).isEmpty();
            assertThat(nodes.node(2).registry().lookup("genuine")).isEmpty();
        }
    }

    static SSLContext sslContext(String keyStore) throws Exception {
        return sslContext(keyStore, keyStore);
    }

    static SSLContext sslContext(String keyStore, String trustStore) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keyStore), "changeit".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(trustStore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(String file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = MutualTlsTests.class.getResourceAsStream("/tls/" + file)) {
            store.load(in, "changeit".toCharArray());
        }
        return store;
    }
}
