package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import org.ebsvolume.messaging.impl.BrokerConnection;
import org.ebsvolume.messaging.impl.ExchangeSpec;
import org.ebsvolume.messaging.impl.MalformedMessageException;
import org.ebsvolume.messaging.impl.QueueSpec;
import org.ebsvolume.messaging.impl.Topology;
import org.ebsvolume.messaging.wire.PythonJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An oslo RPC server for one {@link Target}: consumes {@code topic}, {@code topic.server} and a
 * private fanout queue on its own connection, and runs endpoint methods on a bounded pool.
 *
 * <p>Message handling follows oslo step by step: decode (undecodable → reject, no reply),
 * acknowledge before dispatch (at-most-once), drop duplicates of the last 16 ids, dispatch, one
 * reply with {@code ending} for calls. Nothing a message contains can make a consumer callback
 * throw: an exception there would make the RabbitMQ client close the channel.
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

    private final Transport transport;
    private final Target target;
    private final Dispatcher dispatcher;
    private final RpcServerSettings settings;
    private final BrokerConnection connection;
    private final ThreadPoolExecutor executor;
    private final Semaphore capacity;
    private final DuplicateFilter duplicates = new DuplicateFilter();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<String> failedQueues = new ArrayList<>();
    private volatile boolean stopping;

    private record Subscription(QueueSpec queue, Channel channel, String consumerTag) {
    }

    private RpcServer(Transport transport, Target target, List<Endpoint> endpoints, RpcServerSettings settings,
                      BrokerConnection connection) {
        this.transport = transport;
        this.target = target;
        this.dispatcher = new Dispatcher(endpoints);
        this.settings = settings;
        this.connection = connection;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.executorThreads(), settings.executorThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "rpc-" + target.topic() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.executor.allowCoreThreadTimeOut(true);
        this.capacity = new Semaphore(settings.executorThreads() + settings.backlog());
    }

    static RpcServer start(Transport transport, Target target, List<Endpoint> endpoints, RpcServerSettings settings)
            throws IOException, InterruptedException {
        if (target.server() == null) {
            throw new IllegalArgumentException("an RPC server needs a target with a server name: " + target);
        }
        // Callbacks only decode, acknowledge and hand over to the handler pool, so they run on the
        // reader thread: one thread hand-off per request instead of two.
        BrokerConnection connection = BrokerConnection.open(transport.config(), "listen " + target.routingKey(), 0,
                BrokerConnection.INLINE_DISPATCH);
        RpcServer server = new RpcServer(transport, target, endpoints, settings, connection);
        server.subscribeAll();
        return server;
    }

    private void subscribeAll() throws IOException {
        Topology topology = transport.topology();
        String exchangeName = target.exchange() != null ? target.exchange() : topology.controlExchange();
        ExchangeSpec topicExchange = topology.topicExchange(exchangeName);
        List<QueueSpec> queues = List.of(
                retarget(topology.topicQueue(target.topic()), exchangeName),
                retarget(topology.topicQueue(target.routingKey()), exchangeName),
                topology.fanoutQueue(target.topic()));
        int tag = 1;
        for (QueueSpec queue : queues) {
            ExchangeSpec exchange = queue.exchange().equals(exchangeName) ? topicExchange : topology.fanoutExchange(target.topic());
            subscribe(exchange, queue, Integer.toString(tag++));
        }
        if (subscriptions.isEmpty()) {
            connection.close();
            throw new IOException("RPC server for " + target + " could not consume any of its queues: " + failedQueues);
        }
    }

    private static QueueSpec retarget(QueueSpec q, String exchange) {
        return new QueueSpec(q.name(), q.durable(), q.autoDelete(), q.exclusive(), q.arguments(), exchange, q.routingKey());
    }

    /**
     * One channel per queue: a declaration the broker refuses (406, a queue created by someone
     * with other arguments) closes only that channel, and the server keeps serving the others.
     */
    private void subscribe(ExchangeSpec exchange, QueueSpec queue, String consumerTag) throws IOException {
        Channel channel = connection.createChannel();
        try {
            int prefetch = transport.config().rabbit().rabbitQosPrefetchCount();
            if (prefetch > 0) {
                channel.basicQos(0, prefetch, false);
            }
            channel.exchangeDeclare(exchange.name(), exchange.type(), exchange.durable(), exchange.autoDelete(), null);
            channel.queueDeclare(queue.name(), queue.durable(), queue.exclusive(), queue.autoDelete(), queue.arguments());
            channel.queueBind(queue.name(), queue.exchange(), queue.routingKey());
            Map<String, Object> consumerArgs = transport.config().rabbit().enableCancelOnFailover()
                    ? Map.of("x-cancel-on-ha-failover", true) : Map.of();
            channel.basicConsume(queue.name(), false, consumerTag, false, false, consumerArgs, new GuardedConsumer(channel,
                    (ch, envelope, props, body) -> receive(ch, envelope.getDeliveryTag(), props, body),
                    t -> LOG.error("Unexpected failure handling a message on {}; message dropped", target, t),
                    tag -> LOG.warn("The broker cancelled consumer {} of {} (queue deleted or HA failover)", tag, target)));
            subscriptions.add(new Subscription(queue, channel, consumerTag));
            LOG.debug("Consuming {} (durable={}, auto_delete={}, arguments={})", queue.name(), queue.durable(),
                    queue.autoDelete(), queue.arguments());
        } catch (IOException e) {
            String reason = brokerReason(e);
            failedQueues.add(queue.name());
            LOG.error("Cannot consume queue {}: the broker refused to declare it or its exchange {} ({}). We declared "
                            + "the queue durable={}, auto_delete={}, exclusive={}, arguments={} and the exchange durable={}, "
                            + "auto_delete={}; it already exists with other settings, so another service declared it with "
                            + "different [oslo_messaging_rabbit] options. Serving the remaining queues.",
                    queue.name(), exchange.name(), reason, queue.durable(), queue.autoDelete(), queue.exclusive(),
                    queue.arguments(), exchange.durable(), exchange.autoDelete());
            closeQuietly(channel);
        }
    }

    /** RabbitMQ puts the offending argument in the close reason: "inequivalent arg 'x-queue-type' …". */
    private static String brokerReason(IOException e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof ShutdownSignalException sse && sse.getReason() instanceof AMQP.Channel.Close close) {
                return close.getReplyCode() + " " + close.getReplyText();
            }
            t = t.getCause();
        }
        return e.toString();
    }

    public Target target() {
        return target;
    }

    /** Queues this server could not declare (each one was logged with the broker's reason). */
    public List<String> failedQueues() {
        return List.copyOf(failedQueues);
    }

    /** True while the server's connection to the broker is up (false during a reconnect). */
    public boolean isConnected() {
        return !stopping && connection.isOpen();
    }

    /** Names of the queues being consumed, in oslo's declaration order. */
    public List<String> queues() {
        return subscriptions.stream().map(s -> s.queue().name()).toList();
    }

    private void receive(Channel channel, long deliveryTag, AMQP.BasicProperties props, byte[] body) throws IOException {
        if (body.length > settings.maxMessageBytes()) {
            channel.basicReject(deliveryTag, false);
            LOG.error("Rejected a {}-byte message on {}: larger than the {}-byte limit", body.length, target,
                    settings.maxMessageBytes());
            return;
        }
        ObjectNode inner;
        try {
            inner = org.ebsvolume.messaging.impl.Envelope.unwrap(body, props.getContentType());
        } catch (MalformedMessageException e) {
            channel.basicReject(deliveryTag, false);
            LOG.error("Failed to process a {}-byte message on {}: {}; rejected, skipping it", body.length, target, e.getMessage());
            return;
        }
        IncomingRequest request;
        try {
            request = IncomingRequest.parse(inner);
        } catch (IncomingRequest.InvalidRequest e) {
            channel.basicReject(deliveryTag, false);
            LOG.error("Rejected a malformed request on {}: {}", target, e.getMessage());
            if (e.replyTo != null) {
                IncomingRequest stub = new IncomingRequest("?", PythonJson.MAPPER.createObjectNode(), null, null, e.msgId,
                        e.replyTo, null, null, MessageContext.empty());
                transport.replies().reply(stub, null, RemoteFailure.of(new ExposedException("builtins", "TypeError",
                        "malformed RPC request: " + e.getMessage(), null)));
            }
            return;
        }
        // oslo acknowledges before dispatch: at-most-once; Cinder's workers table covers crashes.
        channel.basicAck(deliveryTag, false);
        if (!duplicates.firstSighting(request.uniqueId())) {
            LOG.warn("Dropped duplicate message {} ({}) on {}", request.uniqueId(), request.method(), target);
            return;
        }
        if (stopping) {
            LOG.warn("{} Abandoned {} received while stopping", request.context().logPrefix(), request.method());
            return;
        }
        try {
            capacity.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    handle(request);
                } finally {
                    capacity.release();
                }
            });
        } catch (RuntimeException e) {
            capacity.release();
            LOG.error("{} Could not run {}: {}", request.context().logPrefix(), request.method(), e.toString());
        }
    }

    private void handle(IncomingRequest request) {
        // Log lines of the handler carry the request, as oslo.log's [req-… user project].
        String prefix = request.context().logPrefix();
        org.slf4j.MDC.put("oslo_request", prefix.substring(1, prefix.length() - 1));
        try {
            dispatchAndReply(request);
        } finally {
            org.slf4j.MDC.remove("oslo_request");
        }
    }

    private void dispatchAndReply(IncomingRequest request) {
        ScheduledFuture<?> heartbeat = startCallMonitor(request);
        Object result = null;
        RemoteFailure failure = null;
        try {
            result = dispatcher.dispatch(request);
        } catch (Dispatcher.DispatcherError e) {
            failure = e.toFailure();
            LOG.error("{} Exception during message handling: {}", request.context().logPrefix(), e.getMessage());
        } catch (ExposedException e) {
            failure = RemoteFailure.of(e);
            LOG.info("{} {} failed: {}.{}: {}", request.context().logPrefix(), request.method(), e.pythonModule(),
                    e.pythonClass(), e.getMessage());
        } catch (Exception | Error e) {
            failure = RemoteFailure.of(e);
            LOG.error("{} Exception during message handling of {}", request.context().logPrefix(), request.method(), e);
        } finally {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
        }
        if (!request.isCall()) {
            return;
        }
        JsonNode resultNode;
        try {
            resultNode = result == null ? null : PythonJson.MAPPER.valueToTree(result);
        } catch (IllegalArgumentException e) {
            resultNode = null;
            failure = RemoteFailure.of(new IllegalStateException("result of " + request.method() + " is not JSON-serialisable: " + e.getMessage()));
        }
        transport.replies().reply(request, resultNode, failure);
    }

    /** oslo's dispatcher watchdog: a heartbeat reply every {@code _timeout}/2 s while the method runs. */
    private ScheduledFuture<?> startCallMonitor(IncomingRequest request) {
        if (!request.isCall() || request.clientTimeout() == null) {
            return null;
        }
        long periodMs = (long) (request.clientTimeout() / 2) * 1000;
        if (periodMs < 1000) {
            return null;
        }
        return transport.timers().scheduleAtFixedRate(() -> transport.replies().heartbeat(request), periodMs, periodMs,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Stops consuming, lets in-flight handlers finish within the grace period, then deletes this
     * server's fanout queue (as oslo does on close) and closes the connection.
     */
    public void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        for (Subscription s : subscriptions) {
            try {
                if (s.channel().isOpen()) {
                    s.channel().basicCancel(s.consumerTag());
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cancelling consumer on {}: {}", s.queue().name(), e.toString());
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("RPC server {}: {} handler(s) still running after {}; abandoning them", target,
                        executor.getActiveCount(), settings.stopGrace());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        for (Subscription s : subscriptions) {
            if (s.queue().name().contains("_fanout_")) {
                try {
                    s.channel().queueDelete(s.queue().name());
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Deleting fanout queue {}: {}", s.queue().name(), e.toString());
                }
            }
        }
        connection.close();
        LOG.info("RPC server {} stopped", target);
    }

    @Override
    public void close() {
        stop();
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.trace("closing channel", e);
        }
    }
}
