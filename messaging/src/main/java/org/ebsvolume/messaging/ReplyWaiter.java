package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import org.ebsvolume.messaging.impl.BrokerConnection;
import org.ebsvolume.messaging.impl.MalformedMessageException;
import org.ebsvolume.messaging.impl.QueueSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's reply queue ({@code reply_<hex>}, oslo's {@code ReplyWaiter}): created on the first
 * call, consumed on its own connection, each reply acknowledged on receipt and handed to the caller
 * waiting for its {@code _msg_id}. Heartbeat replies ({@code ending: false}) keep the last non-null
 * result, as oslo does, and are otherwise ignored.
 */
final class ReplyWaiter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyWaiter.class);

    private final BrokerConnection connection;
    private final QueueSpec queue;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    private static final class Waiting {
        final CompletableFuture<JsonNode> done = new CompletableFuture<>();
        volatile JsonNode lastResult;
    }

    private ReplyWaiter(BrokerConnection connection, QueueSpec queue) {
        this.connection = connection;
        this.queue = queue;
    }

    static ReplyWaiter start(Transport transport) throws IOException, InterruptedException {
        QueueSpec queue = transport.topology().replyQueue();
        BrokerConnection connection = BrokerConnection.open(transport.config(), "reply " + queue.name(), 0);
        ReplyWaiter waiter = new ReplyWaiter(connection, queue);
        try {
            Channel channel = connection.createChannel();
            channel.queueDeclare(queue.name(), queue.durable(), queue.exclusive(), queue.autoDelete(), queue.arguments());
            channel.basicConsume(queue.name(), false, "1", new GuardedConsumer(channel, waiter::receive,
                    t -> LOG.error("Unexpected failure handling a reply on {}", queue.name(), t), tag -> { }));
        } catch (IOException e) {
            connection.close();
            throw e;
        }
        return waiter;
    }

    String queueName() {
        return queue.name();
    }

    CompletableFuture<JsonNode> expect(String msgId) {
        Waiting w = new Waiting();
        waiting.put(msgId, w);
        return w.done;
    }

    void forget(String msgId) {
        waiting.remove(msgId);
    }

    /** Acknowledges on receipt, as oslo does, then hands the reply to its caller. */
    private void receive(Channel channel, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws IOException {
        channel.basicAck(envelope.getDeliveryTag(), false);
        try {
            route(org.ebsvolume.messaging.impl.Envelope.unwrap(body, props.getContentType()));
        } catch (MalformedMessageException e) {
            LOG.error("Dropped an undecodable reply on {}: {}", queue.name(), e.getMessage());
        }
    }

    private void route(ObjectNode reply) {
        JsonNode msgIdNode = reply.get("_msg_id");
        String msgId = msgIdNode == null ? null : msgIdNode.asText();
        Waiting w = msgId == null ? null : waiting.get(msgId);
        if (w == null) {
            LOG.info("No calling threads waiting for msg_id : {}", msgId);
            return;
        }
        JsonNode failure = reply.get("failure");
        if (failure != null && !failure.isNull()) {
            waiting.remove(msgId);
            w.done.completeExceptionally(new RemoteException(RemoteFailure.fromWireString(failure.asText())));
            return;
        }
        JsonNode result = reply.get("result");
        if (result != null && !result.isNull()) {
            w.lastResult = result;
        }
        if (reply.path("ending").asBoolean(false)) {
            waiting.remove(msgId);
            w.done.complete(w.lastResult);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
