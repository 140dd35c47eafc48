package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdFenceAnswer;
import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdPeer;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.lvm.LogicalVolume;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.jobs.failover.PrimaryLease;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.db.ServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This host's DRBD resources across restarts, and their health: every {@code ebs-*.res} file
 * here is a resource that must be up (a reboot leaves them down); this host's own volumes are
 * Primary here while it serves its own identity, and Secondary (re-synced from the backup, its
 * own late writes discarded) while the backup serves it after a failover.
 *
 * <p>The health check ({@link #check}, a Quartz task) logs every change of a resource's health
 * with DRBD's own words, and repairs the two states a failover leaves behind: the returning
 * primary's copy split-brained against the promoted backup (it discards its own data and
 * reconnects), and the promoted side standing alone after that (it reconnects).
 */
public final class ReplicaResources {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaResources.class);

    private final String ownServiceHost;
    private final CinderDatabase db;
    private final ServiceTable services;
    private final ResourceTables tables;
    private final DrbdAdm drbd;
    private final LvmVolumeGroup vg;
    private final Map<String, String> lastHealth = new ConcurrentHashMap<>();
    /** Resources whose I/O this process suspended. */
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();
    private final PrimaryLease lease;

    /** The marker a primary writing alone leaves in volumes.replication_extended_status (the backup reads it). */
    public static final String OUTDATED = "outdated-peer";

    public ReplicaResources(String ownServiceHost, CinderDatabase db, DrbdAdm drbd, LvmVolumeGroup vg, PrimaryLease lease) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.ownServiceHost = Objects.requireNonNull(ownServiceHost, "ownServiceHost");
        this.db = Objects.requireNonNull(db, "db");
        this.services = new ServiceTable(db);
        this.tables = new ResourceTables(db);
        this.drbd = Objects.requireNonNull(drbd, "drbd");
        this.vg = Objects.requireNonNull(vg, "vg");
    }

    /** Runs when the health task finds this host's identity served elsewhere (see {@link #whenServedElsewhere}). */
    private volatile Runnable servedElsewhereAction = () -> { };

    /**
     * What to do when the witness says another host serves this host's identity while this
     * process may still serve it: a take-over happened while this host was cut off from the
     * witness. Its RPC queues and heartbeat must go, or two hosts would answer for one identity.
     */
    public void whenServedElsewhere(Runnable action) {
        this.servedElsewhereAction = Objects.requireNonNull(action, "action");
    }

    /** Whether another host serves this host's identity now (Cinder's row says failed-over to a target). */
    public boolean identityServedElsewhere() throws SQLException {
        return services.find(ownServiceHost).map(r -> "failed-over".equals(r.replicationStatus())
                && r.activeBackendId() != null && !r.activeBackendId().isEmpty()).orElse(false);
    }

    /** Every resource file here brought up (a resource that is up already is left alone). */
    public void bringUp() throws DriverException {
        for (String res : drbd.files().readSlots().keySet()) {
            try {
                if (drbd.currentState(res).isEmpty()) {
                    // The backing LV must be active; after a reboot LVM's autoactivation may not have run yet.
                    Optional<LogicalVolume> lv = vg.find(res);
                    if (lv.isPresent() && !lv.get().isActive()) {
                        vg.activate(res);
                    }
                    drbd.up(res);
                    LOG.info("DRBD resource {} brought up (it was down: this host restarted)", res);
                }
            } catch (DriverException e) {
                LOG.error("DRBD resource {} could not be brought up: {}", res, e.getMessage());
            }
        }
    }

    /**
     * This host serves its own identity: its replicated volumes become Primary here. A resource
     * whose peer is Primary is left Secondary and reported: two Primaries are never made.
     */
    public void promoteOwnVolumes() throws SQLException {
        for (String res : ownResources()) {
            try {
                Optional<DrbdResourceState> state = drbd.currentState(res);
                if (state.isPresent() && state.get().role() != DrbdRole.PRIMARY) {
                    drbd.primary(res);
                    LOG.info("DRBD resource {} is Primary here again", res);
                }
            } catch (DriverException e) {
                LOG.error("DRBD resource {} of this host could not be made Primary ({}); it is left Secondary", res, e.getMessage());
            }
        }
    }

    /**
     * The backup serves this host's identity: this host's copies are Secondary and take the
     * backup's data; writes that reached only this copy before the failover are discarded (they
     * were never acknowledged under protocol C).
     */
    public void rejoinAsSecondary() throws SQLException {
        for (String res : ownResources()) {
            try {
                Optional<DrbdResourceState> state = drbd.currentState(res);
                if (state.isEmpty()) {
                    continue;
                }
                if (state.get().role() == DrbdRole.PRIMARY) {
                    drbd.secondary(res);
                }
                LOG.warn("DRBD resource {}: this host's identity is served by its backup; rejoining as Secondary ({})", res,
                        state.get().describe());
            } catch (DriverException e) {
                LOG.error("DRBD resource {} could not rejoin as Secondary: {}", res, e.getMessage());
            }
        }
    }

    /**
     * The health task: logs changes, guards this host's own Primary copies (below), and repairs
     * a split brain a failover left (see class comment).
     */
    public void check(Instant now) throws DriverException {
        boolean witness;
        boolean servedElsewhere = false;
        Map<String, VolumeRow> own = Map.of();
        try {
            servedElsewhere = identityServedElsewhere();
            own = ownVolumeRows();
            lease.renewed(now);
            witness = true;
        } catch (SQLException | RuntimeException e) {
            witness = false;
            LOG.warn("DRBD health: Cinder's database (the witness) cannot be read: {}", e.getMessage());
        }
        if (servedElsewhere) {
            servedElsewhereAction.run();
        }
        Set<String> resources = drbd.files().readSlots().keySet();
        // One events2 dump per round for all of them, not one process per volume.
        Map<String, DrbdResourceState> kernel = resources.isEmpty() ? Map.of() : drbd.currentStates();
        for (String res : resources) {
            Optional<DrbdResourceState> state = Optional.ofNullable(kernel.get(res));
            DrbdHealth health = DrbdHealth.of(res, state);
            String described = health.kind() + " " + state.map(DrbdResourceState::describe).orElse("down");
            String before = lastHealth.put(res, described);
            if (!described.equals(before)) {
                LOG.info("DRBD health of {}: {}", res, described);
            }
            if (state.isEmpty()) {
                continue;
            }
            try {
                if (state.get().role() == DrbdRole.PRIMARY && (own.containsKey(res) || !witness || suspended.contains(res))) {
                    guardPrimary(res, state.get(), own.get(res), witness, now);
                }
                if (witness) {
                    repairAfterFailover(res, state.get(), own.containsKey(res), servedElsewhere);
                }
            } catch (DriverException | SQLException e) {
                LOG.error("DRBD resource {}: {}", res, e.getMessage());
            }
        }
    }

    /**
     * A Primary copy of this host whose backup is not connected writes alone: the backup's copy
     * no longer holds every acknowledged write. Before that may go on, the witness must say so
     * ({@code replication_extended_status = 'outdated-peer ...'}, a conditional update that
     * loses against a take-over that claimed the volume first), so the backup never promotes the
     * stale copy. If the backup claimed the volume, or the witness has been out of reach longer
     * than the lease ({@link PrimaryLease}: half of service_down_time, while the backup waits for
     * the whole), I/O is suspended here: never two primaries.
     */
    private void guardPrimary(String res, DrbdResourceState state, VolumeRow row, boolean witness, Instant now)
            throws DriverException, SQLException {
        if (row == null && witness) {
            // A copy this host serves for a taken-over peer: the witness is back, so is the lease.
            if (suspended.remove(res)) {
                drbd.resumeIo(res);
                LOG.warn("DRBD resource {}: the witness answers again; I/O resumed", res);
            }
            return;
        }
        Optional<DrbdPeer> peer = state.onlyPeer();
        boolean connected = peer.map(p -> p.connection() == DrbdConnectionState.CONNECTED).orElse(false);
        String marker = row == null ? null : row.replicationExtendedStatus();
        boolean marked = marker != null && marker.startsWith(OUTDATED);
        if (connected) {
            if (suspended.remove(res)) {
                drbd.resumeIo(res);
                LOG.warn("DRBD resource {}: the backup is connected again; I/O resumed", res);
            }
            boolean peerUpToDate = peer.get().devices().values().stream().allMatch(d -> d.peerDisk() == DrbdDiskState.UP_TO_DATE);
            if (witness && marked && peerUpToDate) {
                db.update("UPDATE volumes SET replication_extended_status = NULL WHERE id = ? AND replication_extended_status LIKE ?",
                        row.id(), OUTDATED + "%");
                LOG.info("DRBD resource {}: the backup's copy is UpToDate again; the outdated mark is cleared", res);
            }
            return;
        }
        if (!witness) {
            if (!lease.mayWriteAlone(now) && suspended.add(res)) {
                drbd.suspendIo(res);
                LOG.error("DRBD resource {}: no backup and no witness for {} s (lease {} s): I/O SUSPENDED here, so that a"
                                + " take-over by the backup can never make two primaries ({})", res,
                        java.time.Duration.between(lease.lastWitnessContact(), now).toSeconds(), lease.validity().toSeconds(),
                        state.describe());
            }
            return;
        }
        if (!marked) {
            marked = markPeerOutdated(row.id(), now);
            if (marked) {
                LOG.warn("DRBD resource {}: the backup is not connected ({}); its copy is marked outdated in Cinder's database"
                        + " and will not be promoted; writing alone until it re-syncs", res, state.describe());
            }
        }
        if (marked) {
            if (suspended.remove(res)) {
                drbd.resumeIo(res);
                LOG.warn("DRBD resource {}: the witness holds the outdated mark; I/O resumed", res);
            }
        } else if (suspended.add(res)) {
            drbd.suspendIo(res);
            LOG.error("DRBD resource {}: the backup claimed this volume in Cinder's database (a take-over); I/O SUSPENDED here,"
                    + " this copy must not be written any more", res);
        }
    }

    /**
     * The witness records that the backup's copy of a volume misses writes from {@code now} on, so
     * that no take-over promotes it. Conditional: it loses against a take-over that claimed the
     * volume first ({@code replication_status} no longer {@code enabled}); the take-over's claim
     * in turn loses against the mark (PeerFailover), so exactly one side may write.
     */
    private boolean markPeerOutdated(String volumeId, Instant now) throws SQLException {
        return db.update("UPDATE volumes SET replication_extended_status = ? WHERE id = ? AND deleted = 0 "
                + "AND replication_status = 'enabled'", OUTDATED + " since " + now, volumeId) == 1;
    }

    /**
     * Answers every fence-peer question DRBD's handler left in {@code spool} (see
     * {@link #fencePeer}); a question the witness cannot decide now stays for the next run, and
     * its resource's I/O stays frozen meanwhile.
     */
    public void answerFenceRequests(DrbdFenceSpool spool, Instant now) throws IOException {
        for (String res : spool.pending()) {
            Optional<DrbdFenceAnswer> answer = fencePeer(res, now);
            if (answer.isPresent()) {
                spool.answer(res, answer.get());
                fenceWaits.remove(res);
            }
        }
    }

    /** Resources whose fence-peer question waits for the witness, since when (logged once). */
    private final Map<String, Instant> fenceWaits = new ConcurrentHashMap<>();

    /**
     * The answer to DRBD's fence-peer handler for {@code res}: may this copy write (or be
     * promoted) while it cannot reach its peer? Two storage hosts cannot tell a dead peer from a
     * cut link, so the witness decides:
     * <ul>
     *   <li>this host's own volume, still {@code enabled}: the backup's copy is marked outdated in
     *       the witness ({@link #markPeerOutdated}); once the mark holds, {@code PEER_OUTDATED}
     *       (I/O resumes: writing alone is safe, the backup will not be promoted);</li>
     *   <li>this host's own volume the backup claimed (a take-over): {@code PEER_PRIMARY}, the I/O
     *       stays frozen (this copy is stale from now on);</li>
     *   <li>a peer's volume this host claimed in the witness (its take-over is promoting it):
     *       {@code PEER_FENCED}: the claim is the fence, the old primary cannot mark any more;</li>
     *   <li>a peer's volume nobody claimed: {@code REFUSED}, its primary may be alive;</li>
     *   <li>no such volume in Cinder (deleted): {@code PEER_DOWN}, nothing will promote the other copy.</li>
     * </ul>
     * Empty while the witness cannot be read: no answer, the handler waits, I/O stays frozen.
     */
    public Optional<DrbdFenceAnswer> fencePeer(String res, Instant now) {
        DrbdFenceAnswer answer;
        String evidence;
        try {
            if (!res.startsWith("volume-") || !drbd.files().exists(res)) {
                LOG.error("DRBD fence-peer for {}: no such resource of this host; refused", res);
                return Optional.of(DrbdFenceAnswer.REFUSED);
            }
            Optional<VolumeRow> row = tables.volumeByStorageName(res.substring("volume-".length())).map(VolumeRow::of);
            if (row.isEmpty()) {
                answer = DrbdFenceAnswer.PEER_DOWN;
                evidence = "no volume in Cinder's database uses it (deleted); nothing will promote its other copy";
            } else {
                VolumeRow v = row.get();
                boolean own = v.servedBy(ownServiceHost);
                ReplicationStatus status = v.replicationStatus();
                String marker = v.replicationExtendedStatus();
                boolean claimed = status == ReplicationStatus.FAILING_OVER || status == ReplicationStatus.FAILED_OVER;
                evidence = "volume " + v.id() + " of " + v.host() + ", replication_status " + status
                        + (marker == null ? "" : ", " + marker);
                if (own && status == ReplicationStatus.ENABLED) {
                    boolean marked = (marker != null && marker.startsWith(OUTDATED)) || markPeerOutdated(v.id(), now);
                    if (marked) {
                        answer = DrbdFenceAnswer.PEER_OUTDATED;
                        evidence += "; the backup's copy is marked outdated in the witness: writing alone";
                    } else {
                        answer = DrbdFenceAnswer.PEER_PRIMARY;
                        evidence += "; the mark lost: the backup claimed the volume first";
                    }
                } else if (own && claimed) {
                    answer = DrbdFenceAnswer.PEER_PRIMARY;
                    evidence += "; the backup took this volume over: this copy must not write";
                } else if (!own && claimed) {
                    answer = DrbdFenceAnswer.PEER_FENCED;
                    evidence += "; this host's take-over claim in the witness fences the old primary";
                } else {
                    answer = DrbdFenceAnswer.REFUSED;
                    evidence += own ? "; not replicating" : "; nobody claimed it: its primary may be alive";
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (fenceWaits.putIfAbsent(res, now) == null) {
                LOG.error("DRBD fence-peer for {}: the witness cannot be asked ({}); no answer, so its I/O stays frozen"
                        + " (and no promotion) until it can", res, e.getMessage());
            }
            return Optional.empty();
        }
        if (answer.allowsWriting()) {
            LOG.warn("DRBD fence-peer for {}: answered {} (exit {}): {}", res, answer, answer.exitCode(), evidence);
        } else {
            LOG.error("DRBD fence-peer for {}: answered {} (exit {}), I/O stays frozen / no promotion: {}", res, answer,
                    answer.exitCode(), evidence);
        }
        return Optional.of(answer);
    }

    private void repairAfterFailover(String res, DrbdResourceState state, boolean own, boolean servedElsewhere) throws DriverException {
        boolean standAlone = state.onlyPeer().map(p -> p.connection() == DrbdConnectionState.STAND_ALONE).orElse(false);
        if (!standAlone) {
            return;
        }
        if (state.role() == DrbdRole.SECONDARY && own && servedElsewhere) {
            LOG.warn("DRBD resource {}: split brain after a failover; this host's copy is the stale one and "
                    + "reconnects discarding its own data (the backup's copy is in use)", res);
            drbd.disconnect(res);
            drbd.connectDiscardingMyData(res);
        } else if (state.role() == DrbdRole.PRIMARY) {
            LOG.warn("DRBD resource {}: Primary here and standing alone; connecting so the peer can re-sync", res);
            drbd.connect(res);
        }
    }

    /** This host's own replicated volumes that have a resource file here, by resource name. */
    private Map<String, VolumeRow> ownVolumeRows() throws SQLException {
        Map<String, VolumeRow> rows = new java.util.LinkedHashMap<>();
        for (VolumeRow v : tables.volumeRowsByReplication(ownServiceHost,
                List.of(ReplicationStatus.ENABLED, ReplicationStatus.FAILING_OVER, ReplicationStatus.FAILED_OVER))) {
            String res = v.name();
            if (drbd.files().exists(res)) {
                rows.put(res, v);
            }
        }
        return rows;
    }

    private java.util.Collection<String> ownResources() throws SQLException {
        return ownVolumeRows().keySet();
    }
}
