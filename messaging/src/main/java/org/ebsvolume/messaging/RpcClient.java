package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.impl.Envelope;
import org.ebsvolume.messaging.impl.RpcVersion;
import org.ebsvolume.messaging.impl.Topology;
import org.ebsvolume.messaging.wire.PythonJson;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * oslo's {@code RPCClient}: {@link #call}, {@link #cast}, and {@link #prepare} for a narrower
 * target. Immutable; share it freely.
 */
public final class RpcClient {

    private final Transport transport;
    private final Target target;
    private final Duration timeout;
    private final String versionCap;

    RpcClient(Transport transport, Target target, Duration timeout) {
        this(transport, target, timeout, null);
    }

    private RpcClient(Transport transport, Target target, Duration timeout, String versionCap) {
        this.transport = transport;
        this.target = target;
        this.timeout = timeout;
        this.versionCap = versionCap;
    }

    public Target target() {
        return target;
    }

    /** Like oslo's {@code prepare(server=…, version=…, fanout=…)}: a client for a changed target. */
    public RpcClient prepare(UnaryOperator<Target> change) {
        return new RpcClient(transport, change.apply(target), timeout, versionCap);
    }

    public RpcClient withTimeout(Duration callTimeout) {
        return new RpcClient(transport, target, callTimeout, versionCap);
    }

    /**
     * How many consumers the broker has on the queue a call to this target lands in (oslo names
     * the queue after the routing key: {@code topic} or {@code topic.server}); 0 when the queue does
     * not exist. A caller that must not wait a whole timeout for a server that is not running asks
     * first: a call into a queue nobody consumes can only time out.
     */
    public int consumers() {
        if (target.fanout()) {
            throw new IllegalStateException("a fanout target has no queue of its own: " + target);
        }
        try {
            return transport.consumers(target.routingKey());
        } catch (IOException e) {
            throw new MessagingException("cannot ask the broker about queue " + target.routingKey() + ": " + e.getMessage(), e);
        }
    }

    /** Refuse to send a version the receivers may not understand ({@code RPCVersionCapError}). */
    public RpcClient withVersionCap(String cap) {
        return new RpcClient(transport, target, timeout, cap);
    }

    /**
     * Sends {@code method} and waits for its reply.
     *
     * @throws RemoteException            the remote method raised
     * @throws MessagingTimeoutException  no reply within the timeout
     * @throws MessagingException         the message could not be sent
     */
    public JsonNode call(MessageContext context, String method, Map<String, ?> args) {
        if (target.fanout()) {
            throw new MessagingException("a call cannot be a fanout: " + target);
        }
        checkVersionCap(method);
        ReplyWaiter waiter;
        try {
            waiter = transport.replyWaiter();
        } catch (IOException e) {
            throw new MessagingException("cannot create the reply queue for calling " + method + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while creating the reply queue", e);
        }
        String msgId = hex();
        ObjectNode inner = message(method, args);
        // oslo's order: method, args, namespace, version, then the call fields, then _unique_id.
        ObjectNode ordered = PythonJson.MAPPER.createObjectNode();
        copyUntilUnique(inner, ordered);
        ordered.put("_msg_id", msgId);
        ordered.put("_reply_q", waiter.queueName());
        ordered.putNull("_timeout");
        copyFrom(inner, ordered, "_unique_id");
        CompletableFuture<JsonNode> reply = waiter.expect(msgId);
        long timeoutMs = timeout.toMillis();
        try {
            send(target, ordered, context, timeoutMs);
            return reply.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MessagingTimeoutException("Timed out waiting for a reply to message ID " + msgId + " (method "
                    + method + " on " + target + ", after " + timeout.toMillis() / 1000.0 + " s)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MessagingException me) {
                throw me;
            }
            throw new MessagingException("call " + method + " on " + target + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted waiting for " + method + " on " + target, e);
        } finally {
            waiter.forget(msgId);
        }
    }

    /** Sends {@code method} without waiting for a result (to all servers when the target is a fanout). */
    public void cast(MessageContext context, String method, Map<String, ?> args) {
        checkVersionCap(method);
        send(target, message(method, args), context, 0);
    }

    private void checkVersionCap(String method) {
        if (versionCap != null && target.version() != null && !RpcVersion.isCompatible(versionCap, target.version())) {
            throw new MessagingException("Requested message version, " + target.version()
                    + " is incompatible. It needs to be equal in major version and less than or equal in minor version as"
                    + " the specified version cap " + versionCap + " (method " + method + ")");
        }
    }

    private ObjectNode message(String method, Map<String, ?> args) {
        ObjectNode m = PythonJson.MAPPER.createObjectNode();
        m.put("method", method);
        m.set("args", args == null ? PythonJson.MAPPER.createObjectNode() : PythonJson.MAPPER.valueToTree(args));
        if (target.namespace() != null) {
            m.put("namespace", target.namespace());
        }
        if (target.version() != null) {
            m.put("version", target.version());
        }
        m.put("_unique_id", hex());
        return m;
    }

    private void send(Target t, ObjectNode inner, MessageContext context, long expirationMs) {
        ObjectNode withContext = inner;
        Iterator<Map.Entry<String, JsonNode>> fields = context.toWire().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            withContext.set(IncomingRequest.CONTEXT_PREFIX + f.getKey(), f.getValue());
        }
        byte[] body = Envelope.wrap(withContext);
        Topology topology = transport.topology();
        String exchange;
        String routingKey;
        java.util.function.Consumer<org.ebsvolume.messaging.impl.ConfirmedPublisher> declare;
        if (t.fanout()) {
            exchange = Topology.fanoutExchangeName(t.topic());
            routingKey = "";
            declare = p -> declare(p, topology.fanoutExchange(t.topic()));
        } else {
            exchange = t.exchange() != null ? t.exchange() : topology.controlExchange();
            routingKey = t.routingKey();
            declare = p -> declare(p, topology.topicExchange(exchange));
        }
        try {
            transport.publishConfirmed(exchange, routingKey, false, Envelope.properties(expirationMs), body, declare, timeout);
        } catch (IOException e) {
            throw new MessagingException("cannot send " + inner.path("method").asText() + " to " + t + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted sending " + inner.path("method").asText(), e);
        }
    }

    private static void declare(org.ebsvolume.messaging.impl.ConfirmedPublisher p, org.ebsvolume.messaging.impl.ExchangeSpec x) {
        try {
            p.declareOnce(x);
        } catch (IOException e) {
            throw new Transport.DeclarationFailedException(e);
        }
    }

    private static void copyUntilUnique(ObjectNode from, ObjectNode to) {
        from.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("_unique_id")) {
                to.set(f.getKey(), f.getValue());
            }
        });
    }

    private static void copyFrom(ObjectNode from, ObjectNode to, String key) {
        to.set(key, from.get(key));
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
