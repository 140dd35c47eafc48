package org.ebsvolume.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.ebsvolume.messaging.transport.TransportUrl;

/**
 * The {@code [oslo_messaging_notifications]} section (oslo.messaging 14).
 *
 * @param drivers      {@code driver}, every occurrence (messagingv2, messaging, log, noop, ...);
 *                     empty means no notifications
 * @param topics       the topics notifications are sent to
 * @param transportUrl a broker of their own; empty means the RPC transport_url
 * @param retry        send attempts, -1 for forever, 0 for no retry
 */
public record NotificationConfig(List<String> drivers, List<String> topics, Optional<TransportUrl> transportUrl,
                                 int retry) {

    public NotificationConfig {
        drivers = List.copyOf(drivers);
        topics = List.copyOf(topics);
        Objects.requireNonNull(transportUrl, "transportUrl");
    }

    /** Cinder's {@code utils.notifications_enabled}: some driver is set, and not only "noop". */
    public boolean enabled() {
        return !drivers.isEmpty() && !Set.copyOf(drivers).equals(Set.of("noop"));
    }
}
