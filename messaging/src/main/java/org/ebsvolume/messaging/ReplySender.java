package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.impl.Envelope;
import org.ebsvolume.messaging.impl.UnroutableMessageException;
import org.ebsvolume.messaging.wire.PythonJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends replies as {@code AMQPIncomingMessage.reply} does: default exchange, routing key = the
 * caller's reply queue, mandatory. When the broker returns a reply because the queue is missing
 * (a caller reconnecting), it retries every 250 ms for {@code kombu_missing_consumer_retry_timeout},
 * then remembers the queue as gone for 60 s (at most 200 queues) and drops replies to it.
 */
final class ReplySender {

    private static final Logger LOG = LoggerFactory.getLogger(ReplySender.class);
    private static final long RETRY_MS = 250;
    private static final long OBSOLETE_MS = 60_000;
    private static final int OBSOLETE_MAX = 200;

    private final Transport transport;
    private final ScheduledExecutorService timers;
    private final long missingConsumerTimeoutMs;
    private final Map<String, Long> obsoleteUntil = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > OBSOLETE_MAX;
        }
    };

    ReplySender(Transport transport, ScheduledExecutorService timers) {
        this.transport = transport;
        this.timers = timers;
        this.missingConsumerTimeoutMs = Math.round(transport.config().rabbit().kombuMissingConsumerRetryTimeout() * 1000);
    }

    void reply(IncomingRequest request, JsonNode result, RemoteFailure failure) {
        send(request, result, failure, true);
    }

    /** The call-monitor heartbeat: tells a caller that set {@code _timeout} the call is still running. */
    void heartbeat(IncomingRequest request) {
        send(request, null, null, false);
    }

    private void send(IncomingRequest request, JsonNode result, RemoteFailure failure, boolean ending) {
        String queue = request.replyQueue();
        if (isObsolete(queue)) {
            LOG.info("The reply {} cannot be sent: reply queue {} vanished earlier, dropping", request.msgId(), queue);
            return;
        }
        ObjectNode inner = PythonJson.MAPPER.createObjectNode();
        inner.set("result", result == null ? inner.nullNode() : result);
        if (failure == null) {
            inner.putNull("failure");
        } else {
            inner.put("failure", failure.toWireString());
        }
        inner.put("ending", ending);
        inner.put("_msg_id", request.msgId());
        inner.put("_unique_id", UUID.randomUUID().toString().replace("-", ""));
        byte[] body = Envelope.wrap(inner);
        attempt(request, queue, body, System.currentTimeMillis() + missingConsumerTimeoutMs);
    }

    private void attempt(IncomingRequest request, String queue, byte[] body, long deadline) {
        transport.publish("", queue, true, Envelope.properties(0), body).whenComplete((ok, error) -> {
            if (error == null) {
                return;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof UnroutableMessageException && System.currentTimeMillis() < deadline) {
                timers.schedule(() -> attempt(request, queue, body, deadline), RETRY_MS, TimeUnit.MILLISECONDS);
            } else if (cause instanceof UnroutableMessageException) {
                markObsolete(queue);
                LOG.error("The reply {} failed to send after {} seconds: reply queue {} does not exist",
                        request.msgId(), missingConsumerTimeoutMs / 1000, queue);
            } else {
                LOG.error("The reply {} to {} could not be sent: {}", request.msgId(), queue, cause.toString());
            }
        });
    }

    private synchronized boolean isObsolete(String queue) {
        Long until = obsoleteUntil.get(queue);
        if (until == null) {
            return false;
        }
        if (until < System.currentTimeMillis()) {
            obsoleteUntil.remove(queue);
            return false;
        }
        return true;
    }

    private synchronized void markObsolete(String queue) {
        obsoleteUntil.put(queue, System.currentTimeMillis() + OBSOLETE_MS);
    }
}
