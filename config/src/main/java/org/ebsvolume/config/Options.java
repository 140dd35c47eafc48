package org.ebsvolume.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.ebsvolume.messaging.wire.PythonJson;

/**
 * The options ebs-volume reads, declared as Cinder 21.3.1 (Zed) and its oslo libraries declare
 * them: same names, defaults, types and deprecated names. Where the check here is stricter than
 * Python's, the comment says why.
 *
 * <p>Sources: cinder/common/config.py, cinder/service.py, cinder/cmd/volume.py,
 * cinder/volume/manager.py, cinder/volume/driver.py, cinder/volume/drivers/lvm.py,
 * cinder/image/image_utils.py,
 * oslo_log/_options.py, oslo_messaging (transport.py, rpc/client.py, notify/notifier.py),
 * oslo_db/options.py (12.1).
 */
final class Options {

    private Options() {
    }

    static final String DEFAULT = "DEFAULT";
    static final String BACKEND_DEFAULTS = "backend_defaults";
    static final String DATABASE = "database";
    static final String NOTIFICATIONS = "oslo_messaging_notifications";
    static final String RABBIT = "oslo_messaging_rabbit";

    /**
     * The {@code volume_driver} values ebs-volume serves with its storage driver: the Python EBS
     * driver it replaces (as that driver's documentation configures it), Cinder's own LVM driver
     * (also Cinder's default when the key is absent; an LVM backend has no replication device),
     * and this project's own name. Any other value is a configuration error.
     */
    static final String PYTHON_EBS_DRIVER = "cinder.volume.drivers.ovt.ebs.EBSVolumeDriver";
    /** Cinder's LVM driver: the storage driver without replication. */
    static final String LVM_DRIVER = "cinder.volume.drivers.lvm.LVMVolumeDriver";
    static final String EBS_DRIVER = "cinder.volume.drivers.ebs.EBSDriver";
    static final Set<String> STORAGE_DRIVERS = Set.of(PYTHON_EBS_DRIVER, LVM_DRIVER, EBS_DRIVER);
    /**
     * The capacity-only backend (reports its VG, holds no volumes), for hosts without
     * device-mapper such as the project's own test machines; only ever chosen by this name.
     */
    static final String CAPACITY_ONLY_DRIVER = "org.ebsvolume.drivers.capacity.VolumeGroupCapacityDriver";

    // ------------------------------------------------------------------------------------------
    // [DEFAULT]

    static final Opt<String> HOST = Opt.of("host", OsloTypes.STRING, null)
            .defaultFrom(env -> env.hostname().get());
    static final Opt<String> MY_IP = Opt.of("my_ip", OsloTypes.HOST_ADDRESS, null)
            .defaultFrom(env -> env.myIpv4().get());
    static final Opt<String> STATE_PATH = Opt.of("state_path", OsloTypes.STRING, "/var/lib/cinder");
    static final Opt<String> STORAGE_AVAILABILITY_ZONE = Opt.of("storage_availability_zone", OsloTypes.STRING, "nova");
    static final Opt<List<String>> ENABLED_BACKENDS = Opt.of("enabled_backends", OsloTypes.STRING_LIST, null);
    static final Opt<String> CLUSTER = Opt.of("cluster", OsloTypes.STRING, null);
    /** Registered in [DEFAULT] by cinder/cmd/volume.py but only the backend section's is used. */
    static final Opt<String> DEFAULT_BACKEND_HOST = Opt.of("backend_host", OsloTypes.STRING, null);
    static final Opt<Integer> REPORT_INTERVAL = Opt.of("report_interval", OsloTypes.integer(null, null), "10");
    static final Opt<Integer> SERVICE_DOWN_TIME = Opt.of("service_down_time", OsloTypes.integer(null, null), "60");
    static final Opt<Integer> PERIODIC_INTERVAL = Opt.of("periodic_interval", OsloTypes.integer(null, null), "60");
    static final Opt<Integer> PERIODIC_FUZZY_DELAY =
            Opt.of("periodic_fuzzy_delay", OsloTypes.integer(null, null), "60");
    static final Opt<Integer> BACKEND_STATS_POLLING_INTERVAL =
            Opt.of("backend_stats_polling_interval", OsloTypes.integer(3, null), "60");
    static final Opt<String> TRANSPORT_URL = Opt.of("transport_url", OsloTypes.STRING, "rabbit://").asSecret();
    static final Opt<String> CONTROL_EXCHANGE = Opt.of("control_exchange", OsloTypes.STRING, "openstack");
    static final Opt<Integer> RPC_RESPONSE_TIMEOUT =
            Opt.of("rpc_response_timeout", OsloTypes.integer(null, null), "60");
    static final Opt<Boolean> DEBUG = Opt.of("debug", OsloTypes.BOOLEAN, "false");
    static final Opt<String> LOG_FILE = Opt.of("log_file", OsloTypes.STRING, null).alias("logfile");
    static final Opt<String> LOG_DIR = Opt.of("log_dir", OsloTypes.STRING, null).alias("logdir");
    static final Opt<Boolean> USE_STDERR = Opt.of("use_stderr", OsloTypes.BOOLEAN, "false");

