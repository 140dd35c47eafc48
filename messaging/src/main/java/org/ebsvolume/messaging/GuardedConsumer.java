package org.ebsvolume.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.util.function.Consumer;

/**
 * A consumer that hands each delivery to a handler and lets nothing the handler throws escape:
 * the RabbitMQ client closes the channel when a delivery callback throws, which would silently
 * stop consuming the queue. What escapes the handler goes to {@code onUnexpected} instead.
 */
final class GuardedConsumer extends DefaultConsumer {

    @FunctionalInterface
    interface DeliveryHandler {
        void handle(Channel channel, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws Exception;
    }

    private final DeliveryHandler handler;
    private final Consumer<Throwable> onUnexpected;
    private final Consumer<String> onCancel;

    /** {@code onCancel} gets the consumer tag when the broker cancels the consumer (queue deleted, HA failover). */
    GuardedConsumer(Channel channel, DeliveryHandler handler, Consumer<Throwable> onUnexpected, Consumer<String> onCancel) {
        super(channel);
        this.handler = handler;
        this.onUnexpected = onUnexpected;
        this.onCancel = onCancel;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
        try {
            handler.handle(getChannel(), envelope, props, body);
        } catch (Throwable t) {
            onUnexpected.accept(t);
        }
    }

    @Override
    public void handleCancel(String consumerTag) {
        onCancel.accept(consumerTag);
    }
}
