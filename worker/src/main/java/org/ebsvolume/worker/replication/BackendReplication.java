package org.ebsvolume.worker.replication;

import org.ebsvolume.config.BackendConfig;
import org.ebsvolume.config.CinderConfig;
import org.ebsvolume.config.ReplicationDevice;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdPortAllocator;
import org.ebsvolume.drivers.drbd.DrbdProtocol;
import org.ebsvolume.drivers.drbd.DrbdResourceFiles;
import org.ebsvolume.drivers.ebs.EbsDriver;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.replication.ReplicaHost;
import org.ebsvolume.drivers.replication.ReplicatedVolumes;
import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.messaging.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Replication for one EBS backend with {@code replication_device} entries, built from its
 * configuration: the primary's side ({@link ReplicatedVolumes}, towards the first device) and
 * the backup's side ({@link ReplicaEndpoint}, serving every configured peer). A pair of hosts
 * lists each other, with the same {@code secret}, so each is primary for its own volumes and
 * backup for the other's.
 */
public final class BackendReplication {

    private static final Logger LOG = LoggerFactory.getLogger(BackendReplication.class);

    /** A replica call (lvcreate, create-md, up through sudo) takes seconds; a backup that is down never answers. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    /** DRBD connects within a second or two on a LAN; TCG lab nodes need more. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DRBDADM_TIMEOUT = Duration.ofMinutes(2);

    private final String backendId;
    private final ReplicatedVolumes volumes;
    private final ReplicaEndpoint endpoint;
    private final DrbdAdm drbd;
    private final ReplicaClient peer;

    private BackendReplication(String backendId, ReplicatedVolumes volumes, ReplicaEndpoint endpoint, DrbdAdm drbd, ReplicaClient peer) {
        this.backendId = backendId;
        this.volumes = volumes;
        this.endpoint = endpoint;
        this.drbd = drbd;
        this.peer = peer;
    }

    /**
     * The backend's replication, or empty when it has no {@code replication_device}. The config
     * loader has already required {@code backend_id} and every device's {@code ip} and
     * {@code secret}.
     *
     * @param provisioning the backend's {@code lvm_type}, which the replicas kept here follow
     */
    public static Optional<BackendReplication> of(CinderConfig conf, BackendConfig backend, EbsDriver.Provisioning provisioning,
                                                  CommandRunner runner, LvmVolumeGroup vg, Transport transport) throws DriverException {
        BackendConfig.ReplicationSettings settings = backend.replication();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        String ownId = settings.backendId().orElseThrow();
        Map<String, Optional<String>> secrets = new LinkedHashMap<>();
        Map<String, String> addresses = new LinkedHashMap<>();
        for (ReplicationDevice d : settings.devices()) {
            secrets.put(d.backendId(), d.secret());
            addresses.put(d.backendId(), d.ip().orElseThrow());
            if (d.secret().isEmpty()) {
                // Worded without "secret" next to a colon: the log masker would hide the words after it.
                LOG.warn("Backend {}: replication_device {} has no shared secret, so replica calls to and from it are"
                        + " trusted like every other Cinder RPC on this broker (anyone with the broker's credentials could"
                        + " send them). To sign them (HMAC-SHA256), give this device and the peer's device for this host"
                        + " the same 'secret' key, at least {} characters long, and restart both", backend.name(), d.backendId(),
                        ReplicationDevice.MIN_SECRET_LENGTH);
            }
        }
        ReplicationDevice target = settings.devices().get(0);
        if (settings.devices().size() > 1) {
            LOG.warn("Backend {}: {} replication devices configured; volumes are replicated to the first one ({}) only,"
                    + " the others are served as peers", backend.name(), settings.devices().size(), target.backendId());
        }
        ReplicaAuth auth = ReplicaAuth.forPeers(ownId, secrets, Clock.systemUTC());
        DrbdResourceFiles files = new DrbdResourceFiles(Path.of(DrbdResourceFiles.DEFAULT_DIRECTORY));
        DrbdAdm drbd = new DrbdAdm(runner, files, DRBDADM_TIMEOUT);
        DrbdPortAllocator ports = new DrbdPortAllocator(files, settings.startingPort());
        String hostname = nodeName(conf);
        ReplicaClient client = new ReplicaClient(target.backendId(), auth, transport.client(ReplicaEndpoint.target(target.backendId())),
                CALL_TIMEOUT, Pause.SLEEP);
        ReplicatedVolumes volumes = new ReplicatedVolumes(new ReplicatedVolumes.Settings(hostname, settings.backendIp(),
                DrbdProtocol.fromLetter(settings.mode().drbdProtocol()), settings.resyncRateKib(),
                target.ip().orElseThrow(), CONNECT_TIMEOUT), vg, drbd, ports, client);
        ReplicaHost host = new ReplicaHost(new ReplicaHost.Settings(hostname, settings.backendIp()), vg,
                () -> makesThinVolumes(provisioning, vg), drbd, ports);
        LOG.info("Backend {}: replicating as {} from {} ({}) to {} at {} with DRBD protocol {}; serving replica calls from {}",
                backend.name(), ownId, hostname, settings.backendIp(), target.backendId(), target.ip().orElseThrow(),
                settings.mode().drbdProtocol(), secrets.keySet());
        return Optional.of(new BackendReplication(ownId, volumes, new ReplicaEndpoint(auth, host, addresses), drbd, client));
    }

