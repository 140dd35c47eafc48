package org.ebsvolume.messaging;

import java.util.Objects;

/**
 * Where a message goes and which endpoint may take it; oslo's {@code Target}. For a server,
 * {@code topic} and {@code server} name the queues it consumes; for a client, {@code server}
 * narrows a cast or call to one server, {@code fanout} sends to all, and {@code version} is the
 * version the message claims.
 */
public record Target(String exchange, String topic, String namespace, String version, String server, boolean fanout) {

    public Target {
        if (topic != null && topic.isEmpty()) {
            throw new IllegalArgumentException("target topic must not be empty");
        }
    }

    public static Target topic(String topic) {
        return new Target(null, Objects.requireNonNull(topic, "topic"), null, null, null, false);
    }

    public Target withServer(String server) {
        return new Target(exchange, topic, namespace, version, server, fanout);
    }

    public Target withVersion(String version) {
        return new Target(exchange, topic, namespace, version, server, fanout);
    }

    public Target withNamespace(String namespace) {
        return new Target(exchange, topic, namespace, version, server, fanout);
    }

    public Target withExchange(String exchange) {
        return new Target(exchange, topic, namespace, version, server, fanout);
    }

    public Target withFanout(boolean fanout) {
        return new Target(exchange, topic, namespace, version, server, fanout);
    }

    /** The routing key oslo publishes a topic message with: {@code topic} or {@code topic.server}. */
    public String routingKey() {
        return server == null ? topic : topic + "." + server;
    }

    @Override
    public String toString() {
        return "Target(topic=" + topic + (server != null ? ", server=" + server : "")
                + (version != null ? ", version=" + version : "") + (namespace != null ? ", namespace=" + namespace : "")
                + (fanout ? ", fanout" : "") + (exchange != null ? ", exchange=" + exchange : "") + ")";
    }
}