    // Images (cinder/common/config.py image_opts, cinder/image/image_utils.py): copies between
    // Glance and volumes. Without glance_api_servers Cinder asks the Keystone catalog, which
    // ebs-volume does not; image copies then fail with GlanceConnectionFailed.
    static final Opt<List<String>> GLANCE_API_SERVERS = Opt.of("glance_api_servers", OsloTypes.STRING_LIST, null);
    static final Opt<Integer> GLANCE_NUM_RETRIES = Opt.of("glance_num_retries", OsloTypes.integer(0, null), "3");
    static final Opt<String> IMAGE_CONVERSION_DIR =
            Opt.of("image_conversion_dir", OsloTypes.STRING, "$state_path/conversion");

    static final List<Opt<?>> DEFAULT_OPTS = List.of(HOST, MY_IP, STATE_PATH, STORAGE_AVAILABILITY_ZONE,
            ENABLED_BACKENDS, CLUSTER, DEFAULT_BACKEND_HOST, REPORT_INTERVAL, SERVICE_DOWN_TIME, PERIODIC_INTERVAL,
            PERIODIC_FUZZY_DELAY, BACKEND_STATS_POLLING_INTERVAL, TRANSPORT_URL, CONTROL_EXCHANGE,
            RPC_RESPONSE_TIMEOUT, DEBUG, LOG_FILE, LOG_DIR, USE_STDERR, GLANCE_API_SERVERS, GLANCE_NUM_RETRIES,
            IMAGE_CONVERSION_DIR);

    // ------------------------------------------------------------------------------------------
    // [oslo_messaging_notifications]

    static final Opt<String> NOTIFICATION_DRIVER = Opt.of("driver", OsloTypes.STRING, null).asMulti()
            .alias(DEFAULT, "notification_driver");
    static final Opt<String> NOTIFICATION_TRANSPORT_URL = Opt.of("transport_url", OsloTypes.STRING, null).asSecret()
            .alias(DEFAULT, "notification_transport_url");
    static final Opt<List<String>> NOTIFICATION_TOPICS = Opt.of("topics", OsloTypes.STRING_LIST, "notifications")
            .alias("rpc_notifier2", "topics").alias(DEFAULT, "notification_topics");
    static final Opt<Integer> NOTIFICATION_RETRY = Opt.of("retry", OsloTypes.integer(null, null), "-1");

    static final List<Opt<?>> NOTIFICATION_OPTS =
            List.of(NOTIFICATION_DRIVER, NOTIFICATION_TRANSPORT_URL, NOTIFICATION_TOPICS, NOTIFICATION_RETRY);

    /** The notification drivers oslo.messaging 14 ships (its stevedore entry points). */
    static final Set<String> NOTIFICATION_DRIVERS = Set.of("messaging", "messagingv2", "routing", "log", "test", "noop");

    // ------------------------------------------------------------------------------------------
    // [database] (oslo.db 12.1)

