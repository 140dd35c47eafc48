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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Debian's real oslo.messaging RPCClient calling a Java RpcServer. */
class PythonClientToJavaServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Transport transport;
    private static PythonPeer python;
    private static String topic;
    private static final List<JsonNode> casts = new CopyOnWriteArrayList<>();
    private static final List<String> fanoutsSeenBy = new CopyOnWriteArrayList<>();
    private static final Map<String, Hold> holds = new ConcurrentHashMap<>();

    /** A {@code hold} call: its handler counts {@code started} down, then waits until {@code release} is counted down. */
    private record Hold(CountDownLatch started, CountDownLatch release) {
        Hold() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Broker.requireRunning();
        transport = Transport.open(TransportConfig.of(Broker.URL), 3);
        topic = Broker.uniqueTopic("py-to-java");
        for (String server : List.of("java-a", "java-b")) {
            transport.serve(Target.topic(topic).withServer(server), List.of(endpoint(server)));
        }
        python = PythonPeer.start(Broker.URL, Map.of());
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

    private static Endpoint endpoint(String server) {
        return Endpoint.builder("1.5")
                .method("echo", (ctx, args) -> args.get("value"))
                .method("context", (ctx, args) -> ctx.toWire())
                .method("record", (ctx, args) -> {
                    casts.add(args);
                    return null;
                })
                .method("fanout_probe", (ctx, args) -> {
                    fanoutsSeenBy.add(server);
                    return null;
                })
                .method("sleep", (ctx, args) -> {
                    Thread.sleep((long) (args.get("seconds").asDouble() * 1000));
                    return "slept";
                })
                .method("hold", (ctx, args) -> {
                    Hold hold = holds.get(args.get("marker").asText());
                    hold.started().countDown();
                    // Bounded so that a failed test cannot leave the handler thread waiting for ever.
                    if (!hold.release().await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("hold " + args.get("marker") + " was never released");
                    }
                    return "released";
                })
                .method("raise_exposed", (ctx, args) -> {
                    throw new ExposedException("ebs_test_exceptions", "PeerFailure", args.get("message").asText(), Map.of());
                })
                .method("raise_java", (ctx, args) -> {
                    throw new IllegalArgumentException("size must be positive, got " + args.get("size"));
                })
                .build();
    }

    private static ObjectNode command(String op, String method, Object args) {
        ObjectNode c = PythonJson.MAPPER.createObjectNode();
        c.put("op", op);
        c.put("topic", topic);
        c.put("server", "java-a");
        c.put("method", method);
        c.set("args", PythonJson.MAPPER.valueToTree(args));
        c.put("version", "1.0");
        c.put("timeout", 10);
        c.set("context", PythonJson.MAPPER.valueToTree(Map.of("user_id", "u-1", "project_id", "p-1",
                "auth_token", "SECRET-TOKEN", "request_id", "req-1")));
        return c;
    }

    private static JsonNode call(String method, Object args) {
        return python.request(command("call", method, args), WAIT);
    }

    private static JsonNode result(JsonNode response) {
        assertThat(response.path("ok").asBoolean()).as("python response %s", response).isTrue();
        return response.get("result");
    }

    @Test
    void callReturnsADict() {
        Map<String, Object> dict = Map.of("id", "vol-1", "size", 10, "nested", Map.of("k", List.of(1, 2)));
        assertThat(result(call("echo", Map.of("value", dict)))).isEqualTo(PythonJson.MAPPER.valueToTree(dict));
    }

    @Test
    void callReturnsAList() {
        assertThat(result(call("echo", Map.of("value", List.of(1, "two", 3.5, true)))))
                .isEqualTo(PythonJson.MAPPER.valueToTree(List.of(1, "two", 3.5, true)));
    }

    @Test
    void callReturnsUnicode() {
        assertThat(result(call("echo", Map.of("value", "Größe 😀 中文"))).textValue()).isEqualTo("Größe 😀 中文");
    }

    @Test
    void callReturnsNone() {
        assertThat(result(call("echo", Map.of())).isNull()).isTrue();
    }

    @Test
    void callReturnsAOneMebibyteValue() {
        String big = "x".repeat(1024 * 1024);
        assertThat(result(call("echo", Map.of("value", big))).textValue()).isEqualTo(big);
    }

    @Test
    void contextArrivesWithoutThePrefixAndWithClientTimeout() {
        JsonNode ctx = result(call("context", Map.of()));
        assertThat(ctx.get("user_id").asText()).isEqualTo("u-1");
        assertThat(ctx.get("request_id").asText()).isEqualTo("req-1");
        assertThat(ctx.has("client_timeout")).isTrue();
    }

    @Test
    void castIsDelivered() {
        String marker = java.util.UUID.randomUUID().toString();
        JsonNode r = python.request(command("cast", "record", Map.of("marker", marker)), WAIT);
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        await().atMost(WAIT).until(() -> casts.stream().anyMatch(a -> marker.equals(a.path("marker").asText())));
    }

    @Test
    void fanoutReachesBothJavaServers() {
        fanoutsSeenBy.clear();
        ObjectNode c = command("fanout", "fanout_probe", Map.of());
        c.putNull("server");
        JsonNode r = python.request(c, WAIT);
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        await().atMost(WAIT).until(() -> fanoutsSeenBy.containsAll(List.of("java-a", "java-b")));
        assertThat(fanoutsSeenBy).hasSize(2);
    }

    @Test
    void exposedExceptionIsRaisedAsItsPythonClass() {
        JsonNode r = call("raise_exposed", Map.of("message", "volume vol-9 is busy"));
        assertThat(r.path("ok").asBoolean()).isFalse();
        assertThat(r.at("/error/type").asText()).isEqualTo("PeerFailure_Remote");
        assertThat(r.at("/error/module").asText()).isEqualTo("ebs_test_exceptions_Remote");
        assertThat(r.at("/error/message").asText()).isEqualTo("volume vol-9 is busy");
    }

    @Test
    void javaExceptionIsRaisedAsTheNearestBuiltin() {
        JsonNode r = call("raise_java", Map.of("size", -1));
        assertThat(r.path("ok").asBoolean()).isFalse();
        assertThat(r.at("/error/type").asText()).isEqualTo("ValueError");
        assertThat(r.at("/error/full").asText()).contains("size must be positive, got -1");
    }

    @Test
    void tooNewVersionGetsUnsupportedVersion() {
        ObjectNode c = command("call", "echo", Map.of());
        c.put("version", "1.6");
        JsonNode r = python.request(c, WAIT);
        assertThat(r.at("/error/type").asText()).isEqualTo("RemoteError");
        assertThat(r.at("/error/exc_type").asText()).isEqualTo("UnsupportedVersion");
        assertThat(r.at("/error/value").asText()).isEqualTo("Endpoint does not support RPC version 1.6. Attempted method: echo");
    }

    @Test
    void unknownMethodGetsNoSuchMethod() {
        JsonNode r = call("no_such_thing", Map.of());
        assertThat(r.at("/error/type").asText()).isEqualTo("RemoteError");
        assertThat(r.at("/error/exc_type").asText()).isEqualTo("NoSuchMethod");
        assertThat(r.at("/error/value").asText()).isEqualTo("Endpoint does not support RPC method no_such_thing");
    }

    @Test
    void privateMethodNamesAreNeverDispatched() {
        JsonNode r = call("_secret", Map.of());
        assertThat(r.at("/error/exc_type").asText()).isEqualTo("NoSuchMethod");
    }

    @Test
    void callMonitorHeartbeatsKeepALongCallAlive() {
        // The caller gives up after 2 s without news; the server's heartbeats (every 1 s) keep it waiting.
        ObjectNode c = command("call", "sleep", Map.of("seconds", 5));
        c.put("timeout", 20);
        c.put("call_monitor_timeout", 2);
        assertThat(result(python.request(c, WAIT)).asText()).isEqualTo("slept");
    }

    @Test
    void callerTimesOutWhenTheHandlerIsSlow() {
        ObjectNode c = command("call", "sleep", Map.of("seconds", 3));
        c.put("timeout", 1);
        JsonNode r = python.request(c, WAIT);
        assertThat(r.at("/error/type").asText()).isEqualTo("MessagingTimeout");
    }

    @Test
    void aSlowHandlerDoesNotHoldUpOtherCalls() throws Exception {
        RpcClient client = transport.client(Target.topic(topic).withServer("java-a").withVersion("1.0"))
                .withTimeout(WAIT);
        // A marker of its own: a handler left running by another test cannot be mistaken for this one.
        String marker = UUID.randomUUID().toString();
        Hold slow = new Hold();
        holds.put(marker, slow);
        CompletableFuture<JsonNode> slowCall = CompletableFuture.supplyAsync(
                () -> client.call(MessageContext.empty(), "hold", Map.of("marker", marker)));
        try {
            // Only once its handler runs on java-a is the slow call in the server's way; a fast call
            // sent before that could simply overtake it.
            assertThat(slow.started().await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the slow call's handler started on java-a within %s", WAIT).isTrue();
            // The slow handler cannot return before it is released below, so an answer here can only
            // come from another handler thread; a server running one handler at a time lets this call
            // time out instead.
            JsonNode fast = client.withTimeout(Duration.ofSeconds(10)).call(MessageContext.empty(), "echo", Map.of("value", 1));
            assertThat(fast.asInt()).isEqualTo(1);
            assertThat(slowCall).as("the slow call, when the fast one was answered").isNotDone();
        } finally {
            slow.release().countDown();
            holds.remove(marker);
        }
        assertThat(slowCall.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).asText()).isEqualTo("released");
    }
}
