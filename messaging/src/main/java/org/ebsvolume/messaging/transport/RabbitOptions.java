package org.ebsvolume.messaging.transport;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.ebsvolume.messaging.impl.BrokerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code [oslo_messaging_rabbit]} options of oslo.messaging 14.0.3 (Debian 12), with oslo's
 * defaults and value rules. Component names are the oslo names in camel case; the
 * {@code rabbit_quroum_*} misspelling is the real option name in this release and is kept.
 *
 * <table>
 *   <caption>options (oslo name = default)</caption>
 *   <tr><td>ssl = false</td><td>heartbeat_timeout_threshold = 60 (0 disables)</td></tr>
 *   <tr><td>ssl_version = ''</td><td>heartbeat_rate = 2</td></tr>
 *   <tr><td>ssl_key_file / ssl_cert_file / ssl_ca_file = ''</td><td>heartbeat_in_pthread = false</td></tr>
 *   <tr><td>ssl_enforce_hostname_verification = false</td><td>kombu_reconnect_delay = 1.0 (0..4.5)</td></tr>
 *   <tr><td>ssl_enforce_fips_mode = false</td><td>kombu_compression = unset ('')</td></tr>
 *   <tr><td>amqp_durable_queues = false</td><td>kombu_missing_consumer_retry_timeout = 60</td></tr>
 *   <tr><td>amqp_auto_delete = false</td><td>kombu_failover_strategy = round-robin | shuffle</td></tr>
 *   <tr><td>rabbit_ha_queues = false</td><td>rabbit_login_method = AMQPLAIN | PLAIN | EXTERNAL | RABBIT-CR-DEMO</td></tr>
 *   <tr><td>rabbit_quorum_queue = false</td><td>rabbit_retry_interval = 1</td></tr>
 *   <tr><td>rabbit_quorum_delivery_limit = 0</td><td>rabbit_retry_backoff = 2</td></tr>
 *   <tr><td>rabbit_quroum_max_memory_length = 0</td><td>rabbit_interval_max = 30</td></tr>
 *   <tr><td>rabbit_quroum_max_memory_bytes = 0</td><td>direct_mandatory_flag = true</td></tr>
 *   <tr><td>rabbit_transient_queues_ttl = 1800 (min 1)</td><td>enable_cancel_on_failover = false</td></tr>
 *   <tr><td>rabbit_qos_prefetch_count = 0</td><td>rpc_conn_pool_size = 30 (min 1)</td></tr>
 *   <tr><td>conn_pool_min_size = 2</td><td>conn_pool_ttl = 1200</td></tr>
 * </table>
 *
 * <p>Values are read with oslo.config's rules: booleans are true/false, yes/no, on/off, 1/0 in any
 * case; integers follow Python's {@code int()} ("+5", "1_000", surrounding blanks); choices are
 * case-sensitive. Where this class is stricter than oslo it is because the Python service would
 * misbehave or die later: a blank number (oslo: None), a non-finite float, heartbeat_rate below 1
 * (Python divides by it) and ssl_enforce_fips_mode with ssl (Debian's Python has no FIPS mode).
 *
 * <p>Options that only later oslo.messaging releases know ({@code use_queue_manager},
 * {@code rabbit_stream_fanout}, ...) are refused rather than ignored: an operator who sets them
 * expects a behaviour this peer of the Debian 12 services does not have.
 */
public record RabbitOptions(
        boolean ssl,
        String sslVersion,
        String sslKeyFile,
        String sslCertFile,
        String sslCaFile,
        boolean sslEnforceHostnameVerification,
        boolean sslEnforceFipsMode,
        boolean heartbeatInPthread,
        double kombuReconnectDelay,
        String kombuCompression,
        int kombuMissingConsumerRetryTimeout,
        String kombuFailoverStrategy,
        String rabbitLoginMethod,
        int rabbitRetryInterval,
        int rabbitRetryBackoff,
        int rabbitIntervalMax,
        boolean rabbitHaQueues,
        boolean rabbitQuorumQueue,
        int rabbitQuorumDeliveryLimit,
        int rabbitQuroumMaxMemoryLength,
        long rabbitQuroumMaxMemoryBytes,
        int rabbitTransientQueuesTtl,
        int rabbitQosPrefetchCount,
        int heartbeatTimeoutThreshold,
        int heartbeatRate,
        boolean directMandatoryFlag,
        boolean enableCancelOnFailover,
        boolean amqpDurableQueues,
        boolean amqpAutoDelete,
        int rpcConnPoolSize,
        int connPoolMinSize,
        int connPoolTtl) {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitOptions.class);

    private static final String GROUP = "[oslo_messaging_rabbit]";
    private static final String NOT_IN_14 = " is not supported by oslo.messaging 14 (Debian 12)";

    /** Options of later oslo.messaging releases, with what to do instead where there is something. */
    private static final Map<String, String> NEWER_ONLY = Map.of(
            "use_queue_manager", "",
            "hostname", "",
            "processname", "",
            "rabbit_stream_fanout", "",
            "rabbit_transient_quorum_queue", "",
            "kombu_reconnect_splay", "",
            "rabbit_quorum_max_memory_length", "; this release spells it rabbit_quroum_max_memory_length",
            "rabbit_quorum_max_memory_bytes", "; this release spells it rabbit_quroum_max_memory_bytes");

    public RabbitOptions {
        Objects.requireNonNull(sslVersion, "sslVersion");
        Objects.requireNonNull(sslKeyFile, "sslKeyFile");
        Objects.requireNonNull(sslCertFile, "sslCertFile");
        Objects.requireNonNull(sslCaFile, "sslCaFile");
        Objects.requireNonNull(kombuCompression, "kombuCompression");
        Objects.requireNonNull(kombuFailoverStrategy, "kombuFailoverStrategy");
        Objects.requireNonNull(rabbitLoginMethod, "rabbitLoginMethod");
        // Every option with a range or a list of choices; the parsers check them too, with the
        // raw text and its source in the message, so these only catch direct construction.
        Opt.KOMBU_RECONNECT_DELAY.require(kombuReconnectDelay);
        Opt.KOMBU_FAILOVER_STRATEGY.require(kombuFailoverStrategy);
        Opt.RABBIT_LOGIN_METHOD.require(rabbitLoginMethod);
        Opt.RABBIT_TRANSIENT_QUEUES_TTL.require(rabbitTransientQueuesTtl);
        Opt.HEARTBEAT_RATE.require(heartbeatRate);
        Opt.RPC_CONN_POOL_SIZE.require(rpcConnPoolSize);
        checkCombination(ssl, sslVersion, sslEnforceFipsMode, rabbitHaQueues, rabbitQuorumQueue,
                rpcConnPoolSize, connPoolMinSize);
    }

    /** Every option at oslo.messaging 14's default. */
    public static RabbitOptions defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Opt opt : Opt.values()) {
            values.put(opt.key, opt.defaultValue);
        }
        return fromNames(values);
    }

    /**
     * Reads the {@code [oslo_messaging_rabbit]} section as the INI reader hands it over (quotes
     * already stripped). Missing options keep their defaults. Like oslo.config, an option given
     * under its deprecated name ({@code rabbit_use_ssl}, {@code kombu_ssl_ca_certs}, ...) is used
     * unless the current name is also present, and unknown keys are ignored with a warning.
     *
     * @throws InvalidRabbitOptionException for a value oslo would refuse, an option of a later
     *                                      oslo.messaging release, or a forbidden combination
     */
    public static RabbitOptions fromConfig(Map<String, String> groupValues) {
        Map<String, Object> values = defaults().byName();
        for (Map.Entry<String, String> e : groupValues.entrySet()) {
            String key = e.getKey();
            if (NEWER_ONLY.containsKey(key)) {
                throw new InvalidRabbitOptionException(key, GROUP + " " + key + NOT_IN_14 + NEWER_ONLY.get(key));
            }
            Opt opt = Opt.byName(key);
            if (opt == null) {
                opt = Opt.byDeprecatedName(key);
                if (opt == null) {
                    LOG.warn("{} {} is not an option of oslo.messaging 14; ignored", GROUP, key);
                    continue;
                }
                if (groupValues.containsKey(opt.key)) {
                    continue;
                }
                LOG.warn("{} {} is deprecated; use {}", GROUP, key, opt.key);
            }
            values.put(opt.key, opt.parse(e.getValue(), "config file"));
        }
        return fromNames(values);
    }

    /**
     * These options with the transport URL query applied on top, as oslo's
     * {@code ConfigOptsProxy} does: each key must be the current name of an option of this
     * group and its value is read with that option's rules.
     *
     * @throws InvalidTransportUrlException  for a key that is not an option of this group
     * @throws InvalidRabbitOptionException for a value the option does not accept
     */
    public RabbitOptions withUrlQuery(Map<String, String> query) {
        Map<String, Object> values = byName();
        for (Map.Entry<String, String> e : query.entrySet()) {
            String key = e.getKey();
            Opt opt = Opt.byName(key);
            if (opt == null) {
                throw new InvalidTransportUrlException(unknownQueryKey(key));
            }
            values.put(opt.key, opt.parse(e.getValue(), "transport_url query"));
        }
        return fromNames(values);
    }

    /** Whether oslo declares the topic exchange and the topic/notification queues durable. */
    public boolean durable() {
        return amqpDurableQueues || rabbitQuorumQueue;
    }

    /** The AMQP heartbeat to request; zero when heartbeats are disabled (threshold <= 0). */
    public Duration heartbeatTimeout() {
        return Duration.ofSeconds(Math.max(0, heartbeatTimeoutThreshold));
    }

    private static String unknownQueryKey(String key) {
        if (NEWER_ONLY.containsKey(key)) {
            return "transport_url query option '" + key + "'" + NOT_IN_14 + NEWER_ONLY.get(key);
        }
        Opt renamed = Opt.byDeprecatedName(key);
        if (renamed != null) {
            return "transport_url query option '" + key + "' is a deprecated name, which oslo.messaging"
                    + " does not accept in the URL; use '" + renamed.key + "'";
        }
        return "transport_url query option '" + key + "' is not an " + GROUP + " option";
    }

    private static void checkCombination(boolean ssl, String sslVersion, boolean fips, boolean ha, boolean quorum,
                                         int poolSize, int poolMinSize) {
        if (ha && quorum) {
            throw new InvalidRabbitOptionException("rabbit_quorum_queue",
                    GROUP + " rabbit_ha_queues and rabbit_quorum_queue are both true: a queue is quorum or"
                            + " HA (mirrored), not both (oslo.messaging raises RuntimeError)");
        }
        if (poolSize < poolMinSize) {
            throw new InvalidRabbitOptionException("rpc_conn_pool_size",
                    GROUP + " rpc_conn_pool_size = " + poolSize
                            + " must be greater than or equal to conn_pool_min_size = " + poolMinSize);
        }
        // oslo looks at these two only when TLS is on, and so do we.
        if (ssl && fips) {
            throw new InvalidRabbitOptionException("ssl_enforce_fips_mode",
                    GROUP + " ssl_enforce_fips_mode = true: Debian 12's Python has no OpenSSL FIPS mode"
                            + " switch, so oslo.messaging refuses to start with it; set it to false");
        }
        if (ssl && !sslVersion.isEmpty() && BrokerTls.jsseProtocol(sslVersion) == null) {
            throw new InvalidRabbitOptionException("ssl_version",
                    GROUP + " ssl_version = '" + sslVersion + "' is invalid: expected TLSv1, TLSv1_1, TLSv1_2"
                            + " or SSLv23 (any case), or empty for the default");
        }
    }

    /** This record keyed by oslo name; with {@link #fromNames} the one place listing every field. */
    private Map<String, Object> byName() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ssl", ssl);
        m.put("ssl_version", sslVersion);
        m.put("ssl_key_file", sslKeyFile);
        m.put("ssl_cert_file", sslCertFile);
        m.put("ssl_ca_file", sslCaFile);
        m.put("ssl_enforce_hostname_verification", sslEnforceHostnameVerification);
        m.put("ssl_enforce_fips_mode", sslEnforceFipsMode);
        m.put("heartbeat_in_pthread", heartbeatInPthread);
        m.put("kombu_reconnect_delay", kombuReconnectDelay);
        m.put("kombu_compression", kombuCompression);
        m.put("kombu_missing_consumer_retry_timeout", kombuMissingConsumerRetryTimeout);
        m.put("kombu_failover_strategy", kombuFailoverStrategy);
        m.put("rabbit_login_method", rabbitLoginMethod);
        m.put("rabbit_retry_interval", rabbitRetryInterval);
        m.put("rabbit_retry_backoff", rabbitRetryBackoff);
        m.put("rabbit_interval_max", rabbitIntervalMax);
        m.put("rabbit_ha_queues", rabbitHaQueues);
        m.put("rabbit_quorum_queue", rabbitQuorumQueue);
        m.put("rabbit_quorum_delivery_limit", rabbitQuorumDeliveryLimit);
        m.put("rabbit_quroum_max_memory_length", rabbitQuroumMaxMemoryLength);
        m.put("rabbit_quroum_max_memory_bytes", rabbitQuroumMaxMemoryBytes);
        m.put("rabbit_transient_queues_ttl", rabbitTransientQueuesTtl);
        m.put("rabbit_qos_prefetch_count", rabbitQosPrefetchCount);
        m.put("heartbeat_timeout_threshold", heartbeatTimeoutThreshold);
        m.put("heartbeat_rate", heartbeatRate);
        m.put("direct_mandatory_flag", directMandatoryFlag);
        m.put("enable_cancel_on_failover", enableCancelOnFailover);
        m.put("amqp_durable_queues", amqpDurableQueues);
        m.put("amqp_auto_delete", amqpAutoDelete);
        m.put("rpc_conn_pool_size", rpcConnPoolSize);
        m.put("conn_pool_min_size", connPoolMinSize);
        m.put("conn_pool_ttl", connPoolTtl);
        return m;
    }

    private static RabbitOptions fromNames(Map<String, Object> v) {
        return new RabbitOptions(
                (Boolean) v.get("ssl"),
                (String) v.get("ssl_version"),
                (String) v.get("ssl_key_file"),
                (String) v.get("ssl_cert_file"),
                (String) v.get("ssl_ca_file"),
                (Boolean) v.get("ssl_enforce_hostname_verification"),
                (Boolean) v.get("ssl_enforce_fips_mode"),
                (Boolean) v.get("heartbeat_in_pthread"),
                (Double) v.get("kombu_reconnect_delay"),
                (String) v.get("kombu_compression"),
                (Integer) v.get("kombu_missing_consumer_retry_timeout"),
                (String) v.get("kombu_failover_strategy"),
                (String) v.get("rabbit_login_method"),
                (Integer) v.get("rabbit_retry_interval"),
                (Integer) v.get("rabbit_retry_backoff"),
                (Integer) v.get("rabbit_interval_max"),
                (Boolean) v.get("rabbit_ha_queues"),
                (Boolean) v.get("rabbit_quorum_queue"),
                (Integer) v.get("rabbit_quorum_delivery_limit"),
                (Integer) v.get("rabbit_quroum_max_memory_length"),
                (Long) v.get("rabbit_quroum_max_memory_bytes"),
                (Integer) v.get("rabbit_transient_queues_ttl"),
                (Integer) v.get("rabbit_qos_prefetch_count"),
                (Integer) v.get("heartbeat_timeout_threshold"),
                (Integer) v.get("heartbeat_rate"),
                (Boolean) v.get("direct_mandatory_flag"),
                (Boolean) v.get("enable_cancel_on_failover"),
                (Boolean) v.get("amqp_durable_queues"),
                (Boolean) v.get("amqp_auto_delete"),
                (Integer) v.get("rpc_conn_pool_size"),
                (Integer) v.get("conn_pool_min_size"),
                (Integer) v.get("conn_pool_ttl"));
    }

    private enum Kind { BOOL, INT, LONG, FLOAT, STRING }

    /**
     * One option as {@code impl_rabbit.rabbit_opts}, {@code amqp.amqp_opts} and
     * {@code base.base_opts} declare it.
     */
    private enum Opt {
        SSL("ssl", Kind.BOOL, false, "rabbit_use_ssl"),
        SSL_VERSION("ssl_version", Kind.STRING, "", "kombu_ssl_version"),
        SSL_KEY_FILE("ssl_key_file", Kind.STRING, "", "kombu_ssl_keyfile"),
        SSL_CERT_FILE("ssl_cert_file", Kind.STRING, "", "kombu_ssl_certfile"),
        SSL_CA_FILE("ssl_ca_file", Kind.STRING, "", "kombu_ssl_ca_certs"),
        SSL_ENFORCE_HOSTNAME_VERIFICATION("ssl_enforce_hostname_verification", Kind.BOOL, false, null),
        SSL_ENFORCE_FIPS_MODE("ssl_enforce_fips_mode", Kind.BOOL, false, null),
        HEARTBEAT_IN_PTHREAD("heartbeat_in_pthread", Kind.BOOL, false, null),
        // max is amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MAX * 0.9
        KOMBU_RECONNECT_DELAY("kombu_reconnect_delay", Kind.FLOAT, 1.0, null, 0.0, 4.5),
        KOMBU_COMPRESSION("kombu_compression", Kind.STRING, "", null),
        KOMBU_MISSING_CONSUMER_RETRY_TIMEOUT("kombu_missing_consumer_retry_timeout", Kind.INT, 60,
                "kombu_reconnect_timeout"),
        KOMBU_FAILOVER_STRATEGY("kombu_failover_strategy", Kind.STRING, "round-robin", null,
                "round-robin", "shuffle"),
        RABBIT_LOGIN_METHOD("rabbit_login_method", Kind.STRING, "AMQPLAIN", null,
                "PLAIN", "AMQPLAIN", "EXTERNAL", "RABBIT-CR-DEMO"),
        RABBIT_RETRY_INTERVAL("rabbit_retry_interval", Kind.INT, 1, null),
        RABBIT_RETRY_BACKOFF("rabbit_retry_backoff", Kind.INT, 2, null),
        RABBIT_INTERVAL_MAX("rabbit_interval_max", Kind.INT, 30, null),
        RABBIT_HA_QUEUES("rabbit_ha_queues", Kind.BOOL, false, null),
        RABBIT_QUORUM_QUEUE("rabbit_quorum_queue", Kind.BOOL, false, null),
        RABBIT_QUORUM_DELIVERY_LIMIT("rabbit_quorum_delivery_limit", Kind.INT, 0, null),
        RABBIT_QUROUM_MAX_MEMORY_LENGTH("rabbit_quroum_max_memory_length", Kind.INT, 0, null),
        // 64-bit: a byte limit may well exceed 2^31 (py-amqp then sends it as a 64-bit integer).
        RABBIT_QUROUM_MAX_MEMORY_BYTES("rabbit_quroum_max_memory_bytes", Kind.LONG, 0L, null),
        RABBIT_TRANSIENT_QUEUES_TTL("rabbit_transient_queues_ttl", Kind.INT, 1800, null, 1.0, null),
        RABBIT_QOS_PREFETCH_COUNT("rabbit_qos_prefetch_count", Kind.INT, 0, null),
        HEARTBEAT_TIMEOUT_THRESHOLD("heartbeat_timeout_threshold", Kind.INT, 60, null),
        // oslo has no minimum, but divides by it when a connection is created.
        HEARTBEAT_RATE("heartbeat_rate", Kind.INT, 2, null, 1.0, null),
        DIRECT_MANDATORY_FLAG("direct_mandatory_flag", Kind.BOOL, true, null),
        ENABLE_CANCEL_ON_FAILOVER("enable_cancel_on_failover", Kind.BOOL, false, null),
        AMQP_DURABLE_QUEUES("amqp_durable_queues", Kind.BOOL, false, null),
        AMQP_AUTO_DELETE("amqp_auto_delete", Kind.BOOL, false, null),
        RPC_CONN_POOL_SIZE("rpc_conn_pool_size", Kind.INT, 30, null, 1.0, null),
        CONN_POOL_MIN_SIZE("conn_pool_min_size", Kind.INT, 2, null),
        CONN_POOL_TTL("conn_pool_ttl", Kind.INT, 1200, null);

        final String key;
        final Kind kind;
        final Object defaultValue;
        final String deprecatedName;
        final Double min;
        final Double max;
        final List<String> choices;

        Opt(String key, Kind kind, Object defaultValue, String deprecatedName, String... choices) {
            this(key, kind, defaultValue, deprecatedName, null, null, choices);
        }

        Opt(String key, Kind kind, Object defaultValue, String deprecatedName, Double min, Double max,
            String... choices) {
            this.key = key;
            this.kind = kind;
            this.defaultValue = defaultValue;
            this.deprecatedName = deprecatedName;
            this.min = min;
            this.max = max;
            this.choices = Arrays.asList(choices);
        }

        static Opt byName(String name) {
            for (Opt opt : values()) {
                if (opt.key.equals(name)) {
                    return opt;
                }
            }
            return null;
        }

        static Opt byDeprecatedName(String name) {
            for (Opt opt : values()) {
                if (name.equals(opt.deprecatedName)) {
                    return opt;
                }
            }
            return null;
        }

        /** Converts a raw value as oslo.config's type for this option would, range included. */
        Object parse(String raw, String source) {
            Objects.requireNonNull(raw, key);
            Object value = switch (kind) {
                case BOOL -> parseBool(raw, source);
                case INT, LONG -> parseInteger(raw, source);
                case FLOAT -> parseFloat(raw, source);
                case STRING -> raw;
            };
            String problem = problem(value);
            if (problem != null) {
                throw invalid(raw, source, problem);
            }
            return value;
        }

        /** Rejects a value outside this option's range or choices. */
        void require(Object value) {
            String problem = problem(value);
            if (problem != null) {
                throw new InvalidRabbitOptionException(key, GROUP + " " + key + " = " + value + " is invalid: " + problem);
            }
        }

        private String problem(Object value) {
            if (!choices.isEmpty() && !choices.contains(value)) {
                return "expected one of " + String.join(", ", choices) + " (case-sensitive)";
            }
            if (min == null && max == null) {
                return null;
            }
            double d = ((Number) value).doubleValue();
            if (min != null && d < min) {
                return "must be >= " + format(min);
            }
            if (max != null && d > max) {
                return "must be <= " + format(max);
            }
            return null;
        }

        private Boolean parseBool(String raw, String source) {
            switch (raw.toLowerCase(Locale.ROOT)) {
                case "true", "1", "on", "yes":
                    return true;
                case "false", "0", "off", "no":
                    return false;
                default:
                    throw invalid(raw, source, "expected a boolean: true/false, yes/no, on/off or 1/0");
            }
        }

        private Object parseInteger(String raw, String source) {
            if (PythonSyntax.isBlank(raw)) {
                throw blankNumber(raw, source);
            }
            BigInteger n = PythonSyntax.parseInt(raw);
            if (n == null) {
                throw invalid(raw, source, "expected an integer");
            }
            BigInteger lo = BigInteger.valueOf(kind == Kind.LONG ? Long.MIN_VALUE : Integer.MIN_VALUE);
            BigInteger hi = BigInteger.valueOf(kind == Kind.LONG ? Long.MAX_VALUE : Integer.MAX_VALUE);
            if (n.compareTo(lo) < 0 || n.compareTo(hi) > 0) {
                throw invalid(raw, source, "integer out of range " + lo + ".." + hi);
            }
            return kind == Kind.LONG ? (Object) n.longValue() : (Object) n.intValue();
        }

        private Double parseFloat(String raw, String source) {
            if (PythonSyntax.isBlank(raw)) {
                throw blankNumber(raw, source);
            }
            Double d = PythonSyntax.parseFiniteFloat(raw);
            if (d == null) {
                throw invalid(raw, source, PythonSyntax.isNonFiniteFloat(raw)
                        ? "expected a finite number" : "expected a number");
            }
            return d;
        }

        private InvalidRabbitOptionException blankNumber(String raw, String source) {
            // oslo.config turns a blank number into None, which the driver then trips over (or,
            // for heartbeat_timeout_threshold, silently takes as "no heartbeat").
            return invalid(raw, source, "a blank value would mean None (unset) to oslo.config; give a number,"
                    + " or remove the line to get the default " + defaultValue);
        }

        private InvalidRabbitOptionException invalid(String raw, String source, String expected) {
            return new InvalidRabbitOptionException(key,
                    GROUP + " " + key + " = '" + raw + "' (from the " + source + ") is invalid: " + expected);
        }

        private static String format(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
