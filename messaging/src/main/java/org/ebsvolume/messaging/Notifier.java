package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.impl.Envelope;
import org.ebsvolume.messaging.impl.Topology;
import org.ebsvolume.messaging.wire.PythonJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * oslo's {@code Notifier} with the {@code messagingv2} driver: each notification goes to
 * {@code <topic>.<priority>} on the control exchange (creating that queue first, so nothing is lost
 * before a consumer appears), in the 2.0 envelope. A notification that cannot be sent is logged and
 * dropped: it must never fail the operation that emitted it.
 */
public final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    /** Priorities as oslo names them; the routing key uses the lower-case form. */
    public enum Priority { AUDIT, DEBUG, INFO, WARN, ERROR, CRITICAL, SAMPLE }

    /** {@code Notifier._sanitize_context}: the only context keys a notification may carry (never the token). */
    static final Set<String> CONTEXT_KEYS = Set.of("user_id", "project_id", "domain_id", "user_domain_id",
            "project_domain_id", "is_admin", "request_id", "roles", "user_name", "project_name", "domain_name",
            "user_domain_name", "project_domain_name", "service_user_id", "service_user_domain_id",
            "service_user_domain_name", "service_project_id", "service_project_name", "service_project_domain_id",
            "service_project_domain_name", "service_roles", "global_request_id", "system_scope", "user", "domain",
            "user_domain", "project_domain");

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Transport transport;
    private final String publisherId;
    private final List<String> topics;

    Notifier(Transport transport, String publisherId, List<String> topics) {
        this.transport = transport;
        this.publisherId = publisherId;
        this.topics = List.copyOf(topics);
    }

    public void info(MessageContext context, String eventType, Object payload) {
        notify(context, Priority.INFO, eventType, payload);
    }

    public void warn(MessageContext context, String eventType, Object payload) {
        notify(context, Priority.WARN, eventType, payload);
    }

    public void error(MessageContext context, String eventType, Object payload) {
        notify(context, Priority.ERROR, eventType, payload);
    }

    /** Sends one notification to every topic; returns false (after logging) if any send failed. */
    public boolean notify(MessageContext context, Priority priority, String eventType, Object payload) {
        boolean allSent = true;
        ObjectNode inner;
        try {
            inner = message(context, priority, eventType, payload);
        } catch (RuntimeException e) {
            LOG.error("{} Could not build notification {}: {}", context.logPrefix(), eventType, e.toString());
            return false;
        }
        byte[] body = Envelope.wrap(inner);
        Topology topology = transport.topology();
        for (String topic : topics) {
            String routingKey = topic + "." + priority.name().toLowerCase(Locale.ROOT);
            try {
                transport.publishConfirmed(topology.controlExchange(), routingKey, false, Envelope.properties(0), body,
                        p -> {
                            try {
                                p.declareOnce(topology.topicExchange(), topology.notificationQueue(routingKey));
                            } catch (IOException e) {
                                throw new Transport.DeclarationFailedException(e);
                            }
                        }, Duration.ofSeconds(10));
            } catch (IOException | RuntimeException e) {
                allSent = false;
                LOG.error("{} Could not send notification {} to {}: {}", context.logPrefix(), eventType, routingKey,
                        e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return allSent;
    }

    private ObjectNode message(MessageContext context, Priority priority, String eventType, Object payload) {
        ObjectNode m = PythonJson.MAPPER.createObjectNode();
        m.put("message_id", UUID.randomUUID().toString());
        m.put("publisher_id", publisherId);
        m.put("event_type", eventType);
        m.put("priority", priority.name());
        JsonNode p = PythonJson.MAPPER.valueToTree(payload);
        m.set("payload", p == null ? m.nullNode() : p);
        m.put("timestamp", pythonUtcNow());
        m.put("_unique_id", UUID.randomUUID().toString().replace("-", ""));
        Iterator<Map.Entry<String, JsonNode>> fields = context.toWire().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (CONTEXT_KEYS.contains(f.getKey())) {
                m.set(IncomingRequest.CONTEXT_PREFIX + f.getKey(), f.getValue());
            }
        }
        return m;
    }

    /** {@code str(timeutils.utcnow())}: space separator, microseconds only when non-zero. */
    static String pythonUtcNow() {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        int micros = now.getNano() / 1000;
        String base = now.format(TIMESTAMP);
        return micros == 0 ? base : base + String.format(Locale.ROOT, ".%06d", micros);
    }
}
