package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.CapturedLog;
import org.ebsvolume.messaging.testing.PythonPeer;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Python and a Java server declare the same topology for the same options (as rabbitmqctl lists
 * it: flags, arguments, bindings), share a queue without a 406, and both receive its messages.
 */
class SharedQueueTopologyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void defaultOptionsDeclareWhatPythonDeclaresAndShareQueues() throws Exception {
        checkParity(Map.of(), "", "openstack");
    }

    @Test
    void quorumQueuesDeclareWhatPythonDeclaresAndShareQueues() throws Exception {
        // Quorum makes the control exchange durable; a private one avoids clashing with "openstack".
        String exchange = Broker.uniqueTopic("ebs-quorum");
        Map<String, String> python = new LinkedHashMap<>();
        python.put("oslo_messaging_rabbit.rabbit_quorum_queue", "true");
        python.put("oslo_messaging_rabbit.rabbit_quorum_delivery_limit", "3");
        python.put("DEFAULT.control_exchange", exchange);
        try {
            checkParity(python, "?rabbit_quorum_queue=true&rabbit_quorum_delivery_limit=3", exchange);
        } finally {
            Broker.delete(List.of(exchange), List.of());
        }
    }

    @Test
    void aQueueDeclaredWithOtherArgumentsIsLoggedAndTheRestStillServes() throws Exception {
        Broker.requireRunning();
        String topic = Broker.uniqueTopic("mismatch");
        // Python declares the queues as quorum; the Java server durable classic queues (so that the
        // exchange matches and only the queue arguments differ).
        String exchange = Broker.uniqueTopic("ebs-mismatch");
        try (PythonPeer python = PythonPeer.start(Broker.URL, Map.of(
                     "oslo_messaging_rabbit.rabbit_quorum_queue", "true", "DEFAULT.control_exchange", exchange));
             Transport transport = Transport.open(TransportConfig.of(Broker.URL + "?amqp_durable_queues=true").withControlExchange(exchange), 3)) {
            serve(python, topic, "s1");
            RpcServer server;
            try (CapturedLog log = new CapturedLog()) {
                server = transport.serve(Target.topic(topic).withServer("s1"), List.of(javaEndpoint()));
                assertThat(log.text()).contains("Cannot consume queue " + topic + ":")
                        .contains("inequivalent arg 'x-queue-type'");
            }
            assertThat(server.failedQueues()).containsExactly(topic, topic + ".s1");
            assertThat(server.queues()).singleElement().asString().startsWith(topic + "_fanout_");
            deleteQueues(topic);
        } finally {
            Broker.delete(List.of(exchange), List.of());
        }
    }

    private void checkParity(Map<String, String> pythonOptions, String urlQuery, String exchange) throws Exception {
        Broker.requireRunning();
        String pyTopic = Broker.uniqueTopic("parity-py");
        String javaTopic = Broker.uniqueTopic("parity-java");
        String shared = Broker.uniqueTopic("shared");
        TransportConfig config = TransportConfig.of(Broker.URL + urlQuery).withControlExchange(exchange);
        try (PythonPeer python = PythonPeer.start(Broker.URL, pythonOptions);
             Transport transport = Transport.open(config, 3)) {
            serve(python, pyTopic, "node1");
            transport.serve(Target.topic(javaTopic).withServer("node1"), List.of(javaEndpoint()));

            assertThat(topology(javaTopic)).isEqualTo(topology(pyTopic)).isNotEmpty();

            // Both on one topic and server: the same two work queues, no 406, both get messages.
            serve(python, shared, "node1");
            RpcServer javaShared = transport.serve(Target.topic(shared).withServer("node1"), List.of(javaEndpoint()));
            assertThat(javaShared.failedQueues()).isEmpty();
            Set<String> answeredBy = new HashSet<>();
            for (int i = 0; i < 40 && answeredBy.size() < 2; i++) {
                ObjectNode call = PythonJson.MAPPER.createObjectNode();
                call.put("op", "call");
                call.put("topic", shared);
                call.put("server", "node1");
                call.put("method", "echo");
                call.putObject("args").put("value", "ping");
                call.put("version", "1.0");
                call.put("timeout", 10);
                JsonNode r = python.request(call, WAIT);
                assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
                answeredBy.add(r.get("result").asText().startsWith("java:") ? "java" : "python");
            }
            assertThat(answeredBy).containsExactlyInAnyOrder("java", "python");
        } finally {
            for (String t : List.of(pyTopic, javaTopic, shared)) {
                deleteQueues(t);
            }
        }
    }

    private static Endpoint javaEndpoint() {
        return Endpoint.builder("1.5").method("echo", (ctx, args) -> "java:" + args.path("value").asText()).build();
    }

    private static void serve(PythonPeer python, String topic, String server) {
        ObjectNode serve = PythonJson.MAPPER.createObjectNode();
        serve.put("op", "serve");
        serve.put("topic", topic);
        serve.put("server", server);
        serve.put("version", "1.5");
        JsonNode r = python.request(serve, WAIT);
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
    }

    /**
     * Queues, exchanges and bindings that belong to {@code topic}, as rabbitmqctl prints them,
     * with the topic and the random fanout suffix replaced so two topics can be compared.
     */
    private static Set<String> topology(String topic) {
        Set<String> out = new TreeSet<>();
        for (String line : Broker.rabbitmqctl("list_queues", "--no-table-headers", "name", "durable", "auto_delete",
                "exclusive", "type", "arguments")) {
            if (line.startsWith(topic)) {
                out.add("queue " + normalise(line, topic));
            }
        }
        for (String line : Broker.rabbitmqctl("list_exchanges", "--no-table-headers", "name", "type", "durable",
                "auto_delete", "internal", "arguments")) {
            if (line.startsWith(topic)) {
                out.add("exchange " + normalise(line, topic));
            }
        }
        for (String line : Broker.rabbitmqctl("list_bindings", "--no-table-headers", "source_name", "source_kind",
                "destination_name", "destination_kind", "routing_key", "arguments")) {
            if (line.contains(topic)) {
                out.add("binding " + normalise(line, topic));
            }
        }
        for (String line : Broker.rabbitmqctl("list_consumers", "--no-table-headers", "queue_name", "consumer_tag",
                "ack_required", "prefetch_count", "arguments")) {
            if (line.startsWith(topic)) {
                out.add("consumer " + normalise(line, topic));
            }
        }
        return out;
    }

    private static String normalise(String line, String topic) {
        return line.replace(topic, "T").replaceAll("_fanout_[0-9a-f]{32}", "_fanout_*");
    }

    private static void deleteQueues(String topic) {
        Broker.delete(List.of(), Broker.rabbitmqctl("list_queues", "--no-table-headers", "name").stream()
                .map(String::trim).filter(q -> q.startsWith(topic)).toList());
    }
}