    static final Opt<String> DB_CONNECTION = Opt.of("connection", OsloTypes.STRING, null).asSecret()
            .alias(DEFAULT, "sql_connection").alias(DATABASE, "sql_connection").alias("sql", "connection");
    static final Opt<String> DB_CONNECTION_PARAMETERS = Opt.of("connection_parameters", OsloTypes.STRING, "");
    static final Opt<String> DB_MYSQL_SQL_MODE = Opt.of("mysql_sql_mode", OsloTypes.STRING, "TRADITIONAL");
    static final Opt<Integer> DB_MAX_POOL_SIZE = Opt.of("max_pool_size", OsloTypes.integer(0, null), "5");
    static final Opt<Integer> DB_MAX_OVERFLOW = Opt.of("max_overflow", OsloTypes.integer(0, null), "50")
            .alias(DEFAULT, "sql_max_overflow").alias(DATABASE, "sqlalchemy_max_overflow");
    static final Opt<Integer> DB_POOL_TIMEOUT = Opt.of("pool_timeout", OsloTypes.integer(0, null), null)
            .alias(DATABASE, "sqlalchemy_pool_timeout");
    static final Opt<Integer> DB_CONNECTION_RECYCLE_TIME =
            Opt.of("connection_recycle_time", OsloTypes.integer(null, null), "3600");
    static final Opt<Integer> DB_MAX_RETRIES = Opt.of("max_retries", OsloTypes.integer(-1, null), "10")
            .alias(DEFAULT, "sql_max_retries").alias(DATABASE, "sql_max_retries");
    static final Opt<Integer> DB_RETRY_INTERVAL = Opt.of("retry_interval", OsloTypes.integer(0, null), "10")
            .alias(DEFAULT, "sql_retry_interval").alias(DATABASE, "reconnect_interval");

    static final List<Opt<?>> DATABASE_OPTS = List.of(DB_CONNECTION, DB_CONNECTION_PARAMETERS, DB_MYSQL_SQL_MODE,
            DB_MAX_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT, DB_CONNECTION_RECYCLE_TIME, DB_MAX_RETRIES,
            DB_RETRY_INTERVAL);

    /** oslo.db options that ebs-volume has no use for (SQLite, NDB, SQLAlchemy tracing, ...). */
    static final Set<String> DATABASE_IGNORED = Set.of("sqlite_synchronous", "backend", "slave_connection",
            "mysql_enable_ndb", "connection_debug", "connection_trace", "use_db_reconnect", "db_retry_interval",
            "db_inc_retry_interval", "db_max_retry_interval", "db_max_retries");

    // ------------------------------------------------------------------------------------------
    // backend sections and [backend_defaults]

