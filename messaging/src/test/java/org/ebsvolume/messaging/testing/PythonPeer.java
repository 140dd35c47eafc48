package org.ebsvolume.messaging.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives {@code src/test/python/oslo_peer.py}: a process running Debian's real
 * python3-oslo.messaging 14.0.3 that calls, casts, serves, notifies and pokes raw AMQP on
 * command, so Java tests can prove wire interop against the genuine library instead of
 * against our own reading of it.
 *
 * <p>Protocol: one JSON command per line on the peer's stdin, exactly one JSON response per
 * command on its stdout, matched by {@code id}. The peer runs each command on its own thread,
 * so responses can arrive out of order and {@link #request} may be called from many threads.
 * The peer's stderr (oslo's logs, tracebacks) goes to {@link #stderrLog()} under
 * {@code target/python-peer/}; every failure message here includes its tail.
 *
 * <p>Nothing here ever skips: a missing interpreter, missing Python packages or an unreachable
 * broker make {@link #start} throw, so the test fails and says why.
 */
public final class PythonPeer implements AutoCloseable {

    /** Debian's interpreter: the pyenv {@code python3} on PATH lacks the Debian packages. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Where the peer script lives, relative to the messaging module directory. */
    public static final String SCRIPT = "src/test/python/oslo_peer.py";

    public static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Slack added on top of an oslo-level timeout: the peer answers only after oslo gave up,
     * and starting a Python thread or reconnecting takes a moment.
     */
    private static final Duration RESPONSE_MARGIN = Duration.ofSeconds(30);

    private static final int STDERR_TAIL_CHARS = 8_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger PEER_COUNTER = new AtomicInteger();

    private final Process process;
    private final BufferedWriter stdin;
    private final Path stderrLog;
    private final Thread reader;
    private final Object writeLock = new Object();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private final List<String> strayLines = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;
    private volatile boolean outputEnded;

    private PythonPeer(Process process, Path stderrLog) {
        this.process = process;
        this.stderrLog = stderrLog;
        this.stdin = new BufferedWriter(
                new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.reader = new Thread(this::readResponses, "python-peer-reader-" + process.pid());
        this.reader.setDaemon(true);
    }

    /** Starts a peer with oslo's defaults (control exchange {@code openstack}). */
    public static PythonPeer start(String transportUrl) {
        return start(transportUrl, Map.of());
    }

    /**
     * Starts a peer and waits until it reports ready (transports built and the broker answered a
     * test connection).
     *
     * @param transportUrl an oslo transport URL, e.g. {@code rabbit://guest:guest@127.0.0.1:5672/}
     * @param extraOptions oslo.config overrides as {@code "group.option" -> "value"}, e.g.
     *                     {@code "oslo_messaging_rabbit.rabbit_quorum_queue" -> "true"}; a key
     *                     without a group (or with group {@code DEFAULT}) is a [DEFAULT] option,
     *                     so {@code "control_exchange" -> "cinder"} changes the exchange
     * @throws IllegalStateException if the peer cannot start or is not ready within 30 s; the
     *                               message carries the peer's error and stderr
     */
    public static PythonPeer start(String transportUrl, Map<String, String> extraOptions) {
        Path script = locateScript();
        if (!Files.isExecutable(PYTHON)) {
            throw new IllegalStateException(PYTHON + " is missing: the oslo interop tests need"
                    + " Debian's python3 with python3-oslo.messaging installed");
        }
        // <module>/src/test/python/oslo_peer.py -> <module>/target/python-peer/
        Path moduleDir = script.toAbsolutePath().getParent().getParent().getParent().getParent();
        Path logDir = moduleDir.resolve("target").resolve("python-peer");
        Path stderrLog = logDir.resolve(String.format("peer-%s-%d.log",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")),
                PEER_COUNTER.incrementAndGet()));

        List<String> command = new ArrayList<>(List.of(
                PYTHON.toString(),
                "-I",  // isolated: PYTHONPATH & co. from a pyenv shell must not leak in
                "-u",  // unbuffered stderr, so the log is current when a test fails
                "-B",  // no __pycache__ next to the sources
                script.toString(),
                "--url", transportUrl));
        extraOptions.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });

        Process process;
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(moduleDir.toFile())
                    .redirectError(ProcessBuilder.Redirect.to(stderrLog.toFile()));
            builder.environment().put("LC_ALL", "C.UTF-8");
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch " + command, e);
        }

        PythonPeer peer = new PythonPeer(process, stderrLog);
        peer.reader.start();
        try {
            JsonNode readyLine = peer.ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!readyLine.path("ready").asBoolean(false)) {
                JsonNode error = readyLine.path("error");
                throw new IllegalStateException("Python peer failed to start: "
                        + error.path("type").asText() + ": " + error.path("message").asText()
                        + peer.diagnostics());
            }
            return peer;
        } catch (TimeoutException e) {
            peer.destroy();
            throw new IllegalStateException("Python peer did not report ready within "
                    + READY_TIMEOUT.toSeconds() + " s" + peer.diagnostics());
        } catch (ExecutionException e) {
            peer.destroy();
            throw new IllegalStateException("Python peer exited before it was ready: "
                    + e.getCause().getMessage() + peer.diagnostics());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroy();
            throw new IllegalStateException("interrupted while starting the Python peer", e);
        } catch (IllegalStateException e) {
            peer.destroy();
            throw e;
        }
    }

    private static Path locateScript() {
        // Maven runs tests with user.dir = the module dir; an IDE may use the project root.
        Path userDir = Path.of(System.getProperty("user.dir"));
        // Other modules' tests (the worker's) reuse the peer from the messaging module beside them.
        List<Path> candidates = List.of(userDir.resolve(SCRIPT),
                userDir.resolve("messaging").resolve(SCRIPT),
                userDir.resolveSibling("messaging").resolve(SCRIPT));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("oslo_peer.py not found; looked at " + candidates);
    }

    // ------------------------------------------------------------------ protocol plumbing

    /** A fresh command object with its {@code op} set. */
    public static ObjectNode command(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    /**
     * Sends a command and waits for its response. Thread-safe. The command is copied and given
     * a fresh {@code id}; the response is returned whatever its {@code ok} says.
     *
     * @throws PeerException if the peer is gone or does not answer within {@code timeout}
     */
    public JsonNode request(ObjectNode command, Duration timeout) {
        if (closed) {
            throw new PeerException("peer is closed; cannot send " + command);
        }
        long id = ids.incrementAndGet();
        ObjectNode line = command.deepCopy();
        line.put("id", id);
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        // Register before checking for EOF so a peer that dies right now still fails us.
        if (outputEnded) {
            pending.remove(id);
            throw new PeerException("peer has exited (" + exitDescription() + "); cannot send "
                    + line + diagnostics());
        }
        try {
            String text = JSON.writeValueAsString(line);
            synchronized (writeLock) {
                stdin.write(text);
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            throw new PeerException("cannot write to the peer: " + e + diagnostics(), e);
        }
        try {
            return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PeerException("no response to " + line + " within " + timeout + diagnostics());
        } catch (ExecutionException e) {
            throw new PeerException(e.getCause().getMessage() + diagnostics(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for " + line, e);
        } finally {
            pending.remove(id);
        }
    }

    /** {@link #request(ObjectNode, Duration)} with {@link #DEFAULT_REQUEST_TIMEOUT}. */
    public JsonNode request(ObjectNode command) {
        return request(command, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Sends a command that must succeed (peer bookkeeping, not the behaviour under test). */
    private JsonNode requestOk(ObjectNode command, Duration timeout) {
        return requireOk(request(command, timeout), command.path("op").asText());
    }

    /** Returns {@code response} if it is {@code ok:true}, else throws with the peer's error. */
    public JsonNode requireOk(JsonNode response, String what) {
        if (!response.path("ok").asBoolean(false)) {
            throw new PeerException(what + " failed in the peer: " + describeError(response)
                    + diagnostics());
        }
        return response;
    }

    /** One-line summary of a response's error, e.g. {@code MessagingTimeout: Timed out ...}. */
    public static String describeError(JsonNode response) {
        JsonNode error = response.path("error");
        if (error.isMissingNode() || error.isNull()) {
            return "(no error)";
        }
        String summary = error.path("module").asText() + "." + error.path("type").asText()
                + ": " + error.path("message").asText();
        if (error.hasNonNull("exc_type")) {
            summary += " [remote " + error.path("exc_type").asText() + "]";
        }
        return summary;
    }

    private void readResponses() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                dispatch(line);
            }
        } catch (IOException e) {
            strayLines.add("stdout read failed: " + e);
        } finally {
            outputEnded = true;
            PeerException gone = new PeerException("Python peer exited (" + exitDescription()
                    + ") before answering");
            ready.completeExceptionally(gone);
            pending.values().forEach(f -> f.completeExceptionally(gone));
        }
    }

    private void dispatch(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            strayLines.add(line);
            return;
        }
        if (!ready.isDone() && node.has("ready")) {
            ready.complete(node);
            return;
        }
        JsonNode id = node.path("id");
        CompletableFuture<JsonNode> waiter = id.canConvertToLong() ? pending.get(id.asLong()) : null;
        if (waiter != null) {
            waiter.complete(node);
        } else {
            // A response nobody waits for (timed out, or an unparseable command): keep it for
            // diagnostics rather than dropping it silently.
            strayLines.add(line);
        }
    }

    private String exitDescription() {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return "exit status " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running, stdout closed";
    }

    // ------------------------------------------------------------------ RPC client

    /** {@code call} with version/namespace unset, an empty context and a 5 s oslo timeout. */
    public JsonNode call(String topic, String server, String method, Object args) {
        return call(topic, server, method, args, null, Map.of(), DEFAULT_CALL_TIMEOUT);
    }

    /**
     * An oslo RPC call from Python. Returns the whole response: {@code ok:true} with
     * {@code result}, or {@code ok:false} with {@code error} = {@code type}, {@code module} (the
     * exact class oslo raised, e.g. {@code PeerFailure_Remote} / {@code ebs_test_exceptions_Remote}
     * for a rebuilt exception), {@code original_type}/{@code original_module} (without oslo's
     * {@code _Remote} suffix), {@code mro}, {@code message} (first line), {@code full},
     * {@code args}, {@code kwargs} and, for {@code RemoteError}, {@code exc_type} and
     * {@code value}.
     *
     * @param server  null to address the topic queue (any server)
     * @param version the message's {@code version}, null to leave it out
     * @param context the request context; oslo sends it as {@code _context_*} keys
     */
    public JsonNode call(String topic, String server, String method, Object args, String version,
                         Object context, Duration callTimeout) {
        ObjectNode cmd = rpcCommand("call", topic, server, method, args, version, context);
        cmd.put("timeout", seconds(callTimeout));
        return request(cmd, callTimeout.plus(RESPONSE_MARGIN));
    }

    public JsonNode cast(String topic, String server, String method, Object args) {
        return cast(topic, server, method, args, null, Map.of());
    }

    /** An oslo cast (exchange {@code openstack}, key {@code topic[.server]}); returns the response. */
    public JsonNode cast(String topic, String server, String method, Object args, String version,
                         Object context) {
        return request(rpcCommand("cast", topic, server, method, args, version, context));
    }

    public JsonNode fanout(String topic, String method, Object args) {
        return fanout(topic, method, args, null, Map.of());
    }

    /** {@code prepare(fanout=True).cast}: exchange {@code <topic>_fanout}; returns the response. */
    public JsonNode fanout(String topic, String method, Object args, String version, Object context) {
        return request(rpcCommand("fanout", topic, null, method, args, version, context));
    }

    /**
     * {@code count} sequential calls paced at {@code ratePerSecond} (0 = back to back). The
     * response has {@code succeeded}, {@code failed}, {@code latencies_ms} (successful calls),
     * {@code errors} (count per class), {@code error_samples} (first message per class),
     * {@code outcomes} ([start offset ms, latency ms, error class or null] per call) and
     * {@code elapsed_ms}.
     */
    public JsonNode calls(String topic, String server, String method, Object args, int count,
                          double ratePerSecond, Duration callTimeout) {
        ObjectNode cmd = rpcCommand("calls", topic, server, method, args, null, Map.of());
        cmd.put("count", count);
        cmd.put("rate", ratePerSecond);
        cmd.put("timeout", seconds(callTimeout));
        // Worst case every call times out; pacing adds 1/rate per call.
        double perCallSeconds = seconds(callTimeout) + (ratePerSecond > 0 ? 1.0 / ratePerSecond : 0);
        Duration budget = Duration.ofMillis((long) (count * perCallSeconds * 1000)).plus(RESPONSE_MARGIN);
        return request(cmd, budget);
    }

    private static ObjectNode rpcCommand(String op, String topic, String server, String method,
                                         Object args, String version, Object context) {
        ObjectNode cmd = command(op);
        cmd.put("topic", topic);
        cmd.put("server", server);
        cmd.put("method", method);
        cmd.set("args", args == null ? JSON.createObjectNode() : JSON.valueToTree(args));
        cmd.put("version", version);
        cmd.set("context", context == null ? JSON.createObjectNode() : JSON.valueToTree(context));
        return cmd;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    // ------------------------------------------------------------------ RPC server

    public String serve(String topic, String server, String version) {
        return serve(topic, server, version, null);
    }

    /**
     * Starts an oslo RPCServer (threading executor) on {@code Target(topic, server)} whose
     * endpoint has target version {@code version} and methods {@code echo(**kw)},
     * {@code context()}, {@code fail(message)} (raises {@code ebs_test_exceptions.PeerFailure}),
     * {@code fail_coded(message, **kwargs)}, {@code fail_builtin(message)} (ValueError),
     * {@code sleep(seconds)}, {@code record(**kw)} and {@code whoami()} (returns server_id and
     * {@code fanoutTag}). Its queues are bound when this returns.
     *
     * @return the server id for {@link #received}/{@link #stopServer}
     */
    public String serve(String topic, String server, String version, String fanoutTag) {
        ObjectNode cmd = command("serve");
        cmd.put("topic", topic);
        cmd.put("server", server);
        cmd.put("version", version);
        cmd.put("fanout_tag", fanoutTag);
        return requestOk(cmd, DEFAULT_REQUEST_TIMEOUT).path("server_id").asText();
    }

    /** The {@code kw} dicts {@code record} received so far, in arrival order. */
    public ArrayNode received(String serverId) {
        return (ArrayNode) receivedResponse(serverId).path("records");
    }

    /** The context dicts that came with each {@code record} call, parallel to {@link #received}. */
    public ArrayNode receivedContexts(String serverId) {
        return (ArrayNode) receivedResponse(serverId).path("contexts");
    }

    private JsonNode receivedResponse(String serverId) {
        return requestOk(command("received").put("server_id", serverId), DEFAULT_REQUEST_TIMEOUT);
    }

    /** Polls {@link #received} until it has at least {@code atLeast} records. */
    public ArrayNode awaitReceived(String serverId, int atLeast, Duration timeout) {
        return poll(() -> received(serverId), atLeast, timeout, "records on " + serverId);
    }

    public void stopServer(String serverId) {
        requestOk(command("stop_server").put("server_id", serverId), DEFAULT_REQUEST_TIMEOUT);
    }

    // ------------------------------------------------------------------ notifications

    /**
     * Starts a notification listener (threading executor) on {@code topics} (exchange = the
     * control exchange) recording every priority. Without a pool it consumes the shared queues
     * {@code <topic>.<priority>}; with a {@code pool} oslo declares one queue named after the
     * pool, bound to every {@code <topic>.<priority>} key.
     */
    public String listenNotifications(List<String> topics, String pool) {
        ObjectNode cmd = command("listen_notifications");
        cmd.set("topics", JSON.valueToTree(topics));
        cmd.put("pool", pool);
        return requestOk(cmd, DEFAULT_REQUEST_TIMEOUT).path("listener_id").asText();
    }

    /**
     * Notifications received so far: objects with {@code priority} (lower case),
     * {@code ctxt}, {@code publisher_id}, {@code event_type}, {@code payload} and
     * {@code metadata} ({@code message_id}, {@code timestamp}).
     */
    public ArrayNode notifications(String listenerId) {
        return (ArrayNode) requestOk(command("notifications").put("listener_id", listenerId),
                DEFAULT_REQUEST_TIMEOUT).path("notifications");
    }

    public ArrayNode awaitNotifications(String listenerId, int atLeast, Duration timeout) {
        return poll(() -> notifications(listenerId), atLeast, timeout,
                "notifications on " + listenerId);
    }

    public void stopListener(String listenerId) {
        requestOk(command("stop_listener").put("listener_id", listenerId), DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Emits a notification through {@code oslo_messaging.Notifier} with driver
     * {@code messagingv2} to {@code topics} (null = {@code ["notifications"]}); returns the
     * response.
     */
    public JsonNode notify(String publisherId, String eventType, String priority, Object payload,
                           Object context, List<String> topics) {
        ObjectNode cmd = command("notify");
        cmd.put("publisher_id", publisherId);
        cmd.put("event_type", eventType);
        cmd.put("priority", priority);
        cmd.set("payload", JSON.valueToTree(payload));
        cmd.set("context", context == null ? JSON.createObjectNode() : JSON.valueToTree(context));
        if (topics != null) {
            cmd.set("topics", JSON.valueToTree(topics));
        }
        return request(cmd);
    }

    // ------------------------------------------------------------------ raw AMQP (py-amqp)

    public JsonNode rawPublish(String exchange, String routingKey, String body,
                               Map<String, ?> properties) {
        return rawPublish(exchange, routingKey, body.getBytes(StandardCharsets.UTF_8), properties,
                false);
    }

    /**
     * Publishes exactly {@code body} with exactly {@code properties} (py-amqp names:
     * {@code content_type}, {@code content_encoding}, {@code delivery_mode}, {@code priority},
     * {@code expiration}, {@code headers}, ...) and waits for the broker's confirm. Returns the
     * response; with {@code mandatory} an unroutable message shows as {@code returned:true}.
     */
    public JsonNode rawPublish(String exchange, String routingKey, byte[] body,
                               Map<String, ?> properties, boolean mandatory) {
        ObjectNode cmd = command("raw_publish");
        cmd.put("exchange", exchange);
        cmd.put("routing_key", routingKey);
        cmd.put("body_b64", Base64.getEncoder().encodeToString(body));
        cmd.set("properties", properties == null ? JSON.createObjectNode()
                : JSON.valueToTree(properties));
        cmd.put("mandatory", mandatory);
        return request(cmd);
    }

    /**
     * {@code basic.get} (auto-ack) of one message: an object with {@code body} (UTF-8 text),
     * {@code body_b64} (exact bytes, see {@link #bodyBytes}), {@code properties} and
     * {@code delivery_info}; or a {@link NullNode} when the queue is empty.
     */
    public JsonNode rawGet(String queue) {
        return requestOk(command("raw_get").put("queue", queue), DEFAULT_REQUEST_TIMEOUT)
                .path("message");
    }

    /** Polls {@link #rawGet} until a message arrives. */
    public JsonNode awaitRawGet(String queue, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode message = rawGet(queue);
            if (!message.isNull() && !message.isMissingNode()) {
                return message;
            }
            if (System.nanoTime() > deadline) {
                throw new PeerException("no message on queue " + queue + " within " + timeout);
            }
            sleepQuietly(50);
        }
    }

    /** The exact body bytes of a {@link #rawGet} message. */
    public static byte[] bodyBytes(JsonNode message) {
        return Base64.getDecoder().decode(message.path("body_b64").asText());
    }

    /**
     * Declares a plain capture queue (non-durable, not auto-delete, no arguments) bound to
     * {@code exchange} with {@code routingKey} (skip the binding with a null exchange). The
     * exchange must exist. Delete the queue with {@link #rawDeleteQueue} when done.
     */
    public void rawDeclareQueue(String queue, String exchange, String routingKey) {
        ObjectNode cmd = command("raw_declare_queue").put("queue", queue);
        if (exchange != null) {
            ObjectNode binding = cmd.putArray("bindings").addObject();
            binding.put("exchange", exchange);
            binding.put("routing_key", routingKey);
        }
        requestOk(cmd, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Deletes a queue; returns the response (a missing queue is not an error for RabbitMQ). */
    public JsonNode rawDeleteQueue(String queue) {
        return request(command("raw_delete_queue").put("queue", queue));
    }

    // ------------------------------------------------------------------ misc

    /** The effective oslo.config value of {@code [group] name} inside the peer. */
    public JsonNode getOption(String group, String name) {
        ObjectNode cmd = command("get_option").put("group", group).put("name", name);
        return requestOk(cmd, DEFAULT_REQUEST_TIMEOUT).path("value");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The ready line: {@code pid}, {@code oslo_messaging} version, {@code broker_version}, ... */
    public JsonNode readyInfo() {
        return ready.getNow(NullNode.getInstance());
    }

    /** The file receiving the peer's stderr (oslo logs, tracebacks). */
    public Path stderrLog() {
        return stderrLog;
    }

    /** The last {@code maxChars} characters of {@link #stderrLog()}. */
    public String stderrTail(int maxChars) {
        try (RandomAccessFile file = new RandomAccessFile(stderrLog.toFile(), "r")) {
            long start = Math.max(0, file.length() - maxChars);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + stderrLog + ": " + e + ")";
        }
    }

    private String diagnostics() {
        StringBuilder text = new StringBuilder();
        synchronized (strayLines) {
            if (!strayLines.isEmpty()) {
                text.append("\n--- unmatched peer stdout lines ---\n");
                strayLines.subList(Math.max(0, strayLines.size() - 10), strayLines.size())
                        .forEach(l -> text.append(l).append('\n'));
            }
        }
        text.append("\n--- peer stderr (").append(stderrLog).append(", tail) ---\n")
                .append(stderrTail(STDERR_TAIL_CHARS));
        return text.toString();
    }

    private static <T extends JsonNode> T poll(java.util.function.Supplier<T> fetch, int atLeast,
                                               Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T items = fetch.get();
            if (items.size() >= atLeast) {
                return items;
            }
            if (System.nanoTime() > deadline) {
                throw new PeerException("expected at least " + atLeast + " " + what + " within "
                        + timeout + ", got " + items.size() + ": " + items);
            }
            sleepQuietly(50);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted", e);
        }
    }

    /**
     * Sends {@code quit} (the peer stops its servers and listeners and exits 0) and waits up to
     * {@link #CLOSE_TIMEOUT} in total; a peer still running after that is destroyed. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        if (process.isAlive() && !outputEnded) {
            try {
                request(command("quit"), CLOSE_TIMEOUT);
            } catch (PeerException e) {
                // Already dead or stuck: the destroy below handles both.
            }
        }
        closed = true;
        try {
            stdin.close();
        } catch (IOException e) {
            // The pipe is gone with the process; nothing to release.
        }
        try {
            long remaining = Math.max(0, deadline - System.nanoTime());
            if (!process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
                destroy();
            }
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy();
        }
    }

    private void destroy() {
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The peer misbehaved: it died, did not answer in time, or failed a bookkeeping command. */
    public static final class PeerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public PeerException(String message) {
            super(message);
        }

        public PeerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
