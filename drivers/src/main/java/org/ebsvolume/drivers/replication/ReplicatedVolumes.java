package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdHost;
import org.ebsvolume.drivers.drbd.DrbdMetadata;
import org.ebsvolume.drivers.drbd.DrbdNames;
import org.ebsvolume.drivers.drbd.DrbdNoUpToDateDataException;
import org.ebsvolume.drivers.drbd.DrbdPeer;
import org.ebsvolume.drivers.drbd.DrbdPortAllocator;
import org.ebsvolume.drivers.drbd.DrbdProtocol;
import org.ebsvolume.drivers.drbd.DrbdResourceConfig;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdSlot;
import org.ebsvolume.drivers.lvm.LvmNames;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.time.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The primary's side of replication: every volume of a replicated type ({@link VolumeRef#replicated})
 * gets one DRBD resource, named like its LV, between this node and the backup
 * ({@code replication_device}), with a port and minor free on both nodes.
 *
 * <p>The EBS driver calls {@link #replicate} where every creation path ends, {@link #extend},
 * {@link #delete}, {@link #snapshot} and {@link #removeSnapshot}, and {@link #exportDevice} for the device an iSCSI target must serve: once a
 * volume is replicated, every write must go through {@code /dev/drbd<minor>}, never to the LV
 * under it (DRBD would not know of it, and the backup would silently differ).
 *
 * <p>Failure policy (docs/replication.md): a volume is replicated or it is not created. When the
 * backup cannot be reached or any step fails, everything made so far is undone on both nodes
 * and the error goes up, so the volume ends {@code error} with the reason in the log; the caller
 * removes its LV. Never half-created.
 */
public final class ReplicatedVolumes {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedVolumes.class);

    /** What the LV holds when it is handed over: decides whether the initial sync can be skipped. */
    public enum Content {
        /** A new LV nothing has written to. */
        BLANK,
        /** Data copied in (snapshot, clone, migration): the backup must receive all of it. */
        COPIED,
        /** An LV that existed before (manage): its data must be kept, and sent in full. */
        MANAGED
    }

    /**
     * @param hostname        this node's {@code uname -n}
     * @param address         this node's replication address ({@code backend_ip})
     * @param protocol        DRBD protocol from {@code replication_mode}
     * @param resyncRateKib   {@code replication_resync_rate}
     * @param peerAddress     the backup's replication address ({@code replication_device} ip)
     * @param connectTimeout  how long a new resource may take to connect to the backup
     */
    public record Settings(String hostname, String address, DrbdProtocol protocol, long resyncRateKib, String peerAddress,
                           Duration connectTimeout) {
        public Settings {
            DrbdNames.requireHostname(hostname);
            DrbdNames.requireIpv4(address);
            Objects.requireNonNull(protocol, "protocol");
            DrbdNames.requireIpv4(peerAddress);
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }
    }

    /** How often {@link #awaitConnected} reads the resource's state. */
    private static final Duration CONNECT_POLL = Duration.ofMillis(250);

    private final Settings settings;
    private final LvmVolumeGroup vg;
    private final DrbdAdm drbd;
    private final DrbdPortAllocator ports;
    private final ReplicaPeer peer;
    /** {@code replication_status} of a volume this instance replicates: see {@link #forFailedOverIdentity}. */
    private final String createdStatus;
    private final Pause pause;

    public ReplicatedVolumes(Settings settings, LvmVolumeGroup vg, DrbdAdm drbd, DrbdPortAllocator ports, ReplicaPeer peer) {
        this(settings, vg, drbd, ports, peer, Pause.SLEEP);
    }

    /** @param pause how the polls for a connected resource wait (tests record them) */
    public ReplicatedVolumes(Settings settings, LvmVolumeGroup vg, DrbdAdm drbd, DrbdPortAllocator ports, ReplicaPeer peer,
                             Pause pause) {
        this(settings, vg, drbd, ports, peer, pause, "enabled");
    }

    private ReplicatedVolumes(Settings settings, LvmVolumeGroup vg, DrbdAdm drbd, DrbdPortAllocator ports, ReplicaPeer peer,
                              Pause pause, String createdStatus) {
        this.createdStatus = createdStatus;
        this.pause = Objects.requireNonNull(pause, "pause");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.vg = Objects.requireNonNull(vg, "vg");
        this.drbd = Objects.requireNonNull(drbd, "drbd");
        this.ports = Objects.requireNonNull(ports, "ports");
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    /**
     * The same replication for the driver that serves a taken-over peer's identity: a volume it
     * makes is Primary on this host, like the volumes taken over, so it is {@code failed-over}
     * like them, and fencing, a restart and the failback treat it as they treat them.
     */
    public ReplicatedVolumes forFailedOverIdentity() {
        return new ReplicatedVolumes(settings, vg, drbd, ports, peer, pause, "failed-over");
    }

    /** The backup's {@code backend_id}. */
    public String targetBackendId() {
        return peer.backendId();
    }

    /**
     * Capabilities for the scheduler and Cinder's replication API: {@code replication_enabled},
     * the one target (never {@code default}), its count, and {@code sync} for protocol C
     * (a write is acknowledged once on both disks) or {@code async} for A and B.
     */
    public Map<String, Object> capabilities() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("replication_enabled", true);
        c.put("replication_targets", List.of(peer.backendId()));
        c.put("replication_type", settings.protocol() == DrbdProtocol.C ? "sync" : "async");
        c.put("replication_count", 1);
        return c;
    }

    /** The backing LV size of a replicated volume of {@code sizeGb} GiB (room for DRBD's metadata). */
    public static long backingBytes(int sizeGb) {
        return DrbdMetadata.backingBytes(sizeGb);
    }

    /** Whether the volume has a DRBD resource on this node (its resource file). */
    public boolean isReplicatedHere(VolumeRef volume) throws DriverException {
        return drbd.files().exists(resource(volume));
    }

    /**
     * The device to export and write through: {@code /dev/drbd<minor>} when the volume has a
     * resource here, empty otherwise.
     */
    public Optional<String> exportDevice(VolumeRef volume) throws DriverException {
        String res = resource(volume);
        DrbdSlot slot = drbd.files().readSlots().get(res);
        return slot == null ? Optional.empty() : Optional.of("/dev/drbd" + slot.minor());
    }

    /**
     * Hands the volume's LV (in place, {@code volume.sizeGb()} GiB of data) to DRBD: room for the
     * metadata, a slot free on both nodes, the backup prepared ({@code replica_prepare}), the
     * resource file here, {@code create-md}, {@code up}, connected, Primary. A BLANK volume on
     * thin LVs on both nodes skips the initial sync (both read zeros everywhere: {@code
     * new-current-uuid --clear-bitmap <res>/0}); anything else is sent in full in the background
     * ({@code primary --force}: this copy is declared the good one).
     *
     * @return the model update: {@code replication_status} and {@code replication_driver_data}
     */
    public Map<String, Object> replicate(VolumeRef volume, Content content) throws DriverException {
        String res = resource(volume);
        long started = System.nanoTime();
        boolean prepared = false;
        DrbdSlot slot;
        try {
            vg.growTo(res, backingBytes(volume.sizeGb()));
            ReplicaFacts backup = peer.state(volume.id(), res);
            slot = ports.allocate(res, backup.usedPorts(), backup.usedMinors());
            LOG.info("Volume {}: replicating {} to {} ({} at {}), port {}, minor {}, protocol {}, {}", volume.id(), res,
                    peer.backendId(), backup.hostname(), backup.address(), slot.port(), slot.minor(), settings.protocol(), content);
            if (!backup.address().equals(settings.peerAddress())) {
                throw new ReplicaPeerException(peer.backendId(), "replica_state", "the backup answers with address "
                        + backup.address() + " but replication_device says ip:" + settings.peerAddress(), null);
            }
            DrbdHost self = new DrbdHost(settings.hostname(), settings.address(), vg.localPath(res));
            ReplicaRequest request = new ReplicaRequest(volume.id(), res, volume.sizeGb(), slot, settings.protocol(),
                    settings.resyncRateKib(), self);
            prepared = true;   // from here on a failure may have left something on the backup
            ReplicaSide side = peer.prepare(request);
            DrbdResourceConfig config = new DrbdResourceConfig(res, slot.minor(), slot.port(), settings.protocol(),
                    settings.resyncRateKib(), self, side.host(), Optional.of(DrbdResourceConfig.FENCE_HANDLER));
            drbd.writeResourceFile(config, drbd.dialect());
            drbd.createMetadata(res);
            drbd.up(res);
            DrbdResourceState connected = awaitConnected(volume, res);
            boolean skipSync = content == Content.BLANK && side.thin() && side.fresh() && thinHere(res);
            if (skipSync) {
                // Both LVs are fresh thin LVs: every block reads zeros on both nodes, so they are
                // already identical and a full sync would only copy zeros. Thick LVs hold whatever
                // earlier volumes left in their extents, and must be synced.
                drbd.skipInitialSync(res);
                try {
                    drbd.primary(res);
                } catch (DrbdNoUpToDateDataException e) {
                    // Not UpToDate after all: send everything rather than fail the volume.
                    LOG.warn("Volume {}: {} is not UpToDate after skipping the initial sync ({}); syncing in full",
                            volume.id(), res, e.getMessage());
                    skipSync = false;
                    drbd.forcePrimary(res);
                }
            } else {
                drbd.forcePrimary(res);
            }
            LOG.info("Volume {}: {} is Primary here and replicated to {} ({}; {}; {} ms)", volume.id(), config.device(),
                    peer.backendId(), skipSync ? "initial sync skipped: both copies are blank thin LVs"
                            : "full sync from this node running in the background", connected.describe(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (DriverException | RuntimeException e) {
            undo(volume, res, prepared, e);
            if (e instanceof DriverException de) {
                throw new DriverException(de.cinderError(), "Volume " + volume.id() + " could not be replicated to "
                        + peer.backendId() + " (what was made for it is removed on both nodes): " + de.getMessage(), de);
            }
            throw e;
        }
        return modelUpdate(slot);
    }

    /** {@code replication_status} and {@code replication_driver_data} (varchar(255): a short JSON). */
    private Map<String, Object> modelUpdate(DrbdSlot slot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replication_status", createdStatus);
        m.put("replication_driver_data", "{\"backend_id\": \"" + peer.backendId() + "\", \"port\": " + slot.port()
                + ", \"minor\": " + slot.minor() + "}");
        return m;
    }

    private boolean thinHere(String res) throws DriverException {
        return vg.find(res).map(lv -> lv.isThin()).orElse(false);
    }

    /** Waits until the resource's one connection is Connected; fails with the last state seen. */
    private DrbdResourceState awaitConnected(VolumeRef volume, String res) throws DriverException {
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        while (true) {
            Optional<DrbdResourceState> state = drbd.currentState(res);
            Optional<DrbdPeer> p = state.flatMap(DrbdResourceState::onlyPeer);
            if (p.isPresent() && p.get().connection() == DrbdConnectionState.CONNECTED) {
                return state.get();
            }
            if (System.nanoTime() > deadline) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "volume " + volume.id() + ": " + res + " did not connect to "
                        + peer.backendId() + " within " + settings.connectTimeout().toSeconds() + " s (last state: "
                        + state.map(DrbdResourceState::describe).orElse("down") + ")");
            }
            try {
                pause.sleep(CONNECT_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "interrupted waiting for " + res + " to connect", e);
            }
        }
    }

    /** Removes what {@link #replicate} made here and on the backup; failures are added to {@code failure}. */
    private void undo(VolumeRef volume, String res, boolean prepared, Exception failure) {
        LOG.warn("Volume {}: replication set-up failed ({}); removing the DRBD resource here{}", volume.id(), failure.getMessage(),
                prepared ? " and the replica on " + peer.backendId() : "");
        try {
            if (drbd.currentState(res).isPresent()) {
                drbd.down(res);
            }
        } catch (DriverException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            drbd.deleteResourceFile(res);
        } catch (DriverException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        ports.release(res);
        if (prepared) {
            try {
                peer.remove(volume.id(), res);
            } catch (DriverException | RuntimeException e) {
                LOG.error("Volume {}: the replica on {} could not be removed ({}); it holds no data of use and can be removed"
                        + " with `drbdadm down {}` and `lvremove` there", volume.id(), peer.backendId(), e.getMessage(), res);
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * Grows a replicated volume: this node's LV, the backup's LV ({@code replica_resize}), then
     * {@code drbdadm resize} (which needs both backing disks grown, and moves the metadata to the
     * new end). The new area is synced in the background.
     */
    public void extend(VolumeRef volume, int newSizeGb) throws DriverException {
        String res = resource(volume);
        vg.growTo(res, backingBytes(newSizeGb));
        peer.resize(volume.id(), res, newSizeGb);
        drbd.resize(res);
        LOG.info("Volume {}: {} extended to {} GiB on both nodes", volume.id(), res, newSizeGb);
    }

    /**
     * Takes the backup's snapshot of a volume whose snapshot this node has just taken
     * ({@code replica_snapshot}), so that the snapshot survives a failover. Best effort: the
     * snapshot is good on this node whatever happens here, and a volume whose backup is away must
     * still be snapshotted. Only asked while this node's resource is Connected with both copies
     * UpToDate (a copy that misses writes must not be snapshotted, and a backup that is down
     * would only make the caller wait); otherwise, or when the backup refuses, the snapshot stays
     * on this node only, as the log says, and a failover makes it {@code error}.
     *
     * @return whether the backup has the snapshot
     */
    public boolean snapshot(VolumeRef volume, String snapshotId) throws DriverException {
        String res = resource(volume);
        DrbdHealth health = DrbdHealth.of(res, drbd.currentState(res));
        if (health.kind() != DrbdHealth.Kind.UP_TO_DATE) {
            LOG.warn("Volume {}: snapshot {} is on this node only: {} is not in sync with {} ({}); a failover will leave"
                    + " the snapshot in error", volume.id(), snapshotId, res, peer.backendId(), health.evidence());
            return false;
        }
        try {
            peer.snapshot(volume.id(), res, snapshotId);
            LOG.info("Volume {}: snapshot {} taken on both nodes ({} too)", volume.id(), snapshotId, peer.backendId());
            return true;
        } catch (DriverException e) {
            LOG.warn("Volume {}: snapshot {} is on this node only: {} did not take its copy ({}); a failover will leave"
                    + " the snapshot in error", volume.id(), snapshotId, peer.backendId(), e.getMessage());
            return false;
        }
    }

    /**
     * Removes the backup's snapshot ({@code replica_snapshot_remove}, idempotent). It must
     * succeed, like a volume's delete: a snapshot left on the backup would keep the volume's old
     * data and its space, and a failed delete leaves the snapshot error_deleting, to be deleted again.
     */
    public void removeSnapshot(VolumeRef volume, String snapshotId) throws DriverException {
        peer.removeSnapshot(volume.id(), snapshotId);
        LOG.info("Volume {}: snapshot {} removed from {}", volume.id(), snapshotId, peer.backendId());
    }

    /**
     * Ends the volume's replication before its LV is removed: {@code drbdadm down} here, the replica
     * removed on the backup ({@code replica_remove}, which must succeed: a replica left behind
     * would hold the volume's data and its slot), the resource file deleted (its slot free).
     * A volume without a resource file here (its creation failed and was undone) only gets a
     * best-effort {@code replica_remove}.
     */
    public void delete(VolumeRef volume) throws DriverException {
        String res = resource(volume);
        if (!drbd.files().exists(res)) {
            try {
                peer.remove(volume.id(), res);
            } catch (DriverException e) {
                LOG.warn("Volume {}: no DRBD resource here; removing a possible leftover replica on {} failed: {}", volume.id(),
                        peer.backendId(), e.getMessage());
            }
            return;
        }
        downHereAndRemoveReplica(volume, res);
        drbd.deleteResourceFile(res);
        ports.release(res);
        LOG.info("Volume {}: replication ended, {} down on both nodes, replica removed from {}", volume.id(), res, peer.backendId());
    }

    /**
     * Ends a volume's replication and keeps its data (a retype to a type without replication):
     * {@code drbdadm down} here, the replica removed on the backup, DRBD's metadata wiped from the
     * LV's tail (so a later replication starts afresh), the resource file and slot freed. The LV
     * keeps the few MiB the metadata took behind the volume's data.
     */
    public Map<String, Object> unreplicate(VolumeRef volume) throws DriverException {
        String res = resource(volume);
        if (!drbd.files().exists(res)) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "volume " + volume.id() + " has no DRBD resource "
                    + res + " here: it is not replicated from this node");
        }
        downHereAndRemoveReplica(volume, res);
        drbd.wipeMetadata(res);
        drbd.deleteResourceFile(res);
        ports.release(res);
        LOG.info("Volume {}: replication to {} ended (retype); {} is a plain LV again, its data kept", volume.id(),
                peer.backendId(), res);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replication_status", "disabled");
        m.put("replication_driver_data", null);
        return m;
    }

    /** {@code drbdadm down} here (if up), then the replica removed on the backup, which must succeed. */
    private void downHereAndRemoveReplica(VolumeRef volume, String res) throws DriverException {
        if (drbd.currentState(res).isPresent()) {
            drbd.down(res);
        }
        peer.remove(volume.id(), res);
    }

    private static String resource(VolumeRef volume) throws DriverException {
        return LvmNames.volume(volume.nameId());
    }
}