    /** The EBS driver's decision, asked for each replica this backend keeps; thick when the VG cannot be read. */
    private static boolean makesThinVolumes(EbsDriver.Provisioning provisioning, LvmVolumeGroup vg) {
        try {
            return provisioning.makesThinVolumes(vg);
        } catch (DriverException e) {
            return false;
        }
    }

    /**
     * {@code uname -n}: drbdadm picks the {@code on} section with this name. Cinder's {@code host}
     * is often the same, but need not be.
     */
    static String nodeName(CinderConfig conf) {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the node name from /proc/sys/kernel/hostname ({}); using host = {}", e.getMessage(), conf.host());
        }
        return conf.host();
    }

    public String backendId() {
        return backendId;
    }

    public ReplicatedVolumes volumes() {
        return volumes;
    }

    /** The same replication for the driver serving a taken-over peer's identity: what it creates is failed-over. */
    public BackendReplication servingFailedOverIdentity() {
        return new BackendReplication(backendId, volumes.forFailedOverIdentity(), endpoint, drbd, peer);
    }

    public ReplicaEndpoint endpoint() {
        return endpoint;
    }

    /** The replica channel to the backup (the first replication_device). */
    public ReplicaClient peer() {
        return peer;
    }

    /** drbdadm on this host, over this backend's resource files. */
    public DrbdAdm drbd() {
        return drbd;
    }

    /**
     * The peer's {@code volume_backend_name} (also its pool's name), which this host reports while
     * it serves the peer's identity: the scheduler places a volume from a snapshot or a clone only
     * in its source's pool ({@code host#pool}), and volume types name the backend.
     * {@code volume_backend_name:<name>} in the device; default: this backend's own.
     */
    public static String peerVolumeBackendName(ReplicationDevice device, BackendConfig backend) {
        String name = device.extra().get("volume_backend_name");
        return name != null && !name.isBlank() ? name : backend.volumeBackendName();
    }

    /**
     * The Cinder service host of a peer: the device's {@code host} key when given; else its
     * {@code backend_id} when that already is a service host ({@code hci-0002@EBS}, the form the
     * Python EBS driver's documentation uses); else {@code <backend_id>@<this backend's section
     * name>} (peers are configured alike: the same section name, a backend_id equal to the host).
     */
    public static String peerServiceHost(ReplicationDevice device, BackendConfig backend) {
        String host = device.extra().get("host");
        if (host == null || host.isBlank()) {
            host = device.backendId();
        }
        return host.contains("@") ? host : host + "@" + backend.name();
    }
}
