package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.PythonPeer;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Java RpcClient and Notifier against Debian's real oslo.messaging RPCServer and listener. */
class JavaClientToPythonServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Transport transport;
    private static PythonPeer python;
    private static String topic;
    private static final List<String> serverIds = new ArrayList<>();
    private static RpcClient client;
    private static final MessageContext CONTEXT = MessageContext.of(Map.of("user_id", "u-1", "project_id", "p-1",
            "request_id", "req-2", "auth_token", "SECRET-TOKEN", "is_admin", true));

    @BeforeAll
    static void start() throws Exception {
        Broker.requireRunning();
        transport = Transport.open(TransportConfig.of(Broker.URL), 3);
        python = PythonPeer.start(Broker.URL, Map.of());
        topic = Broker.uniqueTopic("java-to-py");
        for (String server : List.of("py-a", "py-b")) {
            ObjectNode serve = PythonJson.MAPPER.createObjectNode();
            serve.put("op", "serve");
            serve.put("topic", topic);
            serve.put("server", server);
            serve.put("version", "1.5");
            JsonNode r = python.request(serve, WAIT);
            assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
            serverIds.add(r.get("server_id").asText());
        }
        client = transport.client(Target.topic(topic).withServer("py-a").withVersion("1.2")).withTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (python != null) {
            python.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    private static List<JsonNode> received(int serverIndex) {
        ObjectNode c = PythonJson.MAPPER.createObjectNode();
        c.put("op", "received");
        c.put("server_id", serverIds.get(serverIndex));
        List<JsonNode> out = new ArrayList<>();
        python.request(c, WAIT).path("records").forEach(out::add);
        return out;
    }

    @Test
    void callReturnsThePythonResult() {
        JsonNode r = client.call(CONTEXT, "echo", Map.of("value", Map.of("name", "vol-1", "sizes", List.of(1, 2))));
        assertThat(r).isEqualTo(PythonJson.MAPPER.valueToTree(Map.of("name", "vol-1", "sizes", List.of(1, 2))));
    }

    @Test
    void callReturnsUnicodeIntact() {
        assertThat(client.call(CONTEXT, "echo", Map.of("value", "Größe 😀")).textValue()).isEqualTo("Größe 😀");
    }

    @Test
    void castIsDelivered() {
        String marker = UUID.randomUUID().toString();
        client.cast(CONTEXT, "record", Map.of("marker", marker));
        await().atMost(WAIT).until(() -> received(0).stream().anyMatch(r -> r.toString().contains(marker)));
    }

    @Test
    void fanoutReachesBothPythonServers() {
        String marker = UUID.randomUUID().toString();
        client.prepare(t -> t.withServer(null).withFanout(true)).cast(CONTEXT, "record", Map.of("marker", marker));
        await().atMost(WAIT).until(() -> received(0).stream().anyMatch(r -> r.toString().contains(marker))
                && received(1).stream().anyMatch(r -> r.toString().contains(marker)));
    }

    @Test
    void pythonExceptionSurfacesWithClassAndMessage() {
        assertThatThrownBy(() -> client.call(CONTEXT, "fail", Map.of("message", "disk on fire")))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.failure().className()).isEqualTo("PeerFailure");
                    assertThat(e.failure().module()).isEqualTo("ebs_test_exceptions");
                    assertThat(e.failure().message()).isEqualTo("disk on fire");
                    assertThat(e.failure().traceback()).first().asString().startsWith("Traceback");
                    assertThat(e.is("ebs_test_exceptions", "PeerFailure")).isTrue();
                });
    }

    @Test
    void pythonServerRefusesATooNewVersionWithUnsupportedVersion() {
        assertThatThrownBy(() -> client.prepare(t -> t.withVersion("1.9")).call(CONTEXT, "echo", Map.of()))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.failure().className()).isEqualTo("UnsupportedVersion");
                    assertThat(e.failure().module()).isEqualTo("oslo_messaging.rpc.dispatcher");
                });
    }

    @Test
    void callTimesOutWithAClearMessage() {
        assertThatThrownBy(() -> client.withTimeout(Duration.ofSeconds(1)).call(CONTEXT, "sleep", Map.of("seconds", 3)))
                .isInstanceOf(MessagingTimeoutException.class)
                .hasMessageContaining("method sleep")
                .hasMessageContaining(topic);
    }

    @Test
    void versionCapRefusesANewerMessageBeforeSending() {
        assertThatThrownBy(() -> client.withVersionCap("1.1").call(CONTEXT, "echo", Map.of()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("version cap 1.1");
    }

    @Test
    void notificationReachesAPythonListenerWithoutTheToken() {
        String topicName = Broker.uniqueTopic("notif");
        ObjectNode listen = PythonJson.MAPPER.createObjectNode();
        listen.put("op", "listen_notifications");
        listen.putArray("topics").add(topicName);
        JsonNode l = python.request(listen, WAIT);
        assertThat(l.path("ok").asBoolean()).as(l.toString()).isTrue();
        String listenerId = l.get("listener_id").asText();

        Notifier notifier = transport.notifier("volume.hci-0001@EBS", List.of(topicName));
        assertThat(notifier.notify(CONTEXT, Notifier.Priority.INFO, "volume.create.end",
                Map.of("volume_id", "v-1", "size", 1))).isTrue();

        ObjectNode get = PythonJson.MAPPER.createObjectNode();
        get.put("op", "notifications");
        get.put("listener_id", listenerId);
        await().atMost(WAIT).until(() -> python.request(get, WAIT).path("notifications").size() > 0);
        JsonNode n = python.request(get, WAIT).path("notifications").get(0);
        assertThat(n.get("publisher_id").asText()).isEqualTo("volume.hci-0001@EBS");
        assertThat(n.get("event_type").asText()).isEqualTo("volume.create.end");
        assertThat(n.get("priority").asText()).isEqualToIgnoringCase("info");
        assertThat(n.at("/payload/volume_id").asText()).isEqualTo("v-1");
        assertThat(n.get("ctxt").toString()).contains("req-2").doesNotContain("SECRET-TOKEN");
        assertThat(n.at("/metadata/timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?");
    }

    @Test
    void notificationToAnUnreachableBrokerNeverThrows() throws Exception {
        Transport doomed = Transport.open(TransportConfig.of(Broker.URL), 3);
        Notifier notifier = doomed.notifier("volume.x", List.of("notifications"));
        doomed.close();
        assertThat(notifier.notify(CONTEXT, Notifier.Priority.ERROR, "volume.delete.end", Map.of())).isFalse();
    }
}
