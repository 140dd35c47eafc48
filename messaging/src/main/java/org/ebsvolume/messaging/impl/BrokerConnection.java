package org.ebsvolume.messaging.impl;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.transport.TransportHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * One AMQP connection with oslo's connection semantics: every broker of the transport URL in
 * failover order, heartbeats (the client sends them from its own thread, so a busy handler never
 * starves them), reconnect forever on oslo's backoff, and the recorded topology declared again
 * after recovery. Each RPC server gets its own, as in oslo; sends share one.
 */
public final class BrokerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);

    private final Connection connection;
    private final String purpose;
    private final List<Runnable> afterRecovery = new CopyOnWriteArrayList<>();

    private BrokerConnection(Connection connection, String purpose) {
        this.connection = connection;
        this.purpose = purpose;
    }

    /**
     * Connects, retrying on oslo's backoff until a broker answers or {@code maxAttempts} is spent
     * (0 = forever, which is what a service wants at start-up).
     */
    public static BrokerConnection open(TransportConfig config, String purpose, int maxAttempts)
            throws IOException, InterruptedException {
        return open(config, purpose, maxAttempts, null);
    }

    /**
     * As {@link #open(TransportConfig, String, int)}, with consumer callbacks run by
     * {@code consumerDispatch} (null: the client's own pool). {@link #INLINE_DISPATCH} runs them on
     * the connection's reader thread, saving a thread hand-off per message; callbacks must then be
     * quick and must not call channel methods that wait for the broker's answer.
     */
    public static BrokerConnection open(TransportConfig config, String purpose, int maxAttempts,
                                        java.util.concurrent.ExecutorService consumerDispatch)
            throws IOException, InterruptedException {
        return open(config, purpose, maxAttempts, consumerDispatch, Pause.SLEEP);
    }

    /** As above, with {@code pause} spending the backoff between attempts (tests record it). */
    public static BrokerConnection open(TransportConfig config, String purpose, int maxAttempts,
                                        java.util.concurrent.ExecutorService consumerDispatch, Pause pause)
            throws IOException, InterruptedException {
        ConnectionFactory factory = factory(config);
        List<TransportHost> hosts = config.url().effectiveHosts();
        List<Address> addresses = hosts.stream().map(h -> new Address(h.hostname(), h.port())).toList();
        RotatingAddressResolver resolver = new RotatingAddressResolver(addresses,
                "shuffle".equals(config.rabbit().kombuFailoverStrategy()));
        String name = connectionName();
        OsloBackoff backoff = OsloBackoff.of(config.rabbit());
        for (int attempt = 0; ; attempt++) {
            try {
                Connection c = factory.newConnection(consumerDispatch, resolver, name);
                BrokerConnection bc = new BrokerConnection(c, purpose);
                bc.watchRecovery();
                LOG.info("Connected to AMQP server {} ({})", config.url(), purpose);
                return bc;
            } catch (IOException | TimeoutException e) {
                if (maxAttempts > 0 && attempt + 1 >= maxAttempts) {
                    throw new IOException("cannot connect to AMQP server " + config.url() + " after "
                            + (attempt + 1) + " attempt(s): " + describe(e), e);
                }
                long delay = backoff.getDelay(attempt);
                LOG.error("AMQP server {} is unreachable ({}): {}. Trying again in {} ms.",
                        config.url(), purpose, describe(e), delay);
                pause.sleep(Duration.ofMillis(delay));
            }
        }
    }

    private static ConnectionFactory factory(TransportConfig config) {
        RabbitOptions opts = config.rabbit();
        List<TransportHost> hosts = config.url().effectiveHosts();
        TransportHost first = hosts.get(0);
        boolean mixedCredentials = hosts.stream().anyMatch(h ->
                !java.util.Objects.equals(h.username(), first.username())
                        || !java.util.Objects.equals(h.password(), first.password()));
        if (mixedCredentials) {
            // The Java client has one credential set per connection factory.
            LOG.warn("transport_url gives different credentials per host; the credentials of the first host are used for all");
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setUsername(first.username() == null ? "guest" : first.username());
        f.setPassword(first.password() == null ? "guest" : first.password());
        // An empty virtual host means kombu's default, "/".
        f.setVirtualHost(config.url().effectiveVirtualHost());
        f.setRequestedHeartbeat(opts.heartbeatTimeoutThreshold());
        f.setConnectionTimeout(10_000);
        f.setHandshakeTimeout(10_000);
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setRecoveryDelayHandler(OsloBackoff.of(opts));
        f.setSaslConfig(AmqplainMechanism.config(opts.rabbitLoginMethod()));
        f.setClientProperties(clientProperties(f.getClientProperties()));
        if (opts.ssl()) {
            BrokerTls.apply(f, opts);
        }
        return f;
    }

    private static Map<String, Object> clientProperties(Map<String, Object> defaults) {
        Map<String, Object> props = new java.util.HashMap<>(defaults);
        props.put("product", "ebs-volume");
        return props;
    }

    /** oslo names connections {@code <program>:<pid>:<uuid>}; operators grep for it in the management UI. */
    private static String connectionName() {
        return "ebs-volume:" + ManagementFactory.getRuntimeMXBean().getPid() + ":" + UUID.randomUUID();
    }

    private void watchRecovery() {
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                LOG.error("AMQP connection ({}) lost: {}. Reconnecting.", purpose, cause.getMessage());
            }
        });
        if (connection instanceof Recoverable r) {
            r.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    LOG.info("AMQP connection ({}) recovered; topology declared again", purpose);
                    afterRecovery.forEach(BrokerConnection::runQuietly);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    LOG.info("AMQP connection ({}): reconnecting", purpose);
                }
            });
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("Recovery callback failed", e);
        }
    }

    /** Runs each consumer callback on the thread that read the message from the socket. */
    public static final java.util.concurrent.ExecutorService INLINE_DISPATCH = new InlineExecutor();

    private static final class InlineExecutor extends java.util.concurrent.AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            // Shared and stateless: closing a connection must not shut it down for the others.
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
        }
    }

    /** Runs after the client has reconnected and re-declared the recorded topology. */
    void onRecovery(Runnable callback) {
        afterRecovery.add(callback);
    }

    public Channel createChannel() throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("no free channel on the AMQP connection (" + purpose + ")");
        }
        return channel;
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    String purpose() {
        return purpose;
    }

    @Override
    public void close() {
        try {
            if (connection.isOpen()) {
                connection.close(5_000);
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.debug("Closing AMQP connection ({}): {}", purpose, e.toString());
        }
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
