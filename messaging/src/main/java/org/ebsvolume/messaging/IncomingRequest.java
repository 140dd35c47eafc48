package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.wire.PythonJson;

import java.util.Iterator;
import java.util.Map;

/**
 * A decoded RPC request ({@code amqp.unpack_context} plus the dispatcher's reads). Every field is
 * type-checked here, once, so that dispatch never meets a surprise from the wire.
 */
record IncomingRequest(String method, ObjectNode args, String namespace, String version, String msgId,
                       String replyQueue, Double clientTimeout, String uniqueId, MessageContext context) {

    static final String CONTEXT_PREFIX = "_context_";

    boolean isCall() {
        return msgId != null && replyQueue != null;
    }

    /** A structurally bad request; {@code replyTo}/{@code msgId} are set when the caller can still be told. */
    static final class InvalidRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final String msgId;
        final String replyTo;

        InvalidRequest(String reason, String msgId, String replyTo) {
            super(reason);
            this.msgId = msgId;
            this.replyTo = replyTo;
        }
    }

    static IncomingRequest parse(ObjectNode inner) throws InvalidRequest {
        String msgId = optionalText(inner, "_msg_id");
        String replyQ = optionalText(inner, "_reply_q");
        // Reply coordinates first: if they are usable, a bad request still gets a failure reply
        // instead of leaving its caller to time out.
        boolean replyable = msgId != null && replyQ != null && !replyQ.isEmpty();
        String replyTo = replyable ? replyQ : null;
        String msgIdIfReplyable = replyable ? msgId : null;

        JsonNode method = inner.get("method");
        if (method == null || !method.isTextual()) {
            throw new InvalidRequest("'method' is " + describe(method) + ", expected a string", msgIdIfReplyable, replyTo);
        }
        JsonNode args = inner.get("args");
        if (args != null && !args.isObject()) {
            throw new InvalidRequest("'args' is " + describe(args) + ", expected an object", msgIdIfReplyable, replyTo);
        }
        JsonNode version = inner.get("version");
        if (version != null && !version.isTextual()) {
            throw new InvalidRequest("'version' is " + describe(version) + ", expected a string like \"3.0\"", msgIdIfReplyable, replyTo);
        }
        JsonNode namespace = inner.get("namespace");
        if (namespace != null && !namespace.isNull() && !namespace.isTextual()) {
            throw new InvalidRequest("'namespace' is " + describe(namespace) + ", expected a string or null", msgIdIfReplyable, replyTo);
        }
        JsonNode timeout = inner.get("_timeout");
        if (timeout != null && !timeout.isNull() && !timeout.isNumber()) {
            throw new InvalidRequest("'_timeout' is " + describe(timeout) + ", expected a number or null", msgIdIfReplyable, replyTo);
        }
        if (inner.has("_msg_id") && msgId == null || inner.has("_reply_q") && replyQ == null) {
            throw new InvalidRequest("'_msg_id' and '_reply_q' must be strings", null, null);
        }
        JsonNode unique = inner.get("_unique_id");

        ObjectNode ctx = PythonJson.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = inner.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().startsWith(CONTEXT_PREFIX)) {
                ctx.set(f.getKey().substring(CONTEXT_PREFIX.length()), f.getValue());
            }
        }
        Double clientTimeout = timeout == null || timeout.isNull() ? null : timeout.doubleValue();
        if (clientTimeout == null) {
            ctx.putNull("client_timeout");
        } else {
            ctx.put("client_timeout", clientTimeout);
        }
        return new IncomingRequest(
                method.textValue(),
                args == null ? PythonJson.MAPPER.createObjectNode() : (ObjectNode) args,
                namespace == null || namespace.isNull() ? null : namespace.textValue(),
                version == null ? "1.0" : version.textValue(),
                msgId, replyQ, clientTimeout,
                unique != null && unique.isValueNode() ? unique.asText() : null,
                MessageContext.of(ctx));
    }

    private static String optionalText(ObjectNode node, String key) {
        JsonNode v = node.get(key);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static String describe(JsonNode n) {
        if (n == null) {
            return "missing";
        }
        return "a JSON " + n.getNodeType().name().toLowerCase();
    }
}
