package org.ebsvolume.messaging.impl;

import java.util.Map;

/**
 * A queue declaration and its one binding, with the flags and arguments oslo uses for the same
 * options. {@code exchange} is null for reply queues (the default exchange routes by name).
 */
public record QueueSpec(String name, boolean durable, boolean autoDelete, boolean exclusive,
                        Map<String, Object> arguments, String exchange, String routingKey) {

    public QueueSpec {
        // Insertion order is kept: RabbitMQ stores and lists arguments in the order declared, and
        // oslo declares x-queue-type before its limits.
        arguments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }
}
