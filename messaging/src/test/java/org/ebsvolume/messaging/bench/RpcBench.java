package org.ebsvolume.messaging.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import org.ebsvolume.messaging.Endpoint;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.messaging.impl.Envelope;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.PythonPeer;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.wire.PythonJson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Call round trip, Python oslo.messaging client to three servers on the same broker in the same
 * run: the Java RpcServer, Python's own RPCServer, and the floor — a raw responder that answers
 * each call straight from the consumer callback, with no dispatch, executor or confirms.
 * Rounds are interleaved so that drift on the machine hits every server alike.
 *
 * <p>Run with {@code scripts/bench-rpc [calls-per-round] [rounds]}.
 */
public final class RpcBench {

    public static void main(String[] argv) throws Exception {
        int perRound = argv.length > 0 ? Integer.parseInt(argv[0]) : 1000;
        int rounds = argv.length > 1 ? Integer.parseInt(argv[1]) : 5;
        String run = UUID.randomUUID().toString().substring(0, 6);
        String javaTopic = "bench-java-" + run;
        String pythonTopic = "bench-python-" + run;
        String rawTopic = "bench-raw-" + run;

        try (Transport transport = Transport.open(TransportConfig.of(Broker.URL), 3);
             PythonPeer serverPeer = PythonPeer.start(Broker.URL, Map.of());
             PythonPeer clientPeer = PythonPeer.start(Broker.URL, Map.of());
             RawResponder raw = new RawResponder(rawTopic, "s")) {
            transport.serve(Target.topic(javaTopic).withServer("s"),
                    List.of(Endpoint.builder("1.5").method("echo", (ctx, args) -> args.get("value")).build()));
            ObjectNode serve = PythonJson.MAPPER.createObjectNode();
            serve.put("op", "serve").put("topic", pythonTopic).put("server", "s").put("version", "1.5");
            check(serverPeer.request(serve, Duration.ofSeconds(30)));

            Map<String, String> servers = new LinkedHashMap<>();
            servers.put("floor: raw responder (Java, no dispatch)", rawTopic);
            servers.put("Java RpcServer (ebs-volume)", javaTopic);
            servers.put("Python RPCServer (oslo.messaging 14)", pythonTopic);
            Map<String, List<Double>> latencies = new LinkedHashMap<>();
            Map<String, Double> seconds = new LinkedHashMap<>();
            servers.keySet().forEach(k -> {
                latencies.put(k, new ArrayList<>());
                seconds.put(k, 0.0);
            });
            for (String topic : servers.values()) {
                calls(clientPeer, topic, 200); // warm-up: JIT, connections, reply queue
            }
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, String> s : servers.entrySet()) {
                    long t0 = System.nanoTime();
                    JsonNode r = calls(clientPeer, s.getValue(), perRound);
                    seconds.merge(s.getKey(), (System.nanoTime() - t0) / 1e9, Double::sum);
                    r.path("latencies_ms").forEach(l -> latencies.get(s.getKey()).add(l.asDouble()));
                    if (r.path("failed").asInt() > 0) {
                        throw new IllegalStateException(s.getKey() + ": " + r.path("failed").asInt() + " calls failed: " + r.path("errors"));
                    }
                }
            }
            System.out.printf("%nPython oslo.messaging RPCClient -> server, same broker, %d rounds x %d calls, sequential calls%n",
                    rounds, perRound);
            System.out.printf("%-44s %10s %10s %10s %12s%n", "server", "p50 ms", "p99 ms", "p99/p50", "calls/s");
            double floorP50 = 0;
            for (String name : servers.keySet()) {
                double[] l = latencies.get(name).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double p50 = percentile(l, 50);
                double p99 = percentile(l, 99);
                if (floorP50 == 0) {
                    floorP50 = p50;
                }
                System.out.printf("%-44s %10.3f %10.3f %10.2f %12.0f   (p50 %+.1f%% vs floor)%n", name, p50, p99, p99 / p50,
                        l.length / seconds.get(name), (p50 / floorP50 - 1) * 100);
            }
        }
    }

    private static JsonNode calls(PythonPeer peer, String topic, int count) {
        ObjectNode c = PythonJson.MAPPER.createObjectNode();
        c.put("op", "calls").put("topic", topic).put("server", "s").put("method", "echo").put("version", "1.0")
                .put("timeout", 10).put("count", count).put("rate", 0);
        c.putObject("args").put("value", "ping");
        return check(peer.request(c, Duration.ofMinutes(10)));
    }

    private static JsonNode check(JsonNode r) {
        if (!r.path("ok").asBoolean()) {
            throw new IllegalStateException("python peer: " + r);
        }
        return r;
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(i, sorted.length - 1))];
    }

    /** Answers every call from the consumer callback: the cost of the broker and the client alone. */
    static final class RawResponder implements AutoCloseable {
        private final Connection connection;

        RawResponder(String topic, String server) throws Exception {
            ConnectionFactory cf = new ConnectionFactory();
            cf.setHost("127.0.0.1");
            connection = cf.newConnection("bench-raw");
            Channel ch = connection.createChannel();
            ch.exchangeDeclare("openstack", "topic", false, false, null);
            String queue = topic + "." + server;
            ch.queueDeclare(queue, false, false, false, Map.of());
            ch.queueBind(queue, "openstack", queue);
            ch.basicConsume(queue, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, com.rabbitmq.client.Envelope env, AMQP.BasicProperties props, byte[] body) {
                    try {
                        ObjectNode request = Envelope.unwrap(body, props.getContentType());
                        ObjectNode reply = PythonJson.MAPPER.createObjectNode();
                        reply.set("result", request.path("args").get("value"));
                        reply.putNull("failure");
                        reply.put("ending", true);
                        reply.put("_msg_id", request.path("_msg_id").asText());
                        reply.put("_unique_id", UUID.randomUUID().toString().replace("-", ""));
                        getChannel().basicPublish("", request.path("_reply_q").asText(), Envelope.properties(0), Envelope.wrap(reply));
                    } catch (Exception e) {
                        System.err.println("raw responder: " + e + " " + Arrays.toString(e.getStackTrace()));
                    }
                }
            });
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
