package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.wire.PythonJson;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The request context that travels with every message as {@code _context_<key>} fields (Cinder's
 * {@code RequestContext.to_dict()}), plus oslo's {@code client_timeout} on the receiving side.
 * It carries the caller's Keystone token, so {@link #toString()} shows only what a log may hold.
 */
public final class MessageContext {

    /** Keys whose values are credentials; masked in every rendering meant for humans. */
    public static final Set<String> SECRET_KEYS = Set.of("auth_token", "password", "auth_plugin", "service_token");

    private final ObjectNode values;

    private MessageContext(ObjectNode values) {
        this.values = values;
    }

    public static MessageContext of(ObjectNode values) {
        return new MessageContext(values.deepCopy());
    }

    public static MessageContext of(Map<String, ?> values) {
        return new MessageContext(PythonJson.MAPPER.valueToTree(values));
    }

    public static MessageContext empty() {
        return new MessageContext(PythonJson.MAPPER.createObjectNode());
    }

    /** An internal admin context, as {@code cinder.context.get_admin_context()} serialises it. */
    public static MessageContext admin() {
        ObjectNode v = PythonJson.MAPPER.createObjectNode();
        v.putNull("user");
        v.putNull("project_id");
        v.put("is_admin", true);
        v.put("read_only", false);
        v.put("show_deleted", false);
        v.putNull("auth_token");
        v.put("request_id", "req-" + java.util.UUID.randomUUID());
        v.putArray("roles").add("admin");
        v.put("user_identity", "- - - - -");
        v.put("read_deleted", "no");
        return new MessageContext(v);
    }

    public JsonNode get(String key) {
        return values.get(key);
    }

    public String text(String key) {
        JsonNode n = values.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    public String requestId() {
        return text("request_id");
    }

    /** A copy of every key, secrets included: only for putting back on the wire. */
    public ObjectNode toWire() {
        return values.deepCopy();
    }

    public MessageContext with(String key, JsonNode value) {
        ObjectNode copy = values.deepCopy();
        copy.set(key, value);
        return new MessageContext(copy);
    }

    /** oslo's log prefix: {@code [req-… user project]}. */
    public String logPrefix() {
        return "[" + orDash(text("request_id")) + " " + orDash(text("user_id") != null ? text("user_id") : text("user"))
                + " " + orDash(text("project_id")) + "]";
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    @Override
    public String toString() {
        ObjectNode shown = values.deepCopy();
        Iterator<String> names = shown.fieldNames();
        java.util.List<String> secret = new java.util.ArrayList<>();
        names.forEachRemaining(n -> {
            if (SECRET_KEYS.contains(n)) {
                secret.add(n);
            }
        });
        secret.forEach(n -> {
            if (!shown.get(n).isNull()) {
                shown.put(n, "***");
            }
        });
        return shown.toString();
    }
}