    static final Opt<String> VOLUME_DRIVER =
            Opt.of("volume_driver", OsloTypes.STRING, LVM_DRIVER);
    static final Opt<String> VOLUME_BACKEND_NAME = Opt.of("volume_backend_name", OsloTypes.STRING, null);
    static final Opt<String> BACKEND_AVAILABILITY_ZONE = Opt.of("backend_availability_zone", OsloTypes.STRING, null);
    static final Opt<String> VOLUME_GROUP = Opt.of("volume_group", Options::volumeGroupName, "cinder-volumes");
    static final Opt<LvmType> LVM_TYPE = Opt.of("lvm_type", OsloTypes.choices(LvmType.class), "auto");
    // Cinder has no minimum, but lvcreate -m refuses a negative mirror count.
    static final Opt<Integer> LVM_MIRRORS = Opt.of("lvm_mirrors", OsloTypes.integer(0, null), "0");
    static final Opt<TargetHelper> TARGET_HELPER =
            Opt.of("target_helper", OsloTypes.choices(TargetHelper.class), "tgtadm");
    static final Opt<TargetProtocol> TARGET_PROTOCOL =
            Opt.of("target_protocol", OsloTypes.choices(TargetProtocol.class), "iscsi");
    // Cinder takes any string and fails when the target is created; the portal must be an address.
    static final Opt<String> TARGET_IP_ADDRESS = Opt.of("target_ip_address", OsloTypes.IP_ADDRESS, "$my_ip");
    // Zed's name is iscsi_secondary_ip_addresses; later Cinder releases renamed it and keep the
    // old name as deprecated, which is what we do too. Items must be addresses (Cinder: strings).
    static final Opt<List<String>> TARGET_SECONDARY_IP_ADDRESSES = Opt.of("target_secondary_ip_addresses",
            OsloTypes.listOf(OsloTypes.IP_ADDRESS), "").alias("iscsi_secondary_ip_addresses");
    // oslo's PortOpt allows 0, which no initiator can connect to.
    static final Opt<Integer> TARGET_PORT = Opt.of("target_port", OsloTypes.PORT, "3260");
    static final Opt<String> TARGET_PREFIX = Opt.of("target_prefix", OsloTypes.STRING, "iqn.2010-10.org.openstack:");
    static final Opt<VolumeClear> VOLUME_CLEAR = Opt.of("volume_clear", OsloTypes.choices(VolumeClear.class), "zero");
    // Cinder: max 1024, no minimum; a negative size makes no sense to dd.
    static final Opt<Integer> VOLUME_CLEAR_SIZE = Opt.of("volume_clear_size", OsloTypes.integer(0, 1024), "0");
    static final Opt<Integer> RESERVED_PERCENTAGE = Opt.of("reserved_percentage", OsloTypes.integer(0, 100), "0");
    static final Opt<String> MAX_OVER_SUBSCRIPTION_RATIO =
            Opt.of("max_over_subscription_ratio", Options::overSubscriptionRatio, "20.0");
    static final Opt<Map<String, Object>> EXTRA_CAPABILITIES =
            Opt.of("extra_capabilities", Options::jsonObject, "{}");
    static final Opt<Boolean> USE_CHAP_AUTH = Opt.of("use_chap_auth", OsloTypes.BOOLEAN, "false");
    static final Opt<String> CHAP_USERNAME = Opt.of("chap_username", OsloTypes.STRING, "");
    static final Opt<String> CHAP_PASSWORD = Opt.of("chap_password", OsloTypes.STRING, "").asSecret();
    static final Opt<Map<String, String>> REPLICATION_DEVICE =
            Opt.of("replication_device", OsloTypes.DICT, null).asMulti().asSecret();

    // The EBS driver's own options.
    static final Opt<String> BACKEND_ID = Opt.of("backend_id", OsloTypes.STRING, null);
    static final Opt<String> BACKEND_IP = Opt.of("backend_ip", OsloTypes.IP_ADDRESS, "$my_ip");
    static final Opt<Integer> BACKEND_PORT = Opt.of("backend_port", OsloTypes.PORT, "8800");
    static final Opt<ReplicationMode> REPLICATION_MODE =
            Opt.of("replication_mode", OsloTypes.choices(ReplicationMode.class), "full-sync");
    static final Opt<Long> REPLICATION_RESYNC_RATE =
            Opt.of("replication_resync_rate", Options::resyncRate, "100M");
    static final Opt<Integer> REPLICATION_STARTING_PORT = Opt.of("replication_starting_port", OsloTypes.PORT, "7789");
    static final Opt<Boolean> REPLICATION_AUTO_FAILBACK = Opt.of("replication_auto_failback", OsloTypes.BOOLEAN, "false");

    static final List<Opt<?>> BACKEND_OPTS = List.of(VOLUME_DRIVER, VOLUME_BACKEND_NAME, BACKEND_AVAILABILITY_ZONE,
            VOLUME_GROUP, LVM_TYPE, LVM_MIRRORS, TARGET_HELPER, TARGET_PROTOCOL, TARGET_IP_ADDRESS,
            TARGET_SECONDARY_IP_ADDRESSES, TARGET_PORT, TARGET_PREFIX, VOLUME_CLEAR, VOLUME_CLEAR_SIZE,
            RESERVED_PERCENTAGE, MAX_OVER_SUBSCRIPTION_RATIO, EXTRA_CAPABILITIES, USE_CHAP_AUTH, CHAP_USERNAME,
            CHAP_PASSWORD, REPLICATION_DEVICE, BACKEND_ID, BACKEND_IP, BACKEND_PORT, REPLICATION_MODE,
            REPLICATION_RESYNC_RATE, REPLICATION_STARTING_PORT, REPLICATION_AUTO_FAILBACK);

