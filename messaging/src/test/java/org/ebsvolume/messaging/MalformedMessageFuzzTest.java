package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.ebsvolume.messaging.impl.Envelope;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ten thousand mutated envelopes at a running server: it must reject or answer each one, keep its
 * consumers, and still answer a valid call afterwards.
 */
class MalformedMessageFuzzTest {

    private static final int MESSAGES = 10_000;
    private static final int LIMIT = 2 * 1024 * 1024;

    @Test
    void tenThousandMutatedEnvelopesNeverStopTheServer() throws Exception {
        Broker.requireRunning();
        String topic = Broker.uniqueTopic("fuzz");
        try (Transport transport = Transport.open(TransportConfig.of(Broker.URL), 3)) {
            RpcServer server = transport.serve(Target.topic(topic).withServer("s1"),
                    List.of(Endpoint.builder("1.0").method("echo", (ctx, args) -> args.get("value")).build()),
                    RpcServerSettings.defaults().withMaxMessageBytes(LIMIT));
            ConnectionFactory cf = new ConnectionFactory();
            cf.setHost("127.0.0.1");
            try (Connection raw = cf.newConnection("fuzzer"); Channel ch = raw.createChannel()) {
                // Replies of mutated calls that still parse go to a sink queue that exists, so the
                // server's reply path is exercised too.
                String sink = ch.queueDeclare("reply_fuzz_" + topic, false, false, true, Map.of()).getQueue();
                ObjectNode template = PythonJson.MAPPER.createObjectNode();
                template.put("method", "echo");
                template.putObject("args").put("value", "hello");
                template.put("version", "1.0");
                template.put("_msg_id", "0123456789abcdef0123456789abcdef");
                template.put("_reply_q", sink);
                template.putNull("_timeout");
                template.put("_context_user_id", "u");
                template.put("_context_auth_token", "SECRET-TOKEN");

                Random random = new Random(20261123);
                Map<String, Integer> kinds = new TreeMap<>();
                String queue = topic + ".s1";
                for (int i = 0; i < MESSAGES; i++) {
                    template.put("_unique_id", Integer.toHexString(i));
                    Mutation m = mutate(random, template, i);
                    kinds.merge(m.kind, 1, Integer::sum);
                    ch.basicPublish("openstack", queue, m.props, m.body);
                }
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ch.messageCount(queue) == 0);
                System.out.println("fuzz: " + MESSAGES + " mutated envelopes sent " + kinds
                        + "; failure/replies received in sink: " + ch.messageCount(sink));

                assertThat(ch.consumerCount(queue)).as("the server still consumes its queue").isEqualTo(1);
                assertThat(ch.consumerCount(topic)).isEqualTo(1);
                assertThat(server.failedQueues()).isEmpty();
                RpcClient client = transport.client(Target.topic(topic).withServer("s1").withVersion("1.0"))
                        .withTimeout(Duration.ofSeconds(10));
                assertThat(client.call(MessageContext.empty(), "echo", Map.of("value", "still here")).asText())
                        .isEqualTo("still here");
                ch.queueDelete(sink);
            }
        }
    }

    private record Mutation(String kind, AMQP.BasicProperties props, byte[] body) {
    }

    private static Mutation mutate(Random r, ObjectNode template, int i) {
        AMQP.BasicProperties json = Envelope.properties(0);
        byte[] valid = Envelope.wrap(template);
        int choice = r.nextInt(100);
        if (choice < 35) {
            byte[] b = valid.clone();
            for (int n = 1 + r.nextInt(5); n > 0; n--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            return new Mutation("byte-flips", json, b);
        }
        if (choice < 55) {
            return new Mutation("truncated", json, Arrays.copyOf(valid, r.nextInt(valid.length)));
        }
        if (choice < 80) {
            ObjectNode inner = template.deepCopy();
            String[] keys = {"method", "args", "version", "namespace", "_msg_id", "_reply_q", "_timeout", "_unique_id"};
            String key = keys[r.nextInt(keys.length)];
            switch (r.nextInt(6)) {
                case 0 -> inner.put(key, r.nextInt());
                case 1 -> inner.putArray(key).add("x");
                case 2 -> inner.putNull(key);
                case 3 -> inner.putObject(key).put("a", 1);
                case 4 -> inner.remove(key);
                default -> inner.put(key, true);
            }
            return new Mutation("wrong-type:" + key, json, Envelope.wrap(inner));
        }
        if (choice < 86) {
            String[] bodies = {
                "{\"oslo.version\": \"2.0\", \"oslo.message\": {\"method\": \"echo\"}}",
                "{\"oslo.version\": 2.0, \"oslo.message\": \"{}\"}",
                "{\"oslo.version\": \"3.0\", \"oslo.message\": \"{}\"}",
                "{\"oslo.version\": \"x.y\", \"oslo.message\": \"{}\"}",
                "[1, 2, 3]", "\"just a string\"", "null", "", "{}",
                "{\"oslo.version\": \"2.0\", \"oslo.message\": \"[\\\"not an object\\\"]\"}",
            };
            return new Mutation("bad-envelope", json, bodies[r.nextInt(bodies.length)].getBytes(StandardCharsets.UTF_8));
        }
        if (choice < 92) {
            AMQP.BasicProperties other = r.nextBoolean() ? new AMQP.BasicProperties()
                    : new AMQP.BasicProperties.Builder().contentType("text/plain").build();
            return new Mutation("wrong-content-type", other, valid);
        }
        if (choice < 97) {
            byte[] garbage = new byte[r.nextInt(2048)];
            r.nextBytes(garbage);
            return new Mutation("random-bytes", json, garbage);
        }
        ObjectNode inner = template.deepCopy();
        // A handful over the size limit, the rest large but allowed.
        int size = i % 7 == 0 ? LIMIT + 1024 : 256 * 1024;
        inner.putObject("args").put("value", "é".repeat(size / 6));
        return new Mutation(size > LIMIT ? "oversized" : "huge-string", json, Envelope.wrap(inner));
    }
}
