package org.ebsvolume.messaging.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything needed to reach the broker the way oslo would: the parsed {@code transport_url}, the
 * {@code [oslo_messaging_rabbit]} options (with the URL's query overrides already applied),
 * {@code control_exchange} and {@code rpc_response_timeout}.
 */
public record TransportConfig(TransportUrl url, RabbitOptions rabbit, String controlExchange,
                              Duration rpcResponseTimeout) {

    public TransportConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(rabbit, "rabbit");
        Objects.requireNonNull(controlExchange, "controlExchange");
        Objects.requireNonNull(rpcResponseTimeout, "rpcResponseTimeout");
    }

    /** oslo's defaults: exchange {@code openstack}, 60 s calls, query options applied over {@code rabbit}. */
    public static TransportConfig of(String transportUrl, RabbitOptions rabbit) {
        TransportUrl url = TransportUrl.parse(transportUrl);
        return new TransportConfig(url, rabbit.withUrlQuery(url.query()), "openstack", Duration.ofSeconds(60));
    }

    public static TransportConfig of(String transportUrl) {
        return of(transportUrl, RabbitOptions.defaults());
    }

    public TransportConfig withControlExchange(String exchange) {
        return new TransportConfig(url, rabbit, exchange, rpcResponseTimeout);
    }

    public TransportConfig withRpcResponseTimeout(Duration timeout) {
        return new TransportConfig(url, rabbit, controlExchange, timeout);
    }
}
