package org.ebsvolume.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One volume backend: a section named in {@code enabled_backends}, with [backend_defaults]
 * filling in what the section leaves out, as Cinder does.
 *
 * <p>Cinder's options keep Cinder's names, defaults and rules (cinder/volume/driver.py,
 * drivers/lvm.py, manager.py). The EBS driver adds {@code backend_id}, {@code backend_ip},
 * {@code backend_port}, {@code replication_mode}, {@code replication_resync_rate},
 * {@code replication_starting_port}; see {@link CinderConfig} for their defaults.
 *
 * @param name                       the backend name as written in enabled_backends
 * @param backendHost                {@code backend_host} of this section (no fallback to
 *                                   [backend_defaults], as in Cinder); see
 *                                   {@link CinderConfig#serviceHost(BackendConfig)}
 * @param volumeDriver               the Python class path Cinder would load
 * @param volumeBackendName          reported to the scheduler; defaults to {@code name}
 * @param backendAvailabilityZone    overrides storage_availability_zone for this backend
 * @param volumeGroup                the LVM volume group
 * @param lvmType                    default (thick), thin, or auto (thin if the VG has a pool)
 * @param lvmMirrors                 LVM mirror count, 0 for none
 * @param targetHelper               tgtadm, lioadm, scstadmin, iscsictl, ietadm, nvmet, spdk-nvmeof or fake
 * @param targetProtocol             iscsi, iser, nvmet_rdma or nvmet_tcp
 * @param targetIpAddress            the portal address
 * @param targetSecondaryIpAddresses further portal addresses ({@code iscsi_secondary_ip_addresses} in Zed)
 * @param targetPort                 the portal port
 * @param targetPrefix               the IQN prefix
 * @param volumeClear                how deleted volumes are wiped: none or zero
 * @param volumeClearSize            MiB to wipe at the start of a volume, 0 for all of it
 * @param reservedPercentage         capacity kept back from the scheduler, 0..100
 * @param maxOverSubscriptionRatio   "auto" or a ratio >= 1.0 written as Python prints it ("20.0")
 * @param extraCapabilities          merged into the reported capabilities
 * @param useChapAuth                whether targets require CHAP
 * @param chapUsername               CHAP user, "" for generated ones
 * @param chapPassword               CHAP secret (never shown)
 * @param backendId                  this host's replication identity; required by the EBS driver
 *                                   when it has replication devices
 * @param backendIp                  this host's replication address
 * @param backendPort                this host's EBS agent port, which peers connect to
 * @param replicationMode            how replicated writes are acknowledged
 * @param replicationResyncRateKib   DRBD resync rate, KiB/s
 * @param replicationStartingPort    first of the {@link #REPLICATION_PORT_COUNT} DRBD ports
 * @param replicationDevices         the peers, in file order
 * @param replicationAutoFailback    whether the host serving a failed-over peer hands it back (failback,
 *                                   then thaw) by itself once the peer is back, in sync and its volumes detached
 */
public record BackendConfig(
        String name,
        Optional<String> backendHost,
        String volumeDriver,
        String volumeBackendName,
        Optional<String> backendAvailabilityZone,
        String volumeGroup,
        String lvmType,
        int lvmMirrors,
        String targetHelper,
        String targetProtocol,
        String targetIpAddress,
        List<String> targetSecondaryIpAddresses,
        int targetPort,
        String targetPrefix,
        String volumeClear,
        int volumeClearSize,
        int reservedPercentage,
        String maxOverSubscriptionRatio,
        Map<String, Object> extraCapabilities,
        boolean useChapAuth,
        String chapUsername,
        String chapPassword,
        Optional<String> backendId,
        String backendIp,
        int backendPort,
        ReplicationMode replicationMode,
        long replicationResyncRateKib,
        int replicationStartingPort,
        List<ReplicationDevice> replicationDevices,
        boolean replicationAutoFailback) {

    /**
     * How many TCP ports from {@code replication_starting_port} on are DRBD's (one per replicated
     * volume), so at most this many replicated volumes per backend. No other service of ours may
     * listen in that range.
     */
    public static final int REPLICATION_PORT_COUNT = 1000;

    public BackendConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backendHost, "backendHost");
        Objects.requireNonNull(volumeDriver, "volumeDriver");
        Objects.requireNonNull(volumeBackendName, "volumeBackendName");
        Objects.requireNonNull(backendAvailabilityZone, "backendAvailabilityZone");
        Objects.requireNonNull(volumeGroup, "volumeGroup");
        Objects.requireNonNull(lvmType, "lvmType");
        Objects.requireNonNull(targetHelper, "targetHelper");
        Objects.requireNonNull(targetProtocol, "targetProtocol");
        Objects.requireNonNull(targetIpAddress, "targetIpAddress");
        Objects.requireNonNull(targetPrefix, "targetPrefix");
        Objects.requireNonNull(volumeClear, "volumeClear");
        Objects.requireNonNull(maxOverSubscriptionRatio, "maxOverSubscriptionRatio");
        Objects.requireNonNull(chapUsername, "chapUsername");
        Objects.requireNonNull(chapPassword, "chapPassword");
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(backendIp, "backendIp");
        Objects.requireNonNull(replicationMode, "replicationMode");
        targetSecondaryIpAddresses = List.copyOf(targetSecondaryIpAddresses);
        extraCapabilities = Collections.unmodifiableMap(new LinkedHashMap<>(extraCapabilities));
        replicationDevices = List.copyOf(replicationDevices);
    }

    /**
     * Whether {@code volume_driver} gets the EBS storage driver (the EBS driver's names and
     * Cinder's LVM driver), rather than the capacity-only backend, which only its own explicit
     * name selects; the loader refuses every other value.
     */
    public boolean isEbsDriver() {
        return Options.STORAGE_DRIVERS.contains(volumeDriver);
    }

    /** Whether this backend has peers to replicate to. */
    public boolean replicationEnabled() {
        return !replicationDevices.isEmpty();
    }

    /** The last DRBD port: {@code replicationStartingPort + REPLICATION_PORT_COUNT - 1}. */
    public int replicationLastPort() {
        return replicationStartingPort + REPLICATION_PORT_COUNT - 1;
    }

    /** The resync rate as drbdsetup's --resync-rate takes it, e.g. "100M". */
    public String drbdResyncRate() {
        if (replicationResyncRateKib % (1024 * 1024) == 0) {
            return replicationResyncRateKib / (1024 * 1024) + "G";
        }
        if (replicationResyncRateKib % 1024 == 0) {
            return replicationResyncRateKib / 1024 + "M";
        }
        return replicationResyncRateKib + "K";
    }

    /** The over-subscription ratio, empty when it is "auto" (computed from usage). */
    public OptionalDouble fixedMaxOverSubscriptionRatio() {
        return "auto".equals(maxOverSubscriptionRatio) ? OptionalDouble.empty()
                : OptionalDouble.of(Double.parseDouble(maxOverSubscriptionRatio));
    }

    /** Every setting, with the CHAP password and replication device secrets hidden. */
    @Override
    public String toString() {
        return "BackendConfig[" + name
                + ", backendHost=" + backendHost.orElse("-")
                + ", volumeDriver=" + volumeDriver
                + ", volumeBackendName=" + volumeBackendName
                + ", backendAvailabilityZone=" + backendAvailabilityZone.orElse("-")
                + ", volumeGroup=" + volumeGroup
                + ", lvmType=" + lvmType
                + ", lvmMirrors=" + lvmMirrors
                + ", targetHelper=" + targetHelper
                + ", targetProtocol=" + targetProtocol
                + ", targetIpAddress=" + targetIpAddress
                + ", targetSecondaryIpAddresses=" + targetSecondaryIpAddresses
                + ", targetPort=" + targetPort
                + ", targetPrefix=" + targetPrefix
                + ", volumeClear=" + volumeClear
                + ", volumeClearSize=" + volumeClearSize
                + ", reservedPercentage=" + reservedPercentage
                + ", maxOverSubscriptionRatio=" + maxOverSubscriptionRatio
                + ", extraCapabilities=" + extraCapabilities
                + ", useChapAuth=" + useChapAuth
                + ", chapUsername=" + chapUsername
                + ", chapPassword=" + (chapPassword.isEmpty() ? "" : ConfigProblem.MASK)
                + ", backendId=" + backendId.orElse("-")
                + ", backendIp=" + backendIp
                + ", backendPort=" + backendPort
                + ", replicationMode=" + replicationMode
                + ", replicationResyncRate=" + drbdResyncRate()
                + ", replicationPorts=" + replicationStartingPort + ".." + replicationLastPort()
                + ", replicationDevices=" + replicationDevices
                + "]";
    }
}
