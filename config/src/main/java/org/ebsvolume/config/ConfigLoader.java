package org.ebsvolume.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

import org.ebsvolume.messaging.transport.InvalidRabbitOptionException;
import org.ebsvolume.messaging.transport.InvalidTransportUrlException;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.messaging.transport.TransportUrl;

/**
 * Builds a {@link CinderConfig}: finds the files, reads every option, checks what Cinder checks
 * (and what the EBS driver needs), and collects all problems and warnings on the way.
 */
final class ConfigLoader {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final MachineEnvironment machine;
    private OsloIniFiles ini;
    private OptionReader reader;

    /** A warning with its position, for sorting into file order. */
    private record Warning(String file, int line, String text) {
    }

    private ConfigLoader(MachineEnvironment machine) {
        this.machine = machine;
    }

    static CinderConfig load(CommandLine commandLine, MachineEnvironment machine) throws InvalidConfigException {
        return new ConfigLoader(machine).run(commandLine);
    }

    private CinderConfig run(CommandLine commandLine) throws InvalidConfigException {
        List<Path> files = expand(commandLine.sources());
        if (files.isEmpty() && problems.isEmpty()) {
            problems.add(ConfigProblem.general("no config file to read: none was given with --config-file and"
                    + " none of ~/.cinder/cinder.conf, ~/cinder.conf, /etc/cinder/cinder.conf, /etc/cinder.conf exists"));
        }
        try {
            ini = OsloIniFiles.read(files);
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw failure(files);
        }

        Map<String, String> fromCommandLine = new HashMap<>();
        commandLine.debug().ifPresent(d -> fromCommandLine.put(Options.DEBUG.name(), d.toString()));
        commandLine.logFile().ifPresent(f -> fromCommandLine.put(Options.LOG_FILE.name(), f));
        commandLine.logDir().ifPresent(d -> fromCommandLine.put(Options.LOG_DIR.name(), d));

        // enabled_backends decides which groups exist, which $group.option references need; read it
        // once without them (its problems, if any, are recorded by the real reader below).
        List<String> backendNames = new OptionReader(ini, machine, fromCommandLine, Set.of(), new ArrayList<>())
                .get(Options.DEFAULT, Options.ENABLED_BACKENDS).value();
        Set<String> groups = new LinkedHashSet<>(backendNames == null ? List.of() : backendNames);
        reader = new OptionReader(ini, machine, fromCommandLine, groups, problems);

        String host = value(Options.DEFAULT, Options.HOST);
        String myIp = value(Options.DEFAULT, Options.MY_IP);
        String statePath = value(Options.DEFAULT, Options.STATE_PATH);
        String zone = value(Options.DEFAULT, Options.STORAGE_AVAILABILITY_ZONE);
        String cluster = value(Options.DEFAULT, Options.CLUSTER);
        Integer reportInterval = value(Options.DEFAULT, Options.REPORT_INTERVAL);
        Integer serviceDownTime = value(Options.DEFAULT, Options.SERVICE_DOWN_TIME);
        Integer periodicInterval = value(Options.DEFAULT, Options.PERIODIC_INTERVAL);
        Integer fuzzyDelay = value(Options.DEFAULT, Options.PERIODIC_FUZZY_DELAY);
        Integer statsInterval = value(Options.DEFAULT, Options.BACKEND_STATS_POLLING_INTERVAL);
        Boolean debug = value(Options.DEFAULT, Options.DEBUG);
        String logDir = value(Options.DEFAULT, Options.LOG_DIR);
        String logFile = value(Options.DEFAULT, Options.LOG_FILE);
        Boolean useStderr = value(Options.DEFAULT, Options.USE_STDERR);
        List<String> glanceApiServers = value(Options.DEFAULT, Options.GLANCE_API_SERVERS);
        Integer glanceNumRetries = value(Options.DEFAULT, Options.GLANCE_NUM_RETRIES);
        String imageConversionDir = value(Options.DEFAULT, Options.IMAGE_CONVERSION_DIR);

        if (reportInterval != null && serviceDownTime != null && reportInterval != 0
                && serviceDownTime <= reportInterval) {
            // cinder/service.py Service.basic_config_check does the same, with a warning.
            int raised = (int) (reportInterval * 2.5);
            warn(reader.get(Options.DEFAULT, Options.SERVICE_DOWN_TIME).raw(), "[DEFAULT] service_down_time ("
                    + serviceDownTime + ") must be above report_interval (" + reportInterval + "); using "
                    + raised + " as Cinder does");
            serviceDownTime = raised;
        }
        OptionReader.Value<String> defaultBackendHost = reader.get(Options.DEFAULT, Options.DEFAULT_BACKEND_HOST);
        if (defaultBackendHost.raw() != null) {
            warn(defaultBackendHost.raw(), "[DEFAULT] backend_host is not used by cinder-volume; set backend_host"
                    + " in each backend section instead; ignored");
        }

        List<String> enabled = enabledBackends();
        List<BackendConfig> backends = new ArrayList<>();
        for (String name : enabled) {
            backends.add(backend(name));
        }

        TransportConfig transport = transport();
        NotificationConfig notifications = notifications();
        DatabaseConfig database = database();
        checkUnknownKeys(enabled);

        if (!problems.isEmpty()) {
            throw failure(ini.files());
        }
        return new CinderConfig(ini.files(), host, myIp, statePath, zone,
                Optional.ofNullable(cluster).map(String::strip).filter(c -> !c.isEmpty()), enabled,
                reportInterval, serviceDownTime, periodicInterval, fuzzyDelay, statsInterval, transport,
                notifications, database,
                new ImageConfig(glanceApiServers == null ? List.of() : glanceApiServers, glanceNumRetries,
                        imageConversionDir),
                debug, Optional.ofNullable(logDir), Optional.ofNullable(logFile), useStderr,
                backends, sortedWarnings());
    }

