package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.PythonPeer;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Stops and starts the real rabbitmq-server while a Python client calls a Java server at a steady
 * rate. The server must reconnect, declare its queues again and serve within 5 s of the broker
 * being back.
 */
class BrokerRestartTest {

    /**
     * oslo's default backoff grows to 30 s between attempts, for Python and Java alike; a service
     * that must be back within seconds of a broker restart is configured like this.
     */
    private static final String FAST_RECONNECT = Broker.URL
            + "?rabbit_retry_interval=1&rabbit_retry_backoff=0&rabbit_interval_max=1&kombu_reconnect_delay=0.5";

    @Test
    void javaServerServesAgainWithinFiveSecondsOfTheBrokerComingBack() throws Exception {
        Broker.requireRunning();
        String topic = Broker.uniqueTopic("restart");
        try (Transport transport = Transport.open(TransportConfig.of(FAST_RECONNECT), 3);
             PythonPeer python = PythonPeer.start(Broker.URL, Map.of())) {
            AtomicInteger served = new AtomicInteger();
            RpcServer server = transport.serve(Target.topic(topic).withServer("s1"),
                    List.of(Endpoint.builder("1.0").method("echo", (ctx, args) -> {
                        served.incrementAndGet();
                        return args.get("value");
                    }).build()));

            ObjectNode calls = PythonJson.MAPPER.createObjectNode();
            calls.put("op", "calls");
            calls.put("topic", topic);
            calls.put("server", "s1");
            calls.put("method", "echo");
            calls.putObject("args").put("value", 1);
            calls.put("version", "1.0");
            calls.put("timeout", 2);
            calls.put("count", 300);
            calls.put("rate", 10);
            CompletableFuture<JsonNode> steady = CompletableFuture.supplyAsync(() -> python.request(calls, Duration.ofMinutes(5)));

            // The outage must fall inside the Python client's stream: wait until the Java server is
            // serving its calls (ten: a second of them) before taking the broker away.
            await("the Java server serving the Python client's steady calls")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .failFast("the Python client's calls ended before the broker was stopped", steady::isDone)
                    .until(() -> served.get() >= 10);
            long downAt = System.nanoTime();
            stopBroker();
            // The restart only tests recovery once the server has lost its connection; before that it
            // has nothing to recover from.
            await("the Java server losing its connection to the stopped broker")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !server.isConnected());
            // Every answer the Python client has had so far passed through the broker before it stopped,
            // so its call was served, and counted, by now: ending with more successes than this count
            // means the client got answers after the restart.
            int servedBeforeOutage = served.get();
            startBroker();
            long upAt = System.nanoTime();

            double servedAfter = secondsUntilServed(topic, upAt);
            JsonNode result = steady.get(6, TimeUnit.MINUTES);
            System.out.printf("broker restart: broker down %.1f s; Java server serving again %.2f s after the broker came back;"
                            + " Python client: %d calls, %d failed during the outage %s%n",
                    (upAt - downAt) / 1e9, servedAfter, result.path("succeeded").asInt() + result.path("failed").asInt(),
                    result.path("failed").asInt(), result.path("errors"));
            assertThat(servedAfter).as("seconds from broker up to the Java server answering").isLessThanOrEqualTo(5.0);
            assertThat(result.path("succeeded").asInt())
                    .as("the Python client's successful calls, against the %d the Java server had served when the broker stopped",
                            servedBeforeOutage)
                    .isGreaterThan(servedBeforeOutage);
        } finally {
            if (!Broker.listening()) {
                startBroker();
            }
        }
    }

    /** A fresh client (its own new connection) calls until the server answers. */
    private static double secondsUntilServed(String topic, long upAt) throws Exception {
        try (Transport probe = Transport.open(TransportConfig.of(Broker.URL), 5)) {
            RpcClient client = probe.client(Target.topic(topic).withServer("s1").withVersion("1.0"))
                    .withTimeout(Duration.ofMillis(500));
            long deadline = upAt + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    client.call(MessageContext.empty(), "echo", Map.of("value", 1));
                    return (System.nanoTime() - upAt) / 1e9;
                } catch (MessagingException e) {
                    Thread.sleep(100);
                }
            }
        }
        return fail("the Java server did not answer within 30 s of the broker coming back");
    }

    static void stopBroker() throws InterruptedException {
        Broker.rabbitmqctl("stop");
        for (int i = 0; i < 100 && Broker.listening(); i++) {
            Thread.sleep(100);
        }
        assertThat(Broker.listening()).as("broker stopped").isFalse();
    }

    static void startBroker() throws InterruptedException {
        Broker.run(List.of("env", "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1", "rabbitmq-server", "-detached"), Duration.ofSeconds(60));
        // The Erlang node takes a moment before rabbitmqctl can even reach it.
        for (int i = 0; i < 120 && !Broker.listening(); i++) {
            Thread.sleep(500);
        }
        Broker.rabbitmqctl("await_startup");
        assertThat(Broker.listening()).as("broker listening again").isTrue();
    }
}
