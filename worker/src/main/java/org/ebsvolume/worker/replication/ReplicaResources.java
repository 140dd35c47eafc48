package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdPeer;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.lvm.LogicalVolume;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.jobs.failover.PrimaryLease;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        Map<String, Map<String, Object>> own = Map.of();
        try {
            servedElsewhere = identityServedElsewhere();
            own = ownVolumeRows();
            lease.renewed(now);
            witness = true;
        } catch (SQLException | RuntimeException e) {
            witness = false;
            LOG.warn("DRBD health: Cinder's database (the witness) cannot be read: {}", e.getMessage());
        }
        for (String res : drbd.files().readSlots().keySet()) {
            Optional<DrbdResourceState> state = drbd.currentState(res);
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
    private void guardPrimary(String res, DrbdResourceState state, Map<String, Object> row, boolean witness, Instant now)
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
        String marker = row == null ? null : (String) row.get("replication_extended_status");
        boolean marked = marker != null && marker.startsWith(OUTDATED);
        if (connected) {
            if (suspended.remove(res)) {
                drbd.resumeIo(res);
                LOG.warn("DRBD resource {}: the backup is connected again; I/O resumed", res);
            }
            boolean peerUpToDate = peer.get().devices().values().stream().allMatch(d -> d.peerDisk() == DrbdDiskState.UP_TO_DATE);
            if (witness && marked && peerUpToDate) {
                db.update("UPDATE volumes SET replication_extended_status = NULL WHERE id = ? AND replication_extended_status LIKE ?",
                        row.get("id"), OUTDATED + "%");
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
            int n = db.update("UPDATE volumes SET replication_extended_status = ? WHERE id = ? AND deleted = 0 "
                    + "AND replication_status = 'enabled'", OUTDATED + " since " + now, row.get("id"));
            marked = n == 1;
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
    private Map<String, Map<String, Object>> ownVolumeRows() throws SQLException {
        Map<String, Map<String, Object>> rows = new java.util.LinkedHashMap<>();
        for (Map<String, Object> v : tables.volumesOfBackendByReplication(ownServiceHost, List.of("enabled", "failing-over", "failed-over"))) {
            String res = PeerFailover.resource(v);
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
