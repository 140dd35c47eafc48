package org.ebsvolume.messaging.impl;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes on one channel with publisher confirms, as oslo does ({@code confirm_publish}), but
 * without blocking: each publish returns a future completed by the broker's ack, failed by a nack,
 * a return of a mandatory message, or a lost channel. Callers decide whether to wait (a cast does;
 * a reply does not, so reply latency is one broker hop).
 *
 * <p>Exchanges are declared once per channel before their first publish, like oslo's
 * {@code _declared_exchanges} cache; the cache is forgotten when the channel is recovered.
 */
public final class ConfirmedPublisher {

    private record Pending(CompletableFuture<Void> done, String exchange, String routingKey, byte[] body) {
    }

    private final Channel channel;
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Set<String> declared = new HashSet<>();
    private final Object publishLock = new Object();

    public ConfirmedPublisher(BrokerConnection connection) throws IOException {
        this.channel = connection.createChannel();
        channel.confirmSelect();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long deliveryTag, boolean multiple) {
                settle(deliveryTag, multiple, null);
            }

            @Override
            public void handleNack(long deliveryTag, boolean multiple) {
                settle(deliveryTag, multiple, "broker refused the message (basic.nack)");
            }
        });
        channel.addReturnListener((ReturnListener) (replyCode, replyText, exchange, routingKey, props, body) ->
                markReturned(exchange, routingKey, body, replyCode + " " + replyText));
        channel.addShutdownListener(cause -> failAll(new IOException("channel closed: " + cause.getMessage(), cause)));
        connection.onRecovery(() -> {
            synchronized (publishLock) {
                declared.clear();
                // Sequence numbers restart on a recovered channel; anything in flight is lost.
                failAll(new IOException("AMQP connection was recovered while the message was in flight"));
            }
        });
    }

    /** Declares {@code exchange} on this channel unless already done since the channel was opened. */
    public void declareOnce(ExchangeSpec exchange) throws IOException {
        synchronized (publishLock) {
            if (declared.add("x:" + exchange.name())) {
                try {
                    channel.exchangeDeclare(exchange.name(), exchange.type(), exchange.durable(), exchange.autoDelete(), null);
                } catch (IOException e) {
                    declared.remove("x:" + exchange.name());
                    throw e;
                }
            }
        }
    }

    /** Declares and binds {@code queue} once, as oslo's notifier does before its first publish. */
    public void declareOnce(ExchangeSpec exchange, QueueSpec queue) throws IOException {
        declareOnce(exchange);
        synchronized (publishLock) {
            if (declared.add("q:" + queue.name())) {
                try {
                    channel.queueDeclare(queue.name(), queue.durable(), queue.exclusive(), queue.autoDelete(), queue.arguments());
                    channel.queueBind(queue.name(), queue.exchange(), queue.routingKey());
                } catch (IOException e) {
                    declared.remove("q:" + queue.name());
                    throw e;
                }
            }
        }
    }

    public CompletableFuture<Void> publish(String exchange, String routingKey, boolean mandatory,
                                           AMQP.BasicProperties props, byte[] body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (publishLock) {
            long seq = channel.getNextPublishSeqNo();
            pending.put(seq, new Pending(done, exchange, routingKey, mandatory ? body : null));
            try {
                channel.basicPublish(exchange, routingKey, mandatory, props, body);
            } catch (IOException | RuntimeException e) {
                pending.remove(seq);
                done.completeExceptionally(e instanceof IOException io ? io : new IOException(e));
            }
        }
        return done;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * A return always precedes the confirm of the same message on the channel, so it is enough to
     * flag the matching in-flight entry and let the confirm fail it.
     */
    private void markReturned(String exchange, String routingKey, byte[] body, String reason) {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (p.body() != null && p.routingKey().equals(routingKey) && p.exchange().equals(exchange)
                    && Arrays.equals(p.body(), body)) {
                pending.put(e.getKey(), new Pending(p.done(), p.exchange(), p.routingKey(), null));
                p.done().completeExceptionally(new UnroutableMessageException(exchange, routingKey, reason));
                return;
            }
        }
    }

    private void settle(long tag, boolean multiple, String nackReason) {
        Iterator<Map.Entry<Long, Pending>> it = (multiple ? pending.headMap(tag, true) : pending.subMap(tag, true, tag, true))
                .entrySet().iterator();
        while (it.hasNext()) {
            Pending p = it.next().getValue();
            it.remove();
            if (nackReason == null) {
                p.done().complete(null);
            } else {
                p.done().completeExceptionally(new IOException(nackReason + " (exchange '" + p.exchange()
                        + "', routing key '" + p.routingKey() + "')"));
            }
        }
    }

    private void failAll(IOException cause) {
        Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Pending p = it.next().getValue();
            it.remove();
            p.done().completeExceptionally(cause);
        }
    }
}
