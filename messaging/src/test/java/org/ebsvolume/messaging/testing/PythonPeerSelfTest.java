package org.ebsvolume.messaging.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves the Python peer itself works, Python to Python, before any Java test relies on it:
 * peer A serves/listens, peer B calls/casts/notifies, both through Debian's real oslo.messaging.
 * Every test uses its own topic (UUID suffix) and deletes the queues it leaves behind.
 *
 * <p>Nothing is skipped: without RabbitMQ on 127.0.0.1:5672 or without Debian's Python
 * packages, {@link PythonPeer#start} throws in {@link #startPeers()} and every test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonPeerSelfTest {

    static final String URL = "rabbit://guest:guest@127.0.0.1:5672/";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration AWAIT = Duration.ofSeconds(10);

    PythonPeer serving;
    PythonPeer calling;

    /** Queues oslo or a test created that outlive the peers (non-durable, no expiry). */
    final List<String> queuesToDelete = new ArrayList<>();

    /** Servers and listeners a test started on {@link #serving}, stopped after the test. */
    final List<String> serverIds = new ArrayList<>();
    final List<String> listenerIds = new ArrayList<>();

    @BeforeAll
    void startPeers() {
        serving = PythonPeer.start(URL);
        calling = PythonPeer.start(URL);
    }

    @AfterAll
    void stopPeers() {
        if (calling != null) {
            calling.close();
        }
        if (serving != null) {
            serving.close();
        }
    }

    @AfterEach
    void cleanUp() {
        // Stop consumers first: oslo re-declares a queue deleted under a live consumer.
        // stop_server/stop_listener answer ok:false for ids a test already stopped; fine here.
        for (String id : serverIds) {
            serving.request(PythonPeer.command("stop_server").put("server_id", id));
        }
        for (String id : listenerIds) {
            serving.request(PythonPeer.command("stop_listener").put("listener_id", id));
        }
        serverIds.clear();
        listenerIds.clear();
        for (String queue : queuesToDelete) {
            serving.rawDeleteQueue(queue);
        }
        queuesToDelete.clear();
    }

    /** A fresh topic; its topic queues (plain and per server) are deleted after the test. */
    String topic(String purpose, String... servers) {
        String topic = "peer-selftest-" + purpose + "-" + UUID.randomUUID();
        queuesToDelete.add(topic);
        for (String server : servers) {
            queuesToDelete.add(topic + "." + server);
        }
        return topic;
    }

    String serve(String topic, String server, String version, String fanoutTag) {
        String id = serving.serve(topic, server, version, fanoutTag);
        serverIds.add(id);
        return id;
    }

    String serve(String topic, String server, String version) {
        return serve(topic, server, version, null);
    }

    String listen(String topic) {
        String id = serving.listenNotifications(List.of(topic), null);
        listenerIds.add(id);
        return id;
    }

    @Test
    void readyLineReportsDebiansOsloAndTheBroker() {
        JsonNode info = serving.readyInfo();
        assertThat(info.path("oslo_messaging").asText()).isEqualTo("14.0.3");
        assertThat(info.path("control_exchange").asText()).isEqualTo("openstack");
        assertThat(info.path("broker_version").asText()).isNotEmpty();
        assertThat(serving.stderrLog()).exists();
    }

    @Test
    void echoRoundTripsJsonValues() {
        String topic = topic("echo", "s1");
        serve(topic, "s1", "1.5");

        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("text", "caf\u00e9 \u2603 \u65e5\u672c \ud83d\ude00");
        nested.put("list", Arrays.asList(1, 2.5, "three", null, true));
        nested.put("none", null);
        nested.put("dict", Map.of("inner", Map.of("k", List.of())));

        JsonNode response = calling.call(topic, "s1", "echo", nested);
        assertOk(response);
        assertThat(response.path("result")).isEqualTo(JSON.valueToTree(nested));

        // {"value": x} returns x itself: scalars, lists and None survive as top-level results.
        for (Object value : Arrays.asList(List.of("a", 1), "\u00fcnicode", 42, null)) {
            Map<String, Object> args = new HashMap<>();
            args.put("value", value);
            JsonNode echoed = calling.call(topic, null, "echo", args);
            assertOk(echoed);
            assertThat(echoed.path("result")).isEqualTo(JSON.valueToTree(value));
        }
    }

    @Test
    void endpointFailureIsRebuiltAsTheRealExceptionClass() {
        String topic = topic("fail", "s1");
        serve(topic, "s1", "1.0");

        JsonNode response = calling.call(topic, "s1", "fail", Map.of("message", "boom \u00fc"));
        assertThat(response.path("ok").asBoolean()).isFalse();
        JsonNode error = response.path("error");
        // allowed_remote_exmods contains ebs_test_exceptions, so oslo rebuilds the real class
        // and re-types it to <Name>_Remote in <module>_Remote, a subclass of the original.
        assertThat(error.path("type").asText()).isEqualTo("PeerFailure_Remote");
        assertThat(error.path("module").asText()).isEqualTo("ebs_test_exceptions_Remote");
        assertThat(error.path("original_type").asText()).isEqualTo("PeerFailure");
        assertThat(error.path("original_module").asText()).isEqualTo("ebs_test_exceptions");
        assertThat(texts(error.path("mro"))).contains("ebs_test_exceptions.PeerFailure");
        assertThat(error.path("message").asText()).isEqualTo("boom \u00fc");
        // str() of a rebuilt exception is the message plus the remote traceback.
        assertThat(error.path("full").asText()).contains("Traceback").contains("PeerFailure");
        assertThat(error.has("exc_type")).isFalse();

        JsonNode coded = calling.call(topic, "s1", "fail_coded",
                Map.of("message", "volume gone", "code", 404, "volume_id", "v-1"));
        assertThat(coded.path("error").path("original_type").asText()).isEqualTo("CodedFailure");
        assertThat(coded.path("error").path("kwargs"))
                .isEqualTo(JSON.valueToTree(Map.of("code", 404, "volume_id", "v-1")));

        JsonNode builtin = calling.call(topic, "s1", "fail_builtin", Map.of("message", "bad"));
        assertThat(builtin.path("error").path("type").asText()).isEqualTo("ValueError");
        assertThat(builtin.path("error").path("module").asText()).isEqualTo("builtins");
        assertThat(builtin.path("error").path("message").asText()).isEqualTo("bad");
    }

    @Test
    void dispatcherErrorsArriveAsRemoteError() {
        String topic = topic("dispatch", "s1");
        serve(topic, "s1", "1.5");

        // oslo_messaging.rpc.dispatcher is not in allowed_remote_exmods: RemoteError it is.
        JsonNode noMethod = calling.call(topic, "s1", "no_such_method", Map.of());
        assertThat(noMethod.path("error").path("type").asText()).isEqualTo("RemoteError");
        assertThat(noMethod.path("error").path("exc_type").asText()).isEqualTo("NoSuchMethod");
        assertThat(noMethod.path("error").path("value").asText()).contains("no_such_method");

        JsonNode tooNew = calling.call(topic, "s1", "echo", Map.of(), "2.0", Map.of(),
                PythonPeer.DEFAULT_CALL_TIMEOUT);
        assertThat(tooNew.path("error").path("type").asText()).isEqualTo("RemoteError");
        assertThat(tooNew.path("error").path("exc_type").asText()).isEqualTo("UnsupportedVersion");

        JsonNode compatible = calling.call(topic, "s1", "echo", Map.of("value", 1), "1.2",
                Map.of(), PythonPeer.DEFAULT_CALL_TIMEOUT);
        assertOk(compatible);
    }

    @Test
    void callsNobodyAnswersTimeOut() {
        String topic = topic("timeout", "s1");
        serve(topic, "s1", "1.0");

        JsonNode unanswered = calling.call("peer-selftest-nobody-" + UUID.randomUUID(), null,
                "echo", Map.of(), null, Map.of(), Duration.ofSeconds(1));
        assertThat(unanswered.path("error").path("type").asText()).isEqualTo("MessagingTimeout");
        assertThat(unanswered.path("error").path("module").asText())
                .isEqualTo("oslo_messaging.exceptions");

        JsonNode tooSlow = calling.call(topic, "s1", "sleep", Map.of("seconds", 2), null, Map.of(),
                Duration.ofSeconds(1));
        assertThat(tooSlow.path("error").path("type").asText()).isEqualTo("MessagingTimeout");
    }

    @Test
    void contextReachesTheEndpoint() {
        String topic = topic("context", "s1");
        serve(topic, "s1", "1.0");

        Map<String, Object> context = Map.of("user_id", "u-1", "project_id", "p-1",
                "roles", List.of("admin", "member"), "is_admin", true);
        JsonNode response = calling.call(topic, "s1", "context", Map.of(), null, context,
                PythonPeer.DEFAULT_CALL_TIMEOUT);
        assertOk(response);
        JsonNode received = response.path("result");
        context.forEach((key, value) ->
                assertThat(received.path(key)).as(key).isEqualTo(JSON.valueToTree(value)));
    }

    @Test
    void castIsRecordedWithItsContext() {
        String topic = topic("cast", "s1");
        String serverId = serve(topic, "s1", "1.0");

        assertOk(calling.cast(topic, "s1", "record", Map.of("n", 1)));
        assertOk(calling.cast(topic, null, "record", Map.of("n", 2), "1.0",
                Map.of("request_id", "req-42")));

        ArrayNode records = serving.awaitReceived(serverId, 2, AWAIT);
        assertThat(records).containsExactlyInAnyOrder(
                JSON.valueToTree(Map.of("n", 1)), JSON.valueToTree(Map.of("n", 2)));
        assertThat(serving.receivedContexts(serverId).findValuesAsText("request_id"))
                .containsExactly("req-42");
    }

    @Test
    void fanoutReachesEveryServer() {
        String topic = topic("fanout", "a", "b");
        String serverA = serve(topic, "a", "1.0", "A");
        String serverB = serve(topic, "b", "1.0", "B");

        JsonNode whoIsB = calling.call(topic, "b", "whoami", Map.of());
        assertThat(whoIsB.path("result").path("tag").asText()).isEqualTo("B");

        assertOk(calling.fanout(topic, "record", Map.of("broadcast", "hello")));
        assertThat(serving.awaitReceived(serverA, 1, AWAIT))
                .containsExactly(JSON.valueToTree(Map.of("broadcast", "hello")));
        assertThat(serving.awaitReceived(serverB, 1, AWAIT))
                .containsExactly(JSON.valueToTree(Map.of("broadcast", "hello")));

        serving.stopServer(serverA);
        serving.stopServer(serverB);
    }

    @Test
    void notificationListenerReceivesNotifierMessages() {
        String topic = "peer-selftest-notify-" + UUID.randomUUID();
        for (String priority : List.of("audit", "debug", "info", "warn", "error", "critical",
                "sample")) {
            queuesToDelete.add(topic + "." + priority);
        }
        String listenerId = listen(topic);

        Map<String, Object> context = Map.of("user_id", "u-1", "auth_token", "SECRET");
        assertOk(calling.notify("volume.node1@lvm", "volume.create.end", "info",
                Map.of("volume_id", "v-1", "size", 1), context, List.of(topic)));
        assertOk(calling.notify("volume.node1@lvm", "volume.delete.start", "error",
                Map.of("volume_id", "v-2"), Map.of(), List.of(topic)));

        ArrayNode received = serving.awaitNotifications(listenerId, 2, AWAIT);
        JsonNode info = find(received, "event_type", "volume.create.end");
        assertThat(info.path("priority").asText()).isEqualTo("info");
        assertThat(info.path("publisher_id").asText()).isEqualTo("volume.node1@lvm");
        assertThat(info.path("payload"))
                .isEqualTo(JSON.valueToTree(Map.of("volume_id", "v-1", "size", 1)));
        assertThat(info.path("ctxt").path("user_id").asText()).isEqualTo("u-1");
        // Debian's notifier sanitizes the context: no auth_token on the wire.
        assertThat(info.path("ctxt").has("auth_token")).isFalse();
        assertThat(info.path("metadata").path("message_id").asText()).hasSize(36);
        assertThat(info.path("metadata").path("timestamp").asText())
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?");
        assertThat(find(received, "event_type", "volume.delete.start").path("priority").asText())
                .isEqualTo("error");

        serving.stopListener(listenerId);
    }

    @Test
    void rawGetSeesTheNotificationBytesOsloPublished() throws Exception {
        // With no listener the message waits in the default queue <topic>.<priority> that the
        // notifier declares itself.
        String topic = "peer-selftest-rawnotify-" + UUID.randomUUID();
        queuesToDelete.add(topic + ".info");
        assertOk(calling.notify("volume.node1@lvm", "volume.create.start", "info",
                Map.of("k", "\u00e9"), Map.of("user_id", "u-1"), List.of(topic)));

        JsonNode message = serving.awaitRawGet(topic + ".info", AWAIT);
        JsonNode properties = message.path("properties");
        assertThat(properties.path("content_type").asText()).isEqualTo("application/json");
        assertThat(properties.path("content_encoding").asText()).isEqualTo("utf-8");
        assertThat(properties.path("delivery_mode").asInt()).isEqualTo(2);
        assertThat(properties.path("priority").asInt()).isZero();
        assertThat(properties.path("application_headers")).isEqualTo(JSON.createObjectNode());
        assertThat(message.path("delivery_info").path("exchange").asText()).isEqualTo("openstack");
        assertThat(message.path("delivery_info").path("routing_key").asText())
                .isEqualTo(topic + ".info");

        byte[] body = PythonPeer.bodyBytes(message);
        String text = new String(body, StandardCharsets.US_ASCII);
        // kombu's json.dumps: default separators, ASCII only, inner message JSON-encoded again.
        assertThat(text).startsWith("{\"oslo.version\": \"2.0\", \"oslo.message\": \"{");
        for (byte b : body) {
            assertThat(b & 0xff).isLessThan(0x80);
        }
        JsonNode inner = JSON.readTree(JSON.readTree(body).path("oslo.message").asText());
        assertThat(inner.path("priority").asText()).isEqualTo("INFO");
        assertThat(inner.path("payload").path("k").asText()).isEqualTo("\u00e9");
        assertThat(inner.path("_context_user_id").asText()).isEqualTo("u-1");
    }

    @Test
    void rawPublishSendsExactBytesAndProperties() {
        String queue = "peer-selftest-raw-" + UUID.randomUUID();
        queuesToDelete.add(queue);
        serving.rawDeclareQueue(queue, null, null);

        // Not valid UTF-8 on purpose: raw_publish/raw_get must not touch the bytes.
        byte[] body = {'{', '"', (byte) 0xff, 0, '"', '}'};
        Map<String, Object> properties = Map.of("content_type", "application/json",
                "delivery_mode", 2, "priority", 0, "expiration", "60000",
                "headers", Map.of("x-test", "v"));
        JsonNode published = calling.rawPublish("", queue, body, properties, false);
        assertOk(published);
        assertThat(published.path("returned").asBoolean()).isFalse();

        JsonNode message = serving.awaitRawGet(queue, AWAIT);
        assertThat(PythonPeer.bodyBytes(message)).isEqualTo(body);
        JsonNode got = message.path("properties");
        assertThat(got.path("content_type").asText()).isEqualTo("application/json");
        assertThat(got.path("delivery_mode").asInt()).isEqualTo(2);
        assertThat(got.path("expiration").asText()).isEqualTo("60000");
        assertThat(got.path("application_headers").path("x-test").asText()).isEqualTo("v");
        assertThat(got.has("content_encoding")).isFalse();
        assertThat(serving.rawGet(queue).isNull()).isTrue();

        JsonNode unroutable = calling.rawPublish("", "peer-selftest-missing-" + UUID.randomUUID(),
                body, Map.of(), true);
        assertOk(unroutable);
        assertThat(unroutable.path("returned").asBoolean()).isTrue();
        assertThat(unroutable.path("return").path("reply_code").asInt()).isEqualTo(312);

        JsonNode noExchange = calling.rawPublish("peer-selftest-no-exchange-" + UUID.randomUUID(),
                "k", "x", Map.of());
        assertThat(noExchange.path("ok").asBoolean()).isFalse();
        assertThat(noExchange.path("error").path("type").asText()).isEqualTo("NotFound");
    }

    @Test
    void badCommandsAreAnsweredAndThePeerKeepsWorking() {
        JsonNode unknown = calling.request(PythonPeer.command("no_such_op"));
        assertThat(unknown.path("ok").asBoolean()).isFalse();
        assertThat(unknown.path("error").path("type").asText()).isEqualTo("BadCommand");

        JsonNode missingTopic = calling.request(PythonPeer.command("call").put("method", "echo"));
        assertThat(missingTopic.path("ok").asBoolean()).isFalse();
        assertThat(missingTopic.path("error").path("message").asText()).contains("topic");

        JsonNode unknownServer = calling.request(
                PythonPeer.command("received").put("server_id", "server-999"));
        assertThat(unknownServer.path("ok").asBoolean()).isFalse();

        JsonNode badArgs = calling.request(PythonPeer.command("cast").put("topic", "t")
                .put("method", "m").put("args", "not-an-object"));
        assertThat(badArgs.path("ok").asBoolean()).isFalse();

        assertOk(calling.request(PythonPeer.command("ping")));
        assertThat(calling.isAlive()).isTrue();
    }

    @Test
    void concurrentRequestsAreMatchedById() throws Exception {
        String topic = topic("concurrent", "s1");
        serve(topic, "s1", "1.0");

        // A slow call must not hold up fast ones: the peer answers out of order.
        CompletableFuture<JsonNode> slow = CompletableFuture.supplyAsync(() ->
                calling.call(topic, "s1", "sleep", Map.of("seconds", 2)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<JsonNode>> fast = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                fast.add(CompletableFuture.supplyAsync(
                        () -> calling.call(topic, "s1", "echo", Map.of("value", n)), pool));
            }
            for (int i = 0; i < fast.size(); i++) {
                JsonNode response = fast.get(i).get(30, TimeUnit.SECONDS);
                assertOk(response);
                assertThat(response.path("result").asInt()).isEqualTo(i);
            }
            assertThat(slow.isDone()).as("fast calls finished while the slow one runs").isFalse();
            assertThat(slow.get(30, TimeUnit.SECONDS).path("result").asInt()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void callsArePacedAndTimed() {
        String topic = topic("calls", "s1");
        serve(topic, "s1", "1.0");

        JsonNode series = calling.calls(topic, "s1", "echo", Map.of("value", 1), 10, 20,
                PythonPeer.DEFAULT_CALL_TIMEOUT);
        assertOk(series);
        assertThat(series.path("succeeded").asInt()).isEqualTo(10);
        assertThat(series.path("failed").asInt()).isZero();
        assertThat(series.path("latencies_ms")).hasSize(10);
        series.path("latencies_ms").forEach(l -> assertThat(l.asDouble()).isPositive());
        // 20 per second: starts are at least ~50 ms apart, never a burst.
        JsonNode outcomes = series.path("outcomes");
        for (int i = 1; i < outcomes.size(); i++) {
            double gap = outcomes.get(i).get(0).asDouble() - outcomes.get(i - 1).get(0).asDouble();
            assertThat(gap).as("gap before call %d", i).isGreaterThanOrEqualTo(45.0);
        }

        JsonNode backToBack = calling.calls(topic, "s1", "echo", Map.of("value", 1), 20, 0,
                PythonPeer.DEFAULT_CALL_TIMEOUT);
        assertThat(backToBack.path("succeeded").asInt()).isEqualTo(20);

        JsonNode failing = calling.calls("peer-selftest-nobody-" + UUID.randomUUID(), null,
                "echo", Map.of(), 2, 0, Duration.ofMillis(500));
        assertThat(failing.path("failed").asInt()).isEqualTo(2);
        assertThat(failing.path("errors").path("MessagingTimeout").asInt()).isEqualTo(2);
    }

    @Test
    void extraOptionsReachOsloConfig() {
        String exchange = "ebs-peer-selftest";
        try (PythonPeer custom = PythonPeer.start(URL, Map.of(
                "oslo_messaging_rabbit.rabbit_qos_prefetch_count", "7",
                "control_exchange", exchange))) {
            assertThat(custom.getOption("oslo_messaging_rabbit", "rabbit_qos_prefetch_count")
                    .asInt()).isEqualTo(7);
            assertThat(custom.readyInfo().path("control_exchange").asText()).isEqualTo(exchange);

            // Server and client in the same peer, both on the non-default exchange.
            String topic = topic("exchange", "s1");
            custom.serve(topic, "s1", "1.0");
            assertThat(custom.call(topic, "s1", "echo", Map.of("value", "x"))
                    .path("result").asText()).isEqualTo("x");
        }
    }

    @Test
    void startFailsClearlyWhenTheBrokerIsUnreachable() {
        assertThatThrownBy(() -> PythonPeer.start("rabbit://guest:guest@127.0.0.1:1/"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ConnectionRefusedError")
                .hasMessageContaining("peer stderr");
    }

    @Test
    void startFailsClearlyOnAnUnknownOption() {
        assertThatThrownBy(() -> PythonPeer.start(URL,
                Map.of("oslo_messaging_rabbit.no_such_option", "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NoSuchOptError")
                .hasMessageContaining("no_such_option");
    }

    @Test
    void closeStopsThePeerPromptly() {
        PythonPeer peer = PythonPeer.start(URL);
        String topic = topic("close", "s1");
        peer.serve(topic, "s1", "1.0");
        long started = System.nanoTime();
        peer.close();
        assertThat(peer.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThanOrEqualTo(PythonPeer.CLOSE_TIMEOUT.plusSeconds(3));
        peer.close();  // idempotent
        assertThatThrownBy(() -> peer.request(PythonPeer.command("ping")))
                .isInstanceOf(PythonPeer.PeerException.class);
    }

    @Test
    void aDyingPeerFailsPendingRequestsInsteadOfHanging() {
        PythonPeer peer = PythonPeer.start(URL);
        try {
            // A call nobody answers keeps a request pending for up to 20 s...
            CompletableFuture<JsonNode> pending = CompletableFuture.supplyAsync(() ->
                    peer.call("peer-selftest-nobody-" + UUID.randomUUID(), null, "echo", Map.of(),
                            null, Map.of(), Duration.ofSeconds(20)));
            assertOk(peer.request(PythonPeer.command("ping")));
            // ...until the peer dies under it: the request must fail promptly and say why.
            long started = System.nanoTime();
            ProcessHandle.of(peer.pid()).orElseThrow().destroyForcibly();
            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(PythonPeer.PeerException.class)
                    .hasMessageContaining("exited")
                    .hasMessageContaining("peer stderr");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> peer.request(PythonPeer.command("ping")))
                    .isInstanceOf(PythonPeer.PeerException.class)
                    .hasMessageContaining("exited");
        } finally {
            peer.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    void assertOk(JsonNode response) {
        assertThat(response.path("ok").asBoolean())
                .as("peer response %s (%s)", response, PythonPeer.describeError(response))
                .isTrue();
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode find(ArrayNode items, String field, String value) {
        for (JsonNode item : items) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        throw new AssertionError("no item with " + field + "=" + value + " in " + items);
    }
}
