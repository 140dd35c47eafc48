package org.ebsvolume.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.ebsvolume.messaging.transport.TransportConfig;

/**
 * Everything ebs-volume takes from cinder.conf, typed and checked, read exactly as the Python
 * {@code cinder-volume} of Cinder 21.3.1 (Zed) on Debian 12 reads it.
 *
 * <p>Defaults are Cinder's ({@code host}: the kernel's host name; {@code my_ip}: the address of
 * the interface holding the default route; {@code transport_url}: {@code rabbit://}, i.e. guest
 * on localhost; ...). The EBS driver's own options default to: {@code backend_ip = $my_ip},
 * {@code backend_port = 8800}, {@code replication_mode = full-sync} (DRBD protocol C: a failover
 * never loses an acknowledged write, which is what a block device promises; async is a choice to
 * make knowingly), {@code replication_resync_rate = 100M} (DRBD 9's default c-max-rate),
 * {@code replication_starting_port = 7789} (DRBD's customary first port).
 *
 * <p>{@link #toString()} and {@link #describe()} never show a password: the transport URLs and
 * the database URL are masked, and so are CHAP secrets.
 *
 * @param configFiles                 the files read, lowest precedence first
 * @param host                        {@code [DEFAULT] host}
 * @param myIp                        {@code [DEFAULT] my_ip}, an address or host name
 * @param statePath                   {@code [DEFAULT] state_path}
 * @param storageAvailabilityZone     {@code [DEFAULT] storage_availability_zone}
 * @param cluster                     {@code [DEFAULT] cluster}, stripped; empty when blank
 * @param enabledBackends             the backend names, blanks dropped
 * @param reportInterval              seconds between service heartbeats in the database
 * @param serviceDownTime             seconds without heartbeat before a service counts as down;
 *                                    raised to 2.5 report intervals if not above one, as Cinder does
 * @param periodicInterval            seconds between periodic tasks
 * @param periodicFuzzyDelay          up to this many seconds of random delay before the first one
 * @param backendStatsPollingInterval seconds between capacity reports (at least 3)
 * @param transport                   transport_url, [oslo_messaging_rabbit], control_exchange,
 *                                    rpc_response_timeout
 * @param notifications               [oslo_messaging_notifications]
 * @param database                    [database]
 * @param image                       glance_api_servers, glance_num_retries, image_conversion_dir
 * @param debug                       {@code debug} (or --debug)
 * @param logDir                      {@code log_dir} (or --log-dir)
 * @param logFile                     {@code log_file} (or --log-file)
 * @param useStderr                   {@code use_stderr}
 * @param backends                    one per enabled backend, in enabled_backends order
 * @param warnings                    things that do not stop the service but that the operator
 *                                    should hear about (unknown keys, ignored options), each
 *                                    starting with file:line when there is one
 */
public record CinderConfig(
        List<Path> configFiles,
        String host,
        String myIp,
        String statePath,
        String storageAvailabilityZone,
        Optional<String> cluster,
        List<String> enabledBackends,
        int reportInterval,
        int serviceDownTime,
        int periodicInterval,
        int periodicFuzzyDelay,
        int backendStatsPollingInterval,
        TransportConfig transport,
        NotificationConfig notifications,
        DatabaseConfig database,
        ImageConfig image,
        boolean debug,
        Optional<String> logDir,
        Optional<String> logFile,
        boolean useStderr,
        List<BackendConfig> backends,
        List<String> warnings) {

    public CinderConfig {
        configFiles = List.copyOf(configFiles);
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(myIp, "myIp");
        Objects.requireNonNull(statePath, "statePath");
        Objects.requireNonNull(storageAvailabilityZone, "storageAvailabilityZone");
        Objects.requireNonNull(cluster, "cluster");
        enabledBackends = List.copyOf(enabledBackends);
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(logFile, "logFile");
        backends = List.copyOf(backends);
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads and checks the configuration the command line points at.
     *
     * @throws InvalidConfigException with every problem found in the files and values
     */
    public static CinderConfig load(CommandLine commandLine) throws InvalidConfigException {
        return ConfigLoader.load(commandLine, MachineEnvironment.system());
    }

    /** The backend of that name (as written in enabled_backends). */
    public Optional<BackendConfig> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * The service's host name in the database and on the bus: {@code host@backend}, with the
     * section's {@code backend_host} instead of {@code host} when it is set (cinder/cmd/volume.py).
     */
    public String serviceHost(BackendConfig backend) {
        String h = backend.backendHost().filter(s -> !s.isEmpty()).orElse(host);
        return h + "@" + backend.name();
    }

    /** {@code cluster@backend} when a cluster is configured (cinder/cmd/volume.py). */
    public Optional<String> serviceCluster(BackendConfig backend) {
        return cluster.map(c -> c + "@" + backend.name());
    }

    /** The backend's availability zone: its own, else storage_availability_zone. */
    public String availabilityZone(BackendConfig backend) {
        return backend.backendAvailabilityZone().filter(s -> !s.isEmpty()).orElse(storageAvailabilityZone);
    }

    /** A multi-line summary for the startup log; secrets masked. */
    public String describe() {
        String nl = System.lineSeparator();
        StringBuilder s = new StringBuilder();
        s.append("config files: ").append(configFiles).append(nl);
        s.append("host: ").append(host).append(", my_ip: ").append(myIp).append(", state_path: ").append(statePath)
                .append(", availability zone: ").append(storageAvailabilityZone)
                .append(", cluster: ").append(cluster.orElse("-")).append(nl);
        s.append("intervals: report ").append(reportInterval).append(" s, service down ").append(serviceDownTime)
                .append(" s, periodic ").append(periodicInterval).append(" s (fuzzy delay ")
                .append(periodicFuzzyDelay).append(" s), backend stats ").append(backendStatsPollingInterval)
                .append(" s").append(nl);
        s.append("transport: ").append(transport.url()).append(", control_exchange ")
                .append(transport.controlExchange()).append(", rpc_response_timeout ")
                .append(transport.rpcResponseTimeout().toSeconds()).append(" s").append(nl);
        s.append("notifications: ").append(notifications.enabled() ? notifications.drivers() : "off")
                .append(", topics ").append(notifications.topics())
                .append(notifications.transportUrl().map(u -> ", transport " + u).orElse("")).append(nl);
        s.append("database: ").append(database.connection()).append(nl);
        s.append("images: glance_api_servers ").append(image.glanceApiServers().isEmpty() ? "-"
                : String.join(", ", image.glanceApiServers())).append(", glance_num_retries ")
                .append(image.glanceNumRetries()).append(", image_conversion_dir ").append(image.imageConversionDir())
                .append(nl);
        s.append("logging: debug ").append(debug).append(", log_dir ").append(logDir.orElse("-"))
                .append(", log_file ").append(logFile.orElse("-")).append(", use_stderr ").append(useStderr).append(nl);
        for (BackendConfig b : backends) {
            s.append("backend ").append(b.name()).append(" (").append(serviceHost(b)).append(", zone ")
                    .append(availabilityZone(b)).append("): ").append(b).append(nl);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
