package org.ebsvolume.messaging.impl;

import org.ebsvolume.messaging.transport.RabbitOptions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The exchanges and queues oslo.messaging 14 declares, computed from {@code [oslo_messaging_rabbit]}
 * (impl_rabbit {@code declare_topic_consumer}, {@code declare_fanout_consumer},
 * {@code declare_direct_consumer}, {@code _get_queue_arguments}). A Java and a Python peer that
 * share a queue must declare it identically or RabbitMQ closes the channel with 406.
 */
public final class Topology {

    private final RabbitOptions options;
    private final String controlExchange;

    public Topology(RabbitOptions options, String controlExchange) {
        this.options = options;
        this.controlExchange = controlExchange;
    }

    public String controlExchange() {
        return controlExchange;
    }

    /** The control exchange: topic, durable with durable or quorum queues, auto-delete per option. */
    public ExchangeSpec topicExchange() {
        return topicExchange(controlExchange);
    }

    public ExchangeSpec topicExchange(String name) {
        return new ExchangeSpec(name, "topic", options.durable(), options.amqpAutoDelete());
    }

    /** {@code <topic>_fanout}: never durable, always auto-delete, whatever the options say. */
    public ExchangeSpec fanoutExchange(String topic) {
        return new ExchangeSpec(fanoutExchangeName(topic), "fanout", false, true);
    }

    public static String fanoutExchangeName(String topic) {
        return topic + "_fanout";
    }

    /** A shared work queue named after its routing key ({@code T} or {@code T.S}); no expiry. */
    public QueueSpec topicQueue(String name) {
        return new QueueSpec(name, options.durable(), options.amqpAutoDelete(), false,
                queueArguments(0, options.rabbitQuorumQueue()), controlExchange, name);
    }

    /** This server's private copy of fanouts: random name, expires when unused, never quorum. */
    public QueueSpec fanoutQueue(String topic) {
        String name = topic + "_fanout_" + hex();
        return new QueueSpec(name, false, false, false,
                queueArguments(options.rabbitTransientQueuesTtl(), false), fanoutExchangeName(topic), topic);
    }

    /** {@code reply_<hex>}: consumed through the default exchange, expires when its process is gone. */
    public QueueSpec replyQueue() {
        String name = "reply_" + hex();
        return new QueueSpec(name, false, false, false,
                queueArguments(options.rabbitTransientQueuesTtl(), false), null, name);
    }

    /** The queue a notifier creates before its first publish, so notifications wait for a consumer. */
    public QueueSpec notificationQueue(String routingKey) {
        return new QueueSpec(routingKey, options.durable(), options.amqpAutoDelete(), false,
                queueArguments(0, options.rabbitQuorumQueue()), controlExchange, routingKey);
    }

    private Map<String, Object> queueArguments(int ttlSeconds, boolean quorum) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (options.rabbitHaQueues()) {
            args.put("x-ha-policy", "all");
        }
        if (quorum) {
            args.put("x-queue-type", "quorum");
            if (options.rabbitQuorumDeliveryLimit() > 0) {
                args.put("x-delivery-limit", options.rabbitQuorumDeliveryLimit());
            }
            if (options.rabbitQuroumMaxMemoryLength() > 0) {
                args.put("x-max-in-memory-length", options.rabbitQuroumMaxMemoryLength());
            }
            if (options.rabbitQuroumMaxMemoryBytes() > 0) {
                args.put("x-max-in-memory-bytes", amqpInteger(options.rabbitQuroumMaxMemoryBytes()));
            }
        }
        if (ttlSeconds > 0) {
            args.put("x-expires", ttlSeconds * 1000);
        }
        return args;
    }

    /** py-amqp sends an int that fits in 32 bits as a 32-bit field; RabbitMQ compares the types too. */
    private static Object amqpInteger(long value) {
        return value <= Integer.MAX_VALUE && value >= Integer.MIN_VALUE ? (Object) (int) value : (Object) value;
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