    /**
     * {@code [<backend>] backend_host}: registered by cinder/cmd/volume.py in the backend group
     * only, so (unlike the options above) it does not fall back to [backend_defaults].
     */
    static final Opt<String> BACKEND_HOST = Opt.of("backend_host", OsloTypes.STRING, null);

    /**
     * Options Cinder grafts onto a volume backend (the base and LVM drivers, the target helpers,
     * the volume manager) that ebs-volume does not implement. Setting one is legal but has no
     * effect here, and the operator is told so.
     */
    static final Set<String> BACKEND_NOT_IMPLEMENTED = Set.of("num_shell_tries", "num_volume_device_scan_tries",
            "volume_clear_ionice", "volumes_dir", "iet_conf", "chiscsi_conf", "iscsi_iotype", "volume_dd_blocksize",
            "volume_copy_blkio_cgroup_name", "volume_copy_bps_limit", "iscsi_write_cache", "iscsi_target_flags",
            "driver_client_cert_key", "driver_client_cert", "driver_use_ssl", "driver_data_namespace",
            "filter_function", "goodness_function", "driver_ssl_cert_verify", "driver_ssl_cert_path", "trace_flags",
            "report_discard_supported", "storage_protocol", "enable_unsupported_driver", "num_iser_scan_tries",
            "iser_target_prefix", "iser_ip_address", "iser_port", "iser_helper", "nvmet_port_id", "nvmet_ns_id",
            "scst_target_iqn_name", "scst_target_driver", "backup_use_temp_snapshot",
            "image_upload_use_cinder_backend", "image_upload_use_internal_tenant", "image_volume_cache_enabled",
            "image_volume_cache_max_size_gb", "image_volume_cache_max_count", "use_multipath_for_image_xfer",
            "enforce_multipath_for_image_xfer", "unique_fqdn_network", "lvm_conf_file", "lvm_suppress_fd_warnings",
            "suppress_requests_ssl_warnings", "backend_native_threads_pool_size", "spdk_rpc_ip", "spdk_rpc_port",
            "spdk_rpc_username", "spdk_rpc_password", "spdk_rpc_protocol", "spdk_max_queue_depth");

    // ------------------------------------------------------------------------------------------
    // [oslo_messaging_rabbit] (oslo.messaging 14), read by RabbitOptions

    static final Set<String> RABBIT_NAMES = Set.of("ssl", "ssl_version", "ssl_key_file", "ssl_cert_file",
            "ssl_ca_file", "ssl_enforce_hostname_verification", "ssl_enforce_fips_mode", "heartbeat_in_pthread",
            "kombu_reconnect_delay", "kombu_compression", "kombu_missing_consumer_retry_timeout",
            "kombu_failover_strategy", "rabbit_login_method", "rabbit_retry_interval", "rabbit_retry_backoff",
            "rabbit_interval_max", "rabbit_ha_queues", "rabbit_quorum_queue", "rabbit_quorum_delivery_limit",
            "rabbit_quroum_max_memory_length", "rabbit_quroum_max_memory_bytes", "rabbit_transient_queues_ttl",
            "rabbit_qos_prefetch_count", "heartbeat_timeout_threshold", "heartbeat_rate", "direct_mandatory_flag",
            "enable_cancel_on_failover", "amqp_durable_queues", "amqp_auto_delete", "rpc_conn_pool_size",
            "conn_pool_min_size", "conn_pool_ttl",
            // deprecated names, still read
            "rabbit_use_ssl", "kombu_ssl_version", "kombu_ssl_keyfile", "kombu_ssl_certfile", "kombu_ssl_ca_certs",
            "kombu_reconnect_timeout");

    /** Rabbit options oslo.messaging 14 also reads from [DEFAULT] (deprecated_group='DEFAULT'). */
    static final Set<String> RABBIT_ALSO_IN_DEFAULT = Set.of("kombu_reconnect_delay", "rabbit_login_method",
            "rabbit_retry_backoff", "rabbit_ha_queues", "amqp_auto_delete", "rpc_conn_pool_size");

    // ------------------------------------------------------------------------------------------
    // types of our own

