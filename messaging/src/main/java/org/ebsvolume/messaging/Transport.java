package org.ebsvolume.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import org.ebsvolume.messaging.impl.BrokerConnection;
import org.ebsvolume.messaging.impl.ConfirmedPublisher;
import org.ebsvolume.messaging.impl.Pause;
import org.ebsvolume.messaging.impl.Topology;
import org.ebsvolume.messaging.impl.UnroutableMessageException;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point: one process's link to the broker, like an oslo {@code Transport}. It owns the
 * shared send connection (casts, calls, replies, notifications), the lazily created reply queue
 * for calls, and every RPC server started from it (each on its own connection).
 *
 * <pre>{@code
 * try (Transport t = Transport.open(TransportConfig.of("rabbit://guest:guest@127.0.0.1:5672/"))) {
 *     RpcServer s = t.serve(Target.topic("cinder-volume").withServer("node1@lvm"), List.of(endpoint));
 *     JsonNode r = t.client(Target.topic("cinder-scheduler").withVersion("3.0")).call(ctx, "get_pools", args);
 * }
 * }</pre>
 */
public final class Transport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final int PUBLISHERS = 4;

    private final TransportConfig config;
    private final Topology topology;
    private final BrokerConnection sendConnection;
    private final List<ConfirmedPublisher> publishers;
    private final AtomicInteger nextPublisher = new AtomicInteger();
    private final ScheduledExecutorService timers;
    private final ReplySender replies;
    private final List<RpcServer> servers = new CopyOnWriteArrayList<>();
    private volatile ReplyWaiter replyWaiter;
    /** Spends the waits between publish attempts and between connection attempts. */
    private final Pause pause;

    private Transport(TransportConfig config, BrokerConnection sendConnection, List<ConfirmedPublisher> publishers, Pause pause) {
        this.config = config;
        this.pause = pause;
        this.topology = new Topology(config.rabbit(), config.controlExchange());
        this.sendConnection = sendConnection;
        this.publishers = publishers;
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "messaging-timers");
            t.setDaemon(true);
            return t;
        });
        this.replies = new ReplySender(this, timers);
    }

    /** Connects, retrying forever on oslo's backoff (what a service wants while the broker starts). */
    public static Transport open(TransportConfig config) throws IOException, InterruptedException {
        return open(config, 0);
    }

    /** Connects, giving up after {@code maxAttempts} (0 = never). */
    public static Transport open(TransportConfig config, int maxAttempts) throws IOException, InterruptedException {
        return open(config, maxAttempts, Pause.SLEEP);
    }

    /** As {@link #open(TransportConfig, int)}, with {@code pause} spending the waits between retries (tests record them). */
    static Transport open(TransportConfig config, int maxAttempts, Pause pause) throws IOException, InterruptedException {
        if (!config.rabbit().kombuCompression().isEmpty()) {
            // oslo marks it experimental and nothing in a Cinder deployment sets it; a peer that
            // silently sent uncompressed bodies would be worse than refusing to start.
            throw new MessagingException("[oslo_messaging_rabbit] kombu_compression = '" + config.rabbit().kombuCompression()
                    + "' is not supported by ebs-volume; remove it");
        }
        BrokerConnection send = BrokerConnection.open(config, "send", maxAttempts, null, pause);
        try {
            List<ConfirmedPublisher> pubs = new java.util.ArrayList<>();
            for (int i = 0; i < PUBLISHERS; i++) {
                pubs.add(new ConfirmedPublisher(send));
            }
            return new Transport(config, send, List.copyOf(pubs), pause);
        } catch (IOException | RuntimeException e) {
            send.close();
            throw e;
        }
    }

    TransportConfig config() {
        return config;
    }

    Topology topology() {
        return topology;
    }

    /** Starts an RPC server consuming {@code target}'s queues; it runs until stopped or this transport closes. */
    public RpcServer serve(Target target, List<Endpoint> endpoints, RpcServerSettings settings)
            throws IOException, InterruptedException {
        RpcServer server = RpcServer.start(this, target, endpoints, settings);
        servers.add(server);
        return server;
    }

    public RpcServer serve(Target target, List<Endpoint> endpoints) throws IOException, InterruptedException {
        return serve(target, endpoints, RpcServerSettings.defaults());
    }

    public RpcClient client(Target target) {
        return new RpcClient(this, target, config.rpcResponseTimeout());
    }

    /** A {@code messagingv2} notifier publishing to {@code <topic>.<priority>} on the control exchange. */
    public Notifier notifier(String publisherId, List<String> topics) {
        return new Notifier(this, publisherId, topics);
    }

    /** The consumers on {@code queue} (a passive declare on a channel of its own); 0 if it does not exist. */
    int consumers(String queue) throws IOException {
        com.rabbitmq.client.Channel channel = sendConnection.createChannel();
        try {
            return channel.queueDeclarePassive(queue).getConsumerCount();
        } catch (IOException e) {
            if (e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException s
                    && s.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND) {
                return 0;   // the broker closed the channel: no such queue
            }
            throw e;
        } finally {
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | java.util.concurrent.TimeoutException | AlreadyClosedException ignored) {
                    // a channel of our own, about to be dropped either way
                }
            }
        }
    }

    ReplySender replies() {
        return replies;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    ReplyWaiter replyWaiter() throws IOException, InterruptedException {
        ReplyWaiter w = replyWaiter;
        if (w == null) {
            synchronized (this) {
                if (replyWaiter == null) {
                    replyWaiter = ReplyWaiter.start(this);
                }
                w = replyWaiter;
            }
        }
        return w;
    }

    ConfirmedPublisher publisher() {
        return publishers.get(Math.floorMod(nextPublisher.getAndIncrement(), publishers.size()));
    }

    /** One publish attempt on the shared send connection; the future completes on the broker's confirm. */
    CompletableFuture<Void> publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props,
                                    byte[] body) {
        return publisher().publish(exchange, routingKey, mandatory, props, body);
    }

    /**
     * Publishes and waits for the confirm, retrying while the connection is being recovered, up to
     * {@code budget} — oslo's {@code ensure()} for sends. An unroutable mandatory message is not retried.
     */
    void publishConfirmed(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body,
                          java.util.function.Consumer<ConfirmedPublisher> beforePublish, Duration budget)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        IOException last = null;
        while (true) {
            ConfirmedPublisher p = publisher();
            try {
                beforePublish.accept(p);
                p.publish(exchange, routingKey, mandatory, props, body).get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof UnroutableMessageException u) {
                    throw u;
                }
                last = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                last = new IOException("no publisher confirm within " + budget);
            } catch (AlreadyClosedException | DeclarationFailedException e) {
                last = new IOException(e.getMessage(), e);
            }
            if (remainingMs(deadline) <= 0) {
                throw new IOException("could not publish to exchange '" + exchange + "' with routing key '" + routingKey
                        + "' within " + budget + ": " + last.getMessage(), last);
            }
            LOG.debug("Publish to {}/{} failed ({}); retrying", exchange, routingKey, last.getMessage());
            pause.sleep(Duration.ofMillis(Math.min(250, Math.max(1, remainingMs(deadline)))));
        }
    }

    private static long remainingMs(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    /**
     * A declaration in {@link #publishConfirmed}'s {@code beforePublish} callback failed. The
     * callback is a {@code Consumer}, which cannot throw the IOException, so this carries it out to
     * {@link #publishConfirmed}, which retries it like any other failed attempt.
     */
    static final class DeclarationFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeclarationFailedException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Stops every server started from this transport (each within its grace period), then disconnects. */
    @Override
    public void close() {
        for (RpcServer s : servers) {
            s.stop();
        }
        ReplyWaiter w = replyWaiter;
        if (w != null) {
            w.close();
        }
        timers.shutdownNow();
        sendConnection.close();
    }
}