    // ------------------------------------------------------------------------------------------
    // files

    /** The files to read, in order: --config-dir entries become their sorted *.conf files. */
    private List<Path> expand(List<CommandLine.ConfigSource> sources) {
        List<Path> files = new ArrayList<>();
        for (CommandLine.ConfigSource source : sources) {
            if (!source.directory()) {
                files.add(source.path());
                continue;
            }
            if (!Files.isDirectory(source.path())) {
                if (source.explicit()) {
                    problems.add(new ConfigProblem(source.path().toString(), 0, null, null, null,
                            Files.exists(source.path()) ? "--config-dir is not a directory" : "--config-dir not found"));
                }
                continue;
            }
            // glob("*.conf"): no hidden files; sorted by name like Python's sorted() of the paths.
            try (Stream<Path> listing = Files.list(source.path())) {
                listing.filter(p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(".conf") && !name.startsWith(".");
                }).sorted(Comparator.comparing(Path::toString)).forEach(files::add);
            } catch (IOException e) {
                problems.add(new ConfigProblem(source.path().toString(), 0, null, null, null,
                        "cannot list the config directory: " + e.getMessage()));
            }
        }
        return files;
    }

    // ------------------------------------------------------------------------------------------
    // [DEFAULT] enabled_backends and the backends

    private List<String> enabledBackends() {
        OptionReader.Value<List<String>> v = reader.get(Options.DEFAULT, Options.ENABLED_BACKENDS);
        List<String> names = new ArrayList<>();
        if (v.value() != null) {
            for (String name : v.value()) {
                if (!name.isEmpty()) { // cinder-volume skips blanks: filter(None, enabled_backends)
                    names.add(name);
                }
            }
        }
        if (names.isEmpty()) {
            if (v.raw() == null || v.value() != null) {
                problems.add(v.raw() == null
                        ? ConfigProblem.about(null, "DEFAULT", "enabled_backends", "enabled_backends is not set:"
                                + " cinder-volume needs at least one backend section named there (configuring a backend"
                                + " in [DEFAULT] is not supported since Ocata)")
                        : ConfigProblem.badValue(v.raw(), v.raw().text(), "expected at least one backend name"));
            }
            return names;
        }
        Set<String> seen = new HashSet<>();
        List<String> unique = new ArrayList<>();
        for (String name : names) {
            String group = OsloIniFiles.normalizeGroup(name);
            if (!seen.add(group)) {
                problems.add(ConfigProblem.badValue(v.raw(), v.raw().text(), "backend '" + name + "' is listed twice"
                        + " (section names are compared ignoring case); two services would manage the same storage"));
                continue;
            }
            if (name.indexOf('@') >= 0 || name.indexOf('#') >= 0) {
                problems.add(ConfigProblem.badValue(v.raw(), v.raw().text(), "backend name '" + name + "' contains"
                        + " '@' or '#', which Cinder uses to split host@backend#pool"));
                continue;
            }
            if (!ini.hasGroup(name)) {
                problems.add(ConfigProblem.badValue(v.raw(), v.raw().text(), "backend '" + name + "' has no ["
                        + name + "] section in " + describeFiles()));
                continue;
            }
            unique.add(name);
        }
        return unique;
    }

    private BackendConfig backend(String name) {
        OptionReader.Value<String> driver = reader.backend(name, Options.VOLUME_DRIVER);
        String volumeDriver = driver.value();
        String backendName = backendValue(name, Options.VOLUME_BACKEND_NAME);
        String zone = backendValue(name, Options.BACKEND_AVAILABILITY_ZONE);
        String volumeGroup = backendValue(name, Options.VOLUME_GROUP);
        LvmType lvmType = backendValue(name, Options.LVM_TYPE);
        Integer lvmMirrors = backendValue(name, Options.LVM_MIRRORS);
        TargetHelper targetHelper = backendValue(name, Options.TARGET_HELPER);
        OptionReader.Value<TargetProtocol> protocol = reader.backend(name, Options.TARGET_PROTOCOL);
        String targetIp = backendValue(name, Options.TARGET_IP_ADDRESS);
        List<String> secondaryIps = backendValue(name, Options.TARGET_SECONDARY_IP_ADDRESSES);
        OptionReader.Value<Integer> targetPort = reader.backend(name, Options.TARGET_PORT);
        String targetPrefix = backendValue(name, Options.TARGET_PREFIX);
        VolumeClear volumeClear = backendValue(name, Options.VOLUME_CLEAR);
        Integer volumeClearSize = backendValue(name, Options.VOLUME_CLEAR_SIZE);
        Integer reserved = backendValue(name, Options.RESERVED_PERCENTAGE);
        String ratio = backendValue(name, Options.MAX_OVER_SUBSCRIPTION_RATIO);
        Map<String, Object> extraCapabilities = backendValue(name, Options.EXTRA_CAPABILITIES);
        Boolean useChap = backendValue(name, Options.USE_CHAP_AUTH);
        String chapUser = backendValue(name, Options.CHAP_USERNAME);
        String chapPassword = backendValue(name, Options.CHAP_PASSWORD);
        OptionReader.Value<String> backendId = reader.backend(name, Options.BACKEND_ID);
        String backendIp = backendValue(name, Options.BACKEND_IP);
        OptionReader.Value<Integer> backendPort = reader.backend(name, Options.BACKEND_PORT);
        ReplicationMode mode = backendValue(name, Options.REPLICATION_MODE);
        Long resyncRate = backendValue(name, Options.REPLICATION_RESYNC_RATE);
        OptionReader.Value<Integer> startingPort = reader.backend(name, Options.REPLICATION_STARTING_PORT);
        Boolean autoFailback = backendValue(name, Options.REPLICATION_AUTO_FAILBACK);
        String backendHost = reader.get(name, Options.BACKEND_HOST).value();

        if (targetHelper != null && protocol.value() != null && !targetHelper.speaks(protocol.value())) {
            problemAt(protocol.raw(), name, Options.TARGET_PROTOCOL.name(), protocol.value().configName(),
                    protocol.value().nvme()
                            ? "expected iscsi or iser with target_helper = " + targetHelper + " (nvmet_rdma and nvmet_tcp"
                            + " need target_helper nvmet or spdk-nvmeof)"
                            : "expected nvmet_rdma or nvmet_tcp with target_helper = " + targetHelper);
        }

        boolean storageDriver = volumeDriver != null && Options.STORAGE_DRIVERS.contains(volumeDriver);
        if (volumeDriver != null && !storageDriver && !volumeDriver.equals(Options.CAPACITY_ONLY_DRIVER)) {
            // Never a silent fallback: a service that shows "up" and fails every create.
            problemAt(driver.raw(), name, Options.VOLUME_DRIVER.name(), volumeDriver, "a driver ebs-volume serves: "
                    + Options.PYTHON_EBS_DRIVER + " (the EBS driver, with replication), " + Options.LVM_DRIVER
                    + " (Cinder's LVM driver: the same storage, no replication_device) or " + Options.EBS_DRIVER
                    + " (this project's name for the first)");
        }
        List<ReplicationDevice> devices = replicationDevices(name, backendId.value(), storageDriver);
        if (!devices.isEmpty() && Options.LVM_DRIVER.equals(volumeDriver)) {
            problems.add(ConfigProblem.about(firstFileOf(name), name, Options.REPLICATION_DEVICE.name(), "replication_device"
                    + " is set but volume_driver is Cinder's LVM driver, which does not replicate; for replication set"
                    + " volume_driver = " + Options.PYTHON_EBS_DRIVER));
        }
        if (!devices.isEmpty() && storageDriver && backendId.value() == null) {
            problems.add(ConfigProblem.about(firstFileOf(name), name, Options.BACKEND_ID.name(), "backend_id is not set:"
                    + " the EBS driver needs this host's replication identity when replication_device is set"));
        }
        if (backendId.value() != null && (backendId.value().isBlank() || backendId.value().equals("default"))) {
            problemAt(backendId.raw(), name, Options.BACKEND_ID.name(), backendId.value(),
                    "expected a non-blank identity other than 'default' (Cinder's name for the primary)");
        }
        checkReplicationPorts(name, startingPort, backendPort, targetPort);
        if (storageDriver) {
            reportUnusedReplicationKeys(name, backendPort, devices);
        }

        // A null value is an option with a problem already recorded, so this record is never
        // returned (the loader throws); the fallbacks only keep the records' null checks quiet.
        return new BackendConfig(name, Optional.ofNullable(backendHost), orEmpty(volumeDriver),
                backendName == null ? name : backendName, Optional.ofNullable(zone),
                new BackendConfig.LvmSettings(orEmpty(volumeGroup), orElse(lvmType, LvmType.AUTO), orZero(lvmMirrors),
                        orElse(volumeClear, VolumeClear.ZERO), orZero(volumeClearSize)),
                new BackendConfig.TargetSettings(orElse(targetHelper, TargetHelper.TGTADM),
                        orElse(protocol.value(), TargetProtocol.ISCSI), orEmpty(targetIp),
                        secondaryIps == null ? List.of() : secondaryIps, orZero(targetPort.value()), orEmpty(targetPrefix),
                        new BackendConfig.ChapSettings(Boolean.TRUE.equals(useChap), orEmpty(chapUser),
                                orEmpty(chapPassword))),
                new BackendConfig.SchedulerSettings(orZero(reserved), ratio == null ? "20.0" : ratio,
                        extraCapabilities == null ? Map.of() : extraCapabilities),
                new BackendConfig.ReplicationSettings(Optional.ofNullable(backendId.value()), orEmpty(backendIp),
                        orZero(backendPort.value()), orElse(mode, ReplicationMode.FULL_SYNC),
                        resyncRate == null ? 1 : resyncRate, orZero(startingPort.value()), devices,
                        Boolean.TRUE.equals(autoFailback)));
    }

    /** Each replication_device line as a {@link ReplicationDevice}; problems for the bad ones. */
    private List<ReplicationDevice> replicationDevices(String backend, String ownId, boolean ebsDriver) {
        List<ReplicationDevice> devices = new ArrayList<>();
        Map<String, RawValue> ids = new HashMap<>();
        for (OptionReader.Value<Map<String, String>> v : reader.backendAll(backend, Options.REPLICATION_DEVICE)) {
            RawValue raw = v.raw();
            Map<String, String> dict = new LinkedHashMap<>(v.value());
            String id = dict.remove("backend_id");
            String ip = dict.remove("ip");
            String port = dict.remove("port");
            String volumeGroup = dict.remove("volume_group");
            List<String> wrong = new ArrayList<>();
            if (id == null || id.isEmpty()) {
                wrong.add("backend_id is required (replication_device = backend_id:ID,ip:ADDRESS,...)");
            } else if (id.equals("default")) {
                wrong.add("backend_id 'default' is reserved: Cinder fails back to the primary with it");
            } else if (id.equals(ownId)) {
                wrong.add("backend_id '" + id + "' is this backend's own backend_id");
            } else if (ids.containsKey(id)) {
                wrong.add("backend_id '" + id + "' is already used by the replication_device at "
                        + ids.get(id).location());
            }
            if (ip != null && !OsloTypes.isIpv4(ip) && !OsloTypes.isIpv6(ip)) {
                wrong.add("ip '" + ip + "' is not an IPv4 or IPv6 address");
            } else if (ip == null && ebsDriver) {
                wrong.add("ip is required by the EBS driver (the peer's replication address)");
            }
            OptionalInt portNumber = OptionalInt.empty();
            if (port != null) {
                try {
                    portNumber = OptionalInt.of(OsloTypes.PORT.parse(port));
                } catch (BadValueException e) {
                    wrong.add("port '" + port + "': " + e.expected());
                }
            }
            String secret = dict.get(ReplicationDevice.SECRET_KEY);
            if (ebsDriver && secret != null && secret.length() < ReplicationDevice.MIN_SECRET_LENGTH) {
                // Without a secret the replica calls are as trusted as any Cinder RPC on the broker
                // (the worker warns at start); a short one would only look like protection.
                wrong.add("secret is shorter than " + ReplicationDevice.MIN_SECRET_LENGTH + " characters (the key shared"
                        + " with the peer that signs replication calls: secret:<at least "
                        + ReplicationDevice.MIN_SECRET_LENGTH + " characters>, the same on both hosts)");
            }
            if (volumeGroup != null) {
                try {
                    Options.volumeGroupName(volumeGroup);
                } catch (BadValueException e) {
                    wrong.add("volume_group '" + volumeGroup + "': " + e.expected());
                }
            }
            if (!wrong.isEmpty()) {
                // Cinder declares replication_device secret: show only the part at fault.
                problems.add(ConfigProblem.badValue(raw, ConfigProblem.MASK, String.join("; ", wrong)));
                continue;
            }
            ids.put(id, raw);
            devices.add(new ReplicationDevice(id, Optional.ofNullable(ip), portNumber, Optional.ofNullable(volumeGroup),
                    dict));
        }
        return devices;
    }

    /**
     * Keys the Python EBS driver's documented configuration carries that have no effect here,
     * reported once at start with the reason, so that nobody believes they steer something.
     */
    private void reportUnusedReplicationKeys(String backend, OptionReader.Value<Integer> backendPort,
                                             List<ReplicationDevice> devices) {
        String channel = "ebs-volume's replica calls travel over Cinder's RabbitMQ (topic ebs-replica), so no port"
                + " of its own listens; DRBD's links use replication_starting_port and up";
        if (backendPort.raw() != null) {
            warn(backendPort.raw(), "[" + backend + "] backend_port = " + backendPort.value() + " is accepted and not"
                    + " used: " + channel);
        }
        for (ReplicationDevice d : devices) {
            d.port().ifPresent(port -> warn(null, "[" + backend + "] replication_device " + d.backendId() + ": port:"
                    + port + " is accepted and not used: " + channel));
            d.volumeGroup().ifPresent(vg -> warn(null, "[" + backend + "] replication_device " + d.backendId()
                    + ": volume_group:" + vg + " is accepted and not used: the backup keeps its replicas in the"
                    + " volume_group of its own configuration"));
        }
    }

    /**
     * DRBD takes one port per replicated volume from replication_starting_port on; the range
     * must fit below 65536, stay clear of the privileged ports, and not swallow our own ports.
     */
    private void checkReplicationPorts(String backend, OptionReader.Value<Integer> start,
                                       OptionReader.Value<Integer> backendPort, OptionReader.Value<Integer> targetPort) {
        if (start.value() == null) {
            return;
        }
        int first = start.value();
        int last = first + BackendConfig.REPLICATION_PORT_COUNT - 1;
        if (first < 1024 || last > 65535) {
            problemAt(start.raw(), backend, Options.REPLICATION_STARTING_PORT.name(), Integer.toString(first),
                    "expected a port from 1024 to " + (65536 - BackendConfig.REPLICATION_PORT_COUNT) + ", so that the "
                            + BackendConfig.REPLICATION_PORT_COUNT + " DRBD ports from it are unprivileged and below 65536");
            return;
        }
        for (OptionReader.Value<Integer> own : List.of(backendPort, targetPort)) {
            if (own.value() != null && own.value() >= first && own.value() <= last) {
                String option = own == backendPort ? Options.BACKEND_PORT.name() : Options.TARGET_PORT.name();
                problemAt(own.raw(), backend, option, Integer.toString(own.value()), "expected a port outside "
                        + first + ".." + last + ", which replication_starting_port reserves for DRBD");
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // messaging

    private TransportConfig transport() {
        OptionReader.Value<String> url = reader.get(Options.DEFAULT, Options.TRANSPORT_URL);
        String exchange = value(Options.DEFAULT, Options.CONTROL_EXCHANGE);
        Integer timeout = value(Options.DEFAULT, Options.RPC_RESPONSE_TIMEOUT);
        RabbitOptions rabbit = rabbitOptions();
        if (url.value() == null || rabbit == null) {
            return null;
        }
        try {
            TransportUrl parsed = TransportUrl.parse(url.value());
            return new TransportConfig(parsed, rabbit.withUrlQuery(parsed.query()), orEmpty(exchange),
                    Duration.ofSeconds(timeout == null ? 60 : timeout));
        } catch (InvalidTransportUrlException | InvalidRabbitOptionException e) {
            // The messages never repeat the URL, which holds the broker password.
            problemAt(url.raw(), Options.DEFAULT, Options.TRANSPORT_URL.name(), ConfigProblem.MASK, e.getMessage());
            return null;
        }
    }

    /** [oslo_messaging_rabbit], handed to RabbitOptions with oslo's precedence already applied. */
    private RabbitOptions rabbitOptions() {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, RawValue> sources = new HashMap<>();
        Set<String> keys = new LinkedHashSet<>();
        ini.entries(Options.RABBIT).forEach(r -> keys.add(r.key()));
        keys.addAll(Options.RABBIT_ALSO_IN_DEFAULT);
        for (String key : keys) {
            List<OsloIniFiles.Name> names = new ArrayList<>();
            names.add(new OsloIniFiles.Name(Options.RABBIT, key));
            if (Options.RABBIT_ALSO_IN_DEFAULT.contains(key)) {
                names.add(new OsloIniFiles.Name(Options.DEFAULT, key));
            }
            ini.value(names).ifPresent(raw -> sources.put(key, raw));
        }
        String prefix = OptionReader.environmentName(Options.RABBIT, "");
        machine.variables().forEach((variable, text) -> {
            if (variable.startsWith(prefix) && variable.length() > prefix.length()) {
                String key = variable.substring(prefix.length()).toLowerCase(Locale.ROOT);
                sources.put(key, new RawValue(text, "environment variable " + variable, 0, Options.RABBIT, key));
            }
        });
        boolean ok = true;
        for (Map.Entry<String, RawValue> e : sources.entrySet()) {
            String text = reader.substitute(Options.RABBIT, e.getValue());
            if (text == null) {
                ok = false;
            } else {
                values.put(e.getKey(), text);
            }
        }
        if (!ok) {
            return null;
        }
        try {
            return RabbitOptions.fromConfig(values);
        } catch (InvalidRabbitOptionException e) {
            String message = e.getMessage();
            String group = "[" + Options.RABBIT + "] ";
            if (message.startsWith(group)) {
                message = message.substring(group.length());
            }
            RawValue raw = sources.get(e.option());
            problems.add(raw == null ? ConfigProblem.about(null, Options.RABBIT, e.option(), message)
                    : new ConfigProblem(raw.source(), raw.line(), raw.section(), e.option(), null, message));
            return null;
        }
    }

    private NotificationConfig notifications() {
        List<String> drivers = new ArrayList<>();
        for (OptionReader.Value<String> d : reader.getAll(Options.NOTIFICATIONS, Options.NOTIFICATION_DRIVER)) {
            drivers.add(d.value());
            if (!Options.NOTIFICATION_DRIVERS.contains(d.value())) {
                warn(d.raw(), "[" + d.raw().section() + "] " + d.raw().key() + " = " + d.value() + " is not a notification"
                        + " driver of oslo.messaging 14 (" + String.join(", ", Options.NOTIFICATION_DRIVERS.stream()
                        .sorted().toList()) + "); ignored");
            }
        }
        List<String> topics = value(Options.NOTIFICATIONS, Options.NOTIFICATION_TOPICS);
        Integer retry = value(Options.NOTIFICATIONS, Options.NOTIFICATION_RETRY);
        OptionReader.Value<String> url = reader.get(Options.NOTIFICATIONS, Options.NOTIFICATION_TRANSPORT_URL);
        Optional<TransportUrl> transportUrl = Optional.empty();
        if (url.value() != null) {
            try {
                transportUrl = Optional.of(TransportUrl.parse(url.value()));
            } catch (InvalidTransportUrlException e) {
                problemAt(url.raw(), Options.NOTIFICATIONS, Options.NOTIFICATION_TRANSPORT_URL.name(),
                        ConfigProblem.MASK, e.getMessage());
            }
        }
        return new NotificationConfig(drivers, topics == null ? List.of() : topics, transportUrl,
                retry == null ? -1 : retry);
    }

    private DatabaseConfig database() {
        OptionReader.Value<String> connection = reader.get(Options.DATABASE, Options.DB_CONNECTION);
        String parameters = value(Options.DATABASE, Options.DB_CONNECTION_PARAMETERS);
        String sqlMode = value(Options.DATABASE, Options.DB_MYSQL_SQL_MODE);
        Integer maxPoolSize = value(Options.DATABASE, Options.DB_MAX_POOL_SIZE);
        Integer maxOverflow = value(Options.DATABASE, Options.DB_MAX_OVERFLOW);
        Integer poolTimeout = value(Options.DATABASE, Options.DB_POOL_TIMEOUT);
        Integer recycle = value(Options.DATABASE, Options.DB_CONNECTION_RECYCLE_TIME);
        Integer maxRetries = value(Options.DATABASE, Options.DB_MAX_RETRIES);
        Integer retryInterval = value(Options.DATABASE, Options.DB_RETRY_INTERVAL);
        if (connection.value() == null) {
            if (connection.raw() == null) {
                problems.add(ConfigProblem.about(firstFileOf(Options.DATABASE), Options.DATABASE, "connection",
                        "connection is not set: Cinder would fall back to a private SQLite file, which the other"
                                + " Cinder services cannot see; set connection = mysql+pymysql://cinder:PASSWORD@HOST/cinder"));
            }
            return null;
        }
        try {
            DatabaseConnection parsed = DatabaseConnection.parse(connection.value(),
                    parameters == null ? "" : parameters);
            return new DatabaseConfig(parsed, orEmpty(sqlMode), orZero(maxPoolSize), orZero(maxOverflow),
                    poolTimeout == null ? OptionalInt.empty() : OptionalInt.of(poolTimeout), orZero(recycle),
                    orZero(maxRetries), orZero(retryInterval));
        } catch (InvalidDatabaseUrlException e) {
            problemAt(connection.raw(), Options.DATABASE, "connection", ConfigProblem.MASK, "the URL " + e.getMessage());
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // unknown keys

    private void checkUnknownKeys(List<String> backends) {
        Set<String> backendKnown = new HashSet<>();
        for (Opt<?> opt : Options.BACKEND_OPTS) {
            backendKnown.add(opt.name());
            opt.deprecated().forEach(n -> backendKnown.add(n.key()));
        }
        Set<String> backendGroups = new LinkedHashSet<>();
        backends.forEach(b -> backendGroups.add(OsloIniFiles.normalizeGroup(b)));
        backendGroups.add(Options.BACKEND_DEFAULTS);
        for (String group : backendGroups) {
            for (RawValue raw : firstOfEachKey(group)) {
                String key = raw.key();
                if (backendKnown.contains(key) || (key.equals(Options.BACKEND_HOST.name())
                        && !group.equals(Options.BACKEND_DEFAULTS))) {
                    continue;
                }
                warn(raw, "[" + raw.section() + "] " + key + (Options.BACKEND_NOT_IMPLEMENTED.contains(key)
                        ? " is a Cinder option that ebs-volume does not implement; ignored"
                        : " is not an option of a Cinder volume backend; ignored"));
            }
        }
        checkGroup(Options.DATABASE, known(Options.DATABASE_OPTS, Options.DATABASE, Options.DATABASE_IGNORED));
        checkGroup(Options.NOTIFICATIONS, known(Options.NOTIFICATION_OPTS, Options.NOTIFICATIONS, Set.of()));
        checkGroup(Options.RABBIT, Options.RABBIT_NAMES);

        // [DEFAULT] holds the options of every Cinder service, so only likely slips are reported:
        // a backend option there (cinder-volume reads those from the backend sections) and a
        // near-miss of an option we read.
        Set<String> defaultKnown = new HashSet<>();
        for (Opt<?> opt : Options.DEFAULT_OPTS) {
            defaultKnown.add(opt.name());
            opt.deprecated().forEach(n -> defaultKnown.add(n.key()));
        }
        for (RawValue raw : firstOfEachKey(Options.DEFAULT)) {
            String key = raw.key();
            if (defaultKnown.contains(key)) {
                continue;
            }
            if (backendKnown.contains(key)) {
                warn(raw, "[" + raw.section() + "] " + key + " is a backend option: cinder-volume reads it from each"
                        + " backend section or from [backend_defaults], not from [DEFAULT]; ignored");
                continue;
            }
            for (Opt<?> opt : Options.DEFAULT_OPTS) {
                if (opt.name().length() >= 6 && editDistance(key, opt.name()) <= 2) {
                    warn(raw, "[" + raw.section() + "] " + key + " is not an option ebs-volume reads; did you mean "
                            + opt.name() + "? ignored");
                    break;
                }
            }
        }
    }

    private void checkGroup(String group, Set<String> known) {
        for (RawValue raw : firstOfEachKey(group)) {
            if (!known.contains(raw.key())) {
                warn(raw, "[" + raw.section() + "] " + raw.key() + " is not an option of [" + group + "]; ignored");
            }
        }
    }

    private static Set<String> known(List<Opt<?>> opts, String group, Set<String> alsoKnown) {
        Set<String> names = new HashSet<>(alsoKnown);
        for (Opt<?> opt : opts) {
            names.add(opt.name());
            for (OsloIniFiles.Name old : opt.deprecated()) {
                if (old.group() == null || OsloIniFiles.normalizeGroup(old.group()).equals(group)) {
                    names.add(old.key());
                }
            }
        }
        return names;
    }

    private List<RawValue> firstOfEachKey(String group) {
        Map<String, RawValue> first = new LinkedHashMap<>();
        for (RawValue raw : ini.entries(group)) {
            first.putIfAbsent(raw.key(), raw);
        }
        return new ArrayList<>(first.values());
    }

    /** Optimal string alignment distance: a typo is an insertion, deletion, change or swap. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private <T> T value(String group, Opt<T> opt) {
        return reader.get(group, opt).value();
    }

    private <T> T backendValue(String backend, Opt<T> opt) {
        return reader.backend(backend, opt).value();
    }

    /** A problem at the value's line, or at the section when the value is a default. */
    private void problemAt(RawValue raw, String group, String key, String shown, String expected) {
        if (raw != null) {
            problems.add(ConfigProblem.badValue(raw, shown, expected));
        } else {
            problems.add(new ConfigProblem(firstFileOf(group), 0, group, key, shown, expected + " (this is the default)"));
        }
    }

    private void warn(RawValue raw, String text) {
        if (raw == null || raw.source().equals("command line")) {
            warnings.add(new Warning(null, 0, text));
        } else {
            warnings.add(new Warning(raw.source(), raw.line(), raw.location() + ": " + text));
        }
    }

    /** The first file with a section for this group, to point a "missing option" problem at. */
    private String firstFileOf(String group) {
        for (Path file : ini.files()) {
            for (RawValue raw : ini.entries(group)) {
                if (raw.source().equals(file.toString())) {
                    return file.toString();
                }
            }
        }
        return null;
    }

    private String describeFiles() {
        List<Path> files = ini.files();
        return files.size() == 1 ? files.get(0).toString() : "any of the " + files.size() + " config files";
    }

    private InvalidConfigException failure(List<Path> files) {
        List<String> order = files.stream().map(Path::toString).toList();
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        // In file order, then line order; a problem about a file as a whole comes after its lines.
        sorted.sort(Comparator.comparingInt((ConfigProblem p) -> rank(order, p.file()))
                .thenComparingInt(p -> p.line() > 0 ? p.line() : Integer.MAX_VALUE));
        return new InvalidConfigException(sorted);
    }

    private List<String> sortedWarnings() {
        List<String> order = ini.files().stream().map(Path::toString).toList();
        List<Warning> sorted = new ArrayList<>(warnings);
        sorted.sort(Comparator.comparingInt((Warning w) -> rank(order, w.file())).thenComparingInt(Warning::line));
        return sorted.stream().map(Warning::text).toList();
    }

    /** Files in reading order first, then other sources, then problems tied to no input. */
    private static int rank(List<String> files, String file) {
        if (file == null) {
            return Integer.MAX_VALUE;
        }
        int i = files.indexOf(file);
        return i >= 0 ? i : files.size();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
