package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.ebsvolume.messaging.impl.Envelope;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.CapturedLog;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The caller's token and the broker password never reach a log line, on success or on any failure path. */
class SecretsStayOutOfLogsTest {

    private static final String TOKEN = "gAAAAAB-keystone-token-SECRET";
    private static final String PASSWORD = "broker-Pa55-SECRET";

    @Test
    void tokensAndPasswordsNeverReachTheLog() throws Exception {
        Broker.requireRunning();
        String topic = Broker.uniqueTopic("secrets");
        MessageContext ctx = MessageContext.of(Map.of("auth_token", TOKEN, "request_id", "req-s", "user_id", "u"));
        try (CapturedLog log = new CapturedLog()) {
            try (Transport transport = Transport.open(TransportConfig.of(Broker.URL), 3)) {
                transport.serve(Target.topic(topic).withServer("s"), List.of(Endpoint.builder("1.0")
                        .method("echo", (c, a) -> a)
                        .method("boom", (c, a) -> {
                            throw new IllegalStateException("handler failed for " + c);
                        })
                        .build()));
                RpcClient client = transport.client(Target.topic(topic).withServer("s").withVersion("1.0"))
                        .withTimeout(Duration.ofSeconds(10));
                client.call(ctx, "echo", Map.of("x", 1));
                assertThatThrownBy(() -> client.call(ctx, "boom", Map.of())).isInstanceOf(RemoteException.class);
                assertThatThrownBy(() -> client.call(ctx, "missing", Map.of())).isInstanceOf(RemoteException.class);
                assertThatThrownBy(() -> client.prepare(t -> t.withVersion("9.0")).call(ctx, "echo", Map.of()))
                        .isInstanceOf(RemoteException.class);
                publishMalformed(topic + ".s");
                // The server rejects it on its consumer thread, some time after the publish returned.
                // Wait for that line while the server still consumes: closing the transport first could
                // cancel the consumer before the message arrives, and the rejection path would never run.
                // (CapturedLog copies a list that logging threads append to unsynchronised; a copy that
                // races an append can throw, and the next poll simply reads again.)
                await("the server to log the rejection of the malformed request on " + topic)
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                        .until(() -> log.lines().stream().anyMatch(l -> l.contains("Rejected a malformed request on Target(topic=" + topic)));
                transport.notifier("volume.test", List.of(topic + "-notifications")).info(ctx, "volume.test", Map.of());
            }
            String badUrl = "rabbit://guest:" + PASSWORD + "@127.0.0.1:1/?rabbit_retry_interval=1&rabbit_retry_backoff=0&kombu_reconnect_delay=0";
            assertThatThrownBy(() -> Transport.open(TransportConfig.of(badUrl), 2)).hasMessageNotContaining(PASSWORD);
            // No wait needed here: the calls logged before their replies came back, the transport's close
            // stopped its server and connections, and the failed open logged its attempts before throwing.
            String text = log.text();
            assertThat(text).contains("req-s").contains("Rejected a malformed request");
            assertThat(text).doesNotContain(TOKEN).doesNotContain(PASSWORD);
        } finally {
            Broker.delete(List.of(), List.of(topic + "-notifications.info"));
        }
    }

    /** A request that decodes but has no method: logged as rejected, with the token in its context. */
    private static void publishMalformed(String routingKey) throws Exception {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost("127.0.0.1");
        try (Connection c = cf.newConnection("secrets-test"); Channel ch = c.createChannel()) {
            ObjectNode inner = PythonJson.MAPPER.createObjectNode();
            inner.putObject("args");
            inner.put("_context_auth_token", TOKEN);
            inner.put("_context_request_id", "req-s");
            ch.basicPublish("openstack", routingKey, Envelope.properties(0), Envelope.wrap(inner));
        }
    }
}
