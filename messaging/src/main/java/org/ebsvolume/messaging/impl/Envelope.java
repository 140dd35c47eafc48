package org.ebsvolume.messaging.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.ebsvolume.messaging.wire.PythonJson;

/**
 * oslo.messaging's message envelope ({@code common.serialize_msg} / {@code deserialize_msg}):
 * {@code {"oslo.version": "2.0", "oslo.message": "<inner JSON as a string>"}}. The inner message is
 * JSON-encoded twice on purpose, so that routers never have to parse it.
 */
public final class Envelope {

    public static final String VERSION = "2.0";
    public static final String CONTENT_TYPE = "application/json";
    public static final String CONTENT_ENCODING = "utf-8";

    private Envelope() {
    }

    /**
     * AMQP properties exactly as kombu sets them: JSON, UTF-8, persistent, priority 0, an empty
     * header table, and an expiration only for calls ({@code expirationMillis} > 0).
     */
    public static AMQP.BasicProperties properties(long expirationMillis) {
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE)
                .contentEncoding(CONTENT_ENCODING)
                .deliveryMode(2)
                .priority(0)
                .headers(java.util.Map.of());
        if (expirationMillis > 0) {
            b.expiration(Long.toString(expirationMillis));
        }
        return b.build();
    }

    /** The body bytes of a 2.0 envelope around {@code inner}, byte-identical to what kombu sends. */
    public static byte[] wrap(ObjectNode inner) {
        ObjectNode outer = PythonJson.MAPPER.createObjectNode();
        outer.put("oslo.version", VERSION);
        outer.put("oslo.message", PythonJson.dumps(inner));
        return PythonJson.dumps(outer).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The inner message of a received body. Mirrors kombu (the content type selects the JSON
     * decoder; without it the body is opaque and oslo rejects it) and {@code deserialize_msg}
     * (an un-enveloped dict is accepted as the 1.0 format; an envelope of another major version,
     * or a newer minor, is refused).
     */
    public static ObjectNode unwrap(byte[] body, String contentType) throws MalformedMessageException {
        if (contentType == null || !contentType.equals(CONTENT_TYPE)) {
            throw new MalformedMessageException("content type is " + (contentType == null ? "missing" : "'" + contentType + "'")
                    + ", expected '" + CONTENT_TYPE + "'");
        }
        JsonNode outer = parse(body, "body");
        if (!outer.isObject()) {
            throw new MalformedMessageException("body is a JSON " + outer.getNodeType().name().toLowerCase() + ", expected an object");
        }
        if (!outer.has("oslo.version") || !outer.has("oslo.message")) {
            return (ObjectNode) outer;
        }
        JsonNode version = outer.get("oslo.version");
        if (!version.isTextual() || !RpcVersion.isCompatible(VERSION, version.textValue())) {
            throw new MalformedMessageException("unsupported envelope version " + version
                    + " (this peer speaks " + VERSION + ")");
        }
        JsonNode message = outer.get("oslo.message");
        if (!message.isTextual()) {
            throw new MalformedMessageException("oslo.message is a " + message.getNodeType().name().toLowerCase()
                    + ", expected a JSON string");
        }
        JsonNode inner = parse(message.textValue().getBytes(StandardCharsets.UTF_8), "oslo.message");
        if (!inner.isObject()) {
            throw new MalformedMessageException("oslo.message holds a JSON " + inner.getNodeType().name().toLowerCase()
                    + ", expected an object");
        }
        return (ObjectNode) inner;
    }

    private static JsonNode parse(byte[] bytes, String what) throws MalformedMessageException {
        try {
            JsonNode node = PythonJson.loads(bytes);
            if (node == null || node.isMissingNode()) {
                throw new MalformedMessageException(what + " is empty");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedMessageException(what + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
