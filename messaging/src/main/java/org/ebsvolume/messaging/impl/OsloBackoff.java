package org.ebsvolume.messaging.impl;

import com.rabbitmq.client.RecoveryDelayHandler;
import org.ebsvolume.messaging.transport.RabbitOptions;

/**
 * kombu's {@code autoretry} schedule as oslo configures it: {@code rabbit_retry_interval},
 * growing by {@code rabbit_retry_backoff} up to {@code rabbit_interval_max}, plus
 * {@code kombu_reconnect_delay} on every attempt.
 */
record OsloBackoff(double intervalStart, double intervalStep, double intervalMax, double reconnectDelay)
        implements RecoveryDelayHandler {

    static OsloBackoff of(RabbitOptions options) {
        return new OsloBackoff(options.rabbitRetryInterval(), options.rabbitRetryBackoff(),
                options.rabbitIntervalMax(), options.kombuReconnectDelay());
    }

    /** Milliseconds to wait before reconnect attempt {@code attempt} (0-based). */
    @Override
    public long getDelay(int attempt) {
        double seconds = Math.min(intervalStart + intervalStep * attempt, intervalMax) + reconnectDelay;
        return Math.round(Math.max(seconds, 0) * 1000);
    }
}
