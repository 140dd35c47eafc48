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
 * drivers/lvm.py, manager.py), grouped by what they steer: the LVM storage, the target that
 * exports it, what the scheduler is told, and replication. The EBS driver adds {@code backend_id},
 * {@code backend_ip}, {@code backend_port}, {@code replication_mode},
 * {@code replication_resync_rate}, {@code replication_starting_port} and
 * {@code replication_auto_failback}; {@code Options} declares every default.
 *
 * @param name                    the backend name as written in enabled_backends
 * @param backendHost             {@code backend_host} of this section (no fallback to
 *                                [backend_defaults], as in Cinder); see
 *                                {@link CinderConfig#serviceHost(BackendConfig)}
 * @param volumeDriver            the Python class path Cinder would load
 * @param volumeBackendName       reported to the scheduler; defaults to {@code name}
 * @param backendAvailabilityZone overrides storage_availability_zone for this backend
 * @param lvm                     the volume group and how volumes are made in it and wiped
 * @param target                  how volumes are exported
 * @param scheduler               what the scheduler is told besides the pool's sizes
 * @param replication             this host's replication identity and its peers
 */
public record BackendConfig(
        String name,
        Optional<String> backendHost,
        String volumeDriver,
        String volumeBackendName,
        Optional<String> backendAvailabilityZone,
        LvmSettings lvm,
        TargetSettings target,
        SchedulerSettings scheduler,
        ReplicationSettings replication) {

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
        Objects.requireNonNull(lvm, "lvm");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(replication, "replication");
    }

    /**
     * Whether {@code volume_driver} gets the EBS storage driver (the EBS driver's names and
     * Cinder's LVM driver), rather than the capacity-only backend, which only its own explicit
     * name selects; the loader refuses every other value.
     */
    public boolean isEbsDriver() {
        return Options.STORAGE_DRIVERS.contains(volumeDriver);
    }

    /** Every setting, with the CHAP password and replication device secrets hidden. */
    @Override
    public String toString() {
        return "BackendConfig[" + name
                + ", backendHost=" + backendHost.orElse("-")
                + ", volumeDriver=" + volumeDriver
                + ", volumeBackendName=" + volumeBackendName
                + ", backendAvailabilityZone=" + backendAvailabilityZone.orElse("-")
                + ", " + lvm + ", " + target + ", " + scheduler + ", " + replication
                + "]";
    }

    /**
     * The LVM storage (cinder/volume/drivers/lvm.py, and volume_clear from driver.py).
     *
     * @param volumeGroup        {@code volume_group}: the VG holding the volumes
     * @param type               {@code lvm_type}
     * @param mirrors            {@code lvm_mirrors}: LVM mirror count, 0 for none
     * @param volumeClear        {@code volume_clear}: how deleted volumes are wiped
     * @param volumeClearSizeMib {@code volume_clear_size}: MiB to wipe at the start of a volume,
     *                           0 for all of it
     */
    public record LvmSettings(String volumeGroup, LvmType type, int mirrors, VolumeClear volumeClear,
                              int volumeClearSizeMib) {

        public LvmSettings {
            Objects.requireNonNull(volumeGroup, "volumeGroup");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(volumeClear, "volumeClear");
        }
    }

    /**
     * The export (cinder/volume/targets, target_* options).
     *
     * @param helper               {@code target_helper}
     * @param protocol             {@code target_protocol}; the loader has checked that the helper
     *                             {@linkplain TargetHelper#speaks speaks} it
     * @param ipAddress            {@code target_ip_address}: the portal address
     * @param secondaryIpAddresses {@code target_secondary_ip_addresses}: further portal addresses
     *                             ({@code iscsi_secondary_ip_addresses} in Zed)
     * @param port                 {@code target_port}: the portal port
     * @param prefix               {@code target_prefix}: the IQN prefix
     * @param chap                 the CHAP options
     */
    public record TargetSettings(TargetHelper helper, TargetProtocol protocol, String ipAddress,
                                 List<String> secondaryIpAddresses, int port, String prefix, ChapSettings chap) {

        public TargetSettings {
            Objects.requireNonNull(helper, "helper");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(ipAddress, "ipAddress");
            secondaryIpAddresses = List.copyOf(secondaryIpAddresses);
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(chap, "chap");
        }
    }

    /**
     * CHAP on the targets.
     *
     * @param enabled  {@code use_chap_auth}: whether targets require CHAP
     * @param username {@code chap_username}, "" for generated ones
     * @param password {@code chap_password} (never shown)
     */
    public record ChapSettings(boolean enabled, String username, String password) {

        public ChapSettings {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** The settings with the password masked. */
        @Override
        public String toString() {
            return "ChapSettings[enabled=" + enabled + ", username=" + username
                    + ", password=" + (password.isEmpty() ? "" : ConfigProblem.MASK) + "]";
        }
    }

    /**
     * What the backend reports to the scheduler besides its sizes (cinder/volume/driver.py).
     *
     * @param reservedPercentage       {@code reserved_percentage}: capacity kept back, 0..100
     * @param maxOverSubscriptionRatio {@code max_over_subscription_ratio}: "auto" or a ratio
     *                                 >= 1.0 written as Python prints it ("20.0")
     * @param extraCapabilities        {@code extra_capabilities}: merged into the reported
     *                                 capabilities
     */
    public record SchedulerSettings(int reservedPercentage, String maxOverSubscriptionRatio,
                                    Map<String, Object> extraCapabilities) {

        public SchedulerSettings {
            Objects.requireNonNull(maxOverSubscriptionRatio, "maxOverSubscriptionRatio");
            extraCapabilities = Collections.unmodifiableMap(new LinkedHashMap<>(extraCapabilities));
        }

        /** The over-subscription ratio, empty when it is "auto" (computed from usage). */
        public OptionalDouble fixedMaxOverSubscriptionRatio() {
            return "auto".equals(maxOverSubscriptionRatio) ? OptionalDouble.empty()
                    : OptionalDouble.of(Double.parseDouble(maxOverSubscriptionRatio));
        }
    }

    /**
     * The EBS driver's replication (DRBD to the peers named by {@code replication_device}).
     *
     * @param backendId     {@code backend_id}: this host's replication identity; required by the
     *                      EBS driver when it has replication devices
     * @param backendIp     {@code backend_ip}: this host's replication address
     * @param backendPort   {@code backend_port}: this host's EBS agent port, which peers connect
     *                      to (accepted, not used: the loader says so once at start)
     * @param mode          {@code replication_mode}: how replicated writes are acknowledged
     * @param resyncRateKib {@code replication_resync_rate}: DRBD resync rate, KiB/s
     * @param startingPort  {@code replication_starting_port}: the first of the
     *                      {@link #REPLICATION_PORT_COUNT} DRBD ports
     * @param devices       {@code replication_device}: the peers, in file order
     * @param autoFailback  {@code replication_auto_failback}: whether the host serving a
     *                      failed-over peer hands it back (failback, then thaw) by itself once the
     *                      peer is back, in sync and its volumes detached
     */
    public record ReplicationSettings(Optional<String> backendId, String backendIp, int backendPort,
                                      ReplicationMode mode, long resyncRateKib, int startingPort,
                                      List<ReplicationDevice> devices, boolean autoFailback) {

        public ReplicationSettings {
            Objects.requireNonNull(backendId, "backendId");
            Objects.requireNonNull(backendIp, "backendIp");
            Objects.requireNonNull(mode, "mode");
            devices = List.copyOf(devices);
        }

        /** Whether this backend has peers to replicate to. */
        public boolean enabled() {
            return !devices.isEmpty();
        }

        /** The last DRBD port: {@code startingPort + REPLICATION_PORT_COUNT - 1}. */
        public int lastPort() {
            return startingPort + REPLICATION_PORT_COUNT - 1;
        }

        /** The resync rate as drbdsetup's --resync-rate takes it, e.g. "100M". */
        public String drbdResyncRate() {
            if (resyncRateKib % (1024 * 1024) == 0) {
                return resyncRateKib / (1024 * 1024) + "G";
            }
            if (resyncRateKib % 1024 == 0) {
                return resyncRateKib / 1024 + "M";
            }
            return resyncRateKib + "K";
        }

        /** Every setting, the devices with their secrets hidden, the rate and ports as DRBD gets them. */
        @Override
        public String toString() {
            return "ReplicationSettings[backendId=" + backendId.orElse("-")
                    + ", backendIp=" + backendIp
                    + ", backendPort=" + backendPort
                    + ", mode=" + mode
                    + ", resyncRate=" + drbdResyncRate()
                    + ", ports=" + startingPort + ".." + lastPort()
                    + ", devices=" + devices
                    + ", autoFailback=" + autoFailback
                    + "]";
        }
    }
}