    private static final Pattern VG_NAME = Pattern.compile("[A-Za-z0-9+_.-]+");

    /** lvm2's validate_name(): what vgcreate accepts. */
    static String volumeGroupName(String text) throws BadValueException {
        if (text.isEmpty() || text.length() > 127 || !VG_NAME.matcher(text).matches() || text.startsWith("-")
                || text.equals(".") || text.equals("..")) {
            throw new BadValueException("expected an LVM volume group name: 1 to 127 of A-Z a-z 0-9 + _ . -,"
                    + " not starting with '-', not '.' or '..'");
        }
        return text;
    }

    private static final Pattern RATIO = Pattern.compile("auto|\\d*\\.\\d+|\\d+", Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * Cinder's {@code regex=r'^(auto|\d*\.\d+|\d+)$'} plus the check volume_utils makes when the
     * driver starts ({@code get_max_over_subscription_ratio}: at least 1). Returns "auto" or the
     * ratio as Python prints the float ("20.0").
     */
    static String overSubscriptionRatio(String text) throws BadValueException {
        if (!RATIO.matcher(text).matches()) {
            throw new BadValueException("expected 'auto' or a decimal number >= 1.0 such as 20.0");
        }
        if (text.equals("auto")) {
            return text;
        }
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            ascii.append(c == '.' ? '.' : (char) ('0' + Character.digit(c, 10)));
        }
        double ratio = Double.parseDouble(ascii.toString());
        if (ratio < 1.0) {
            throw new BadValueException("expected 'auto' or a number >= 1.0: below 1 the scheduler could never"
                    + " place a volume (Cinder refuses to start the driver)");
        }
        return Double.toString(ratio);
    }

    private static final Pattern RATE = Pattern.compile("([0-9]{1,10})([KkMmGg]?)");
    /** DRBD_RESYNC_RATE_MAX in drbd-utils: 4 GiB/s, in KiB/s. */
    static final long MAX_RESYNC_RATE_KIB = 4L << 20;
    /**
     * DRBD_C_MAX_RATE_MIN in drbd-utils, KiB/s: the rate is also written as {@code c-max-rate},
     * which DRBD refuses below this, so a smaller rate would fail every replicated create.
     */
    static final long MIN_RESYNC_RATE_KIB = 250;

    /**
     * A DRBD resync rate as drbdsetup's {@code --resync-rate} takes it: KiB/s, or with a K, M or
     * G suffix (binary multiples, as DRBD reads them). Returns KiB/s.
     */
    static Long resyncRate(String text) throws BadValueException {
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new BadValueException("expected a DRBD resync rate: KiB/s, or a number with a K, M or G suffix"
                    + " such as 40M or 1G");
        }
        long kib = Long.parseLong(m.group(1));
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "M" -> kib *= 1024;
            case "G" -> kib *= 1024 * 1024;
            default -> { }
        }
        if (kib < MIN_RESYNC_RATE_KIB || kib > MAX_RESYNC_RATE_KIB) {
            throw new BadValueException("expected a DRBD resync rate from 250 (KiB/s; a plain number is KiB/s) to 4G"
                    + " (DRBD's limits: it refuses a c-max-rate under 250 KiB/s), such as 100M");
        }
        return kib;
    }

    /**
     * extra_capabilities: the volume manager loads it with {@code jsonutils.loads} and merges it
     * into the reported capabilities, which only works for a JSON object.
     */
    static Map<String, Object> jsonObject(String text) throws BadValueException {
        JsonNode node;
        try {
            node = PythonJson.loads(text);
        } catch (IOException e) {
            throw new BadValueException("expected a JSON object such as {\"tier\": \"gold\"}: the text is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new BadValueException("expected a JSON object such as {\"tier\": \"gold\"}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(node);
        return map;
    }

    /** A Jackson tree as unmodifiable maps, lists, strings, numbers, booleans and nulls. */
    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), plain(e.getValue()));
            }
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(plain(item)));
            return Collections.unmodifiableList(list);
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue(); // Integer, Long, BigInteger or Double, as the text needs
        }
        return node.asText();
    }
}
