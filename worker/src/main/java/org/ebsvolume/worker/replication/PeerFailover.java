package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdPeer;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.lvm.LvmNames;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.jobs.failover.FailoverDecision;
import org.ebsvolume.jobs.failover.FailoverEvidence;
import org.ebsvolume.jobs.failover.PeerWatch;
import org.ebsvolume.jobs.failover.ReplicaView;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;
import org.ebsvolume.worker.db.VolumeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * This host as the backup of one peer: the evidence the failover policy decides on, and the
 * take-over itself. Design (docs/replication.md, "Failover"): the backup takes over the dead
 * primary's Cinder identity. It promotes the primary's volumes here, records the failover in
 * Cinder's database as {@code failover_host} would, and then serves {@code <peer>@<backend>}
 * from this process (its services row heartbeat, its RPC topics), so every volume still names a
 * live host and attach, detach and the replication API keep working without an operator.
 *
 * <p>The witness is Cinder's database: the primary's heartbeat is its {@code report_count} there,
 * aged on this host's clock (not the primary's {@code updated_at}, which the primary stamps with
 * its own clock), and every volume is claimed there ({@code enabled -> failing-over}, a conditional update) before it is
 * promoted, so a primary that marked its backup outdated wins over a late take-over.
 */
public final class PeerFailover {

    private static final Logger LOG = LoggerFactory.getLogger(PeerFailover.class);

    /** Starts serving the peer's Cinder identity in this process (heartbeat, RPC servers). */
    @FunctionalInterface
    public interface IdentityServer {
        void serve(String peerServiceHost) throws Exception;
    }

    /**
     * @param peerServiceHost  the peer's Cinder service host, {@code <host>@<backend>}
     * @param ownBackendId     this host's {@code backend_id}: the {@code active_backend_id} after a take-over
     * @param serviceDownTime  Cinder's {@code service_down_time}
     */
    public record Settings(String peerServiceHost, String ownBackendId, Duration serviceDownTime) {
        public Settings {
            Objects.requireNonNull(peerServiceHost, "peerServiceHost");
            Objects.requireNonNull(ownBackendId, "ownBackendId");
            Objects.requireNonNull(serviceDownTime, "serviceDownTime");
        }
    }

    private final Settings settings;
    private final CinderDatabase db;
    private final DrbdAdm drbd;
    private final LvmVolumeGroup vg;
    private final IdentityServer identity;
    private final ServiceTable services;
    private final ResourceTables tables;
    /** The peer's last report_count seen, and when (this host's clock): the heartbeat's age. */
    private volatile Integer lastReportCount;
    private volatile Instant lastReportSeen;

    public PeerFailover(Settings settings, CinderDatabase db, DrbdAdm drbd, LvmVolumeGroup vg, IdentityServer identity) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.db = Objects.requireNonNull(db, "db");
        this.vg = Objects.requireNonNull(vg, "vg");
        this.drbd = Objects.requireNonNull(drbd, "drbd");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.services = new ServiceTable(db);
        this.tables = new ResourceTables(db);
    }

    /** The Quartz task: look, decide, take over once. */
    public PeerWatch watch() {
        return new PeerWatch(settings.peerServiceHost(), this::evidence, this::takeOver);
    }

    /**
     * One look: the witness's clock and the peer's heartbeat from Cinder's database (a failure
     * to read them is "witness unreachable"), and DRBD's view here of every replicated volume of
     * the peer that has a resource on this host.
     */
    public FailoverEvidence evidence(Instant localNow) {
        boolean witness;
        List<VolumeRow> volumes = List.of();
        try {
            Integer count = services.find(settings.peerServiceHost()).map(ServiceRow::reportCount).orElse(null);
            if (!java.util.Objects.equals(count, lastReportCount) || lastReportSeen == null) {
                lastReportCount = count;
                lastReportSeen = localNow;
            }
            volumes = replicatedVolumesOfPeer();
            witness = true;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Failover watch of {}: the witness (Cinder's database) cannot be read: {}", settings.peerServiceHost(), e.getMessage());
            witness = false;
        }
        // The heartbeat's age on this host's clock: when its report_count last moved, as seen here.
        // The primary stamps updated_at with its own clock, which may run ahead or behind.
        Optional<Instant> heartbeat = Optional.ofNullable(lastReportSeen);
        Instant now = localNow;
        List<ReplicaView> replicas = new ArrayList<>();
        Map<String, DrbdResourceState> kernel = null;   // read once per round, when a replica is here
        for (VolumeRow v : volumes) {
            String res = v.name();
            if (!drbd.files().exists(res)) {
                continue;   // replicated elsewhere, or not yet prepared here
            }
            if (kernel == null) {
                try {
                    kernel = drbd.currentStates();
                } catch (DriverException e) {
                    LOG.warn("Failover watch of {}: DRBD state unreadable: {}", settings.peerServiceHost(), e.getMessage());
                    kernel = Map.of();   // every replica counts as neither connected nor UpToDate
                }
            }
            Optional<DrbdResourceState> state = Optional.ofNullable(kernel.get(res));
            boolean connected = state.flatMap(DrbdResourceState::onlyPeer).map(PeerFailover::connected).orElse(false);
            boolean upToDate = state.flatMap(DrbdResourceState::device).map(d -> d.disk() == DrbdDiskState.UP_TO_DATE).orElse(false);
            String extended = v.replicationExtendedStatus();
            boolean outdated = extended != null && extended.startsWith("outdated");
            replicas.add(new ReplicaView(v.id(), connected, upToDate, outdated));
        }
        return new FailoverEvidence(now, witness, heartbeat, settings.serviceDownTime(), false, replicas);
    }

    /** A live link: DRBD says Connected (a resync running over it is Connected too, with a replication state). */
    private static boolean connected(DrbdPeer peer) {
        DrbdConnectionState c = peer.connection();
        return c == DrbdConnectionState.CONNECTED;
    }

    /**
     * Promotes what the policy decided, records the failover in Cinder's database (the volumes,
     * then the peer's services row: {@code failed-over}, {@code active_backend_id} this host,
     * disabled and frozen as the manual procedure leaves it), then serves the peer's identity.
     */
    public void takeOver(FailoverDecision decision) throws Exception {
        long started = System.nanoTime();
        List<String> promoted = promoteAll(decision.promote());
        for (String id : decision.withheld()) {
            LOG.error("Failover of {}: volume {} is NOT promoted: its copy here misses acknowledged writes (not UpToDate,"
                    + " or outdated by the primary); it stays on {} and is marked error until that host returns",
                    settings.peerServiceHost(), id, settings.peerServiceHost());
            failVolume(id, "failover-error");
        }
        for (Map<String, Object> v : unreplicatedVolumesOfPeer()) {
            String id = (String) v.get("id");
            LOG.warn("Failover of {}: volume {} is not replicated; it is lost with its host and set to error", settings.peerServiceHost(), id);
            failVolume(id, "not-capable");
        }
        Optional<ServiceRow> peer = services.find(settings.peerServiceHost());
        if (peer.isPresent()) {
            Map<String, Object> updates = new java.util.LinkedHashMap<>();
            updates.put("replication_status", "failed-over");
            updates.put("active_backend_id", settings.ownBackendId());
            updates.put("disabled", true);
            updates.put("disabled_reason", "failed-over");
            updates.put("frozen", true);
            services.applyUpdates(peer.get().id(), updates);
        }
        identity.serve(settings.peerServiceHost());
        failSnapshotsWithoutCopyHere(db, vg, promoted, settings.peerServiceHost());
        LOG.warn("Failover of {} done: {} volume(s) promoted and served by this host as {} ({} ms; the service is frozen: "
                        + "thaw it and fail back with `cinder failover-host {} --backend_id default` once the host is back)",
                settings.peerServiceHost(), promoted.size(), settings.ownBackendId(), (System.nanoTime() - started) / 1_000_000,
                settings.peerServiceHost());
    }

    /** Promotions run side by side, this many at a time: each is mostly waiting for drbdadm and the database. */
    static final int PROMOTIONS_IN_PARALLEL = 8;

    /**
     * {@link #promote}s every volume, {@value #PROMOTIONS_IN_PARALLEL} at a time, so that the
     * last of many volumes is not served a volume count of {@code drbdadm primary} runs later.
     * Every promotion runs to its end; then the first error (a database failure) is thrown, and
     * the watch tries the take-over again.
     *
     * @return the volumes now Primary here, in the order given
     */
    private List<String> promoteAll(List<String> ids) throws Exception {
        if (ids.size() <= 1) {
            List<String> promoted = new ArrayList<>();
            for (String id : ids) {
                if (promote(id)) {
                    promoted.add(id);
                }
            }
            return promoted;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(PROMOTIONS_IN_PARALLEL, ids.size()), r -> {
                    Thread t = new Thread(r, "failover-promote-" + settings.peerServiceHost());
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (String id : ids) {
                results.add(pool.submit(() -> promote(id)));
            }
            List<String> promoted = new ArrayList<>();
            Exception first = null;
            for (int i = 0; i < ids.size(); i++) {
                try {
                    if (results.get(i).get()) {
                        promoted.add(ids.get(i));
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception c ? c : e;
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return promoted;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Claims the volume in the witness ({@code enabled -> failing-over}; a repeat after a partial
     * take-over finds it already claimed), then makes this copy Primary.
     */
    private boolean promote(String id) throws SQLException {
        int claimed = db.update("UPDATE volumes SET replication_status = 'failing-over' WHERE id = ? AND deleted = 0 "
                + "AND replication_status IN ('enabled', 'failing-over') "
                + "AND (replication_extended_status IS NULL OR replication_extended_status NOT LIKE 'outdated%')", id);
        if (claimed == 0) {
            LOG.error("Failover of {}: volume {} could not be claimed in Cinder's database (its primary marked this copy"
                    + " outdated, or it is no longer replicated); not promoted", settings.peerServiceHost(), id);
            return false;
        }
        String res = VolumeRow.of(db.query("SELECT id, _name_id FROM volumes WHERE id = ?", id).get(0)).name();
        try {
            makePrimary(drbd, res);
        } catch (DriverException e) {
            LOG.error("Failover of {}: volume {} could not be promoted here ({}): {}", settings.peerServiceHost(), id, res, e.getMessage());
            failVolume(id, "failover-error");
            return false;
        }
        db.update("UPDATE volumes SET replication_status = 'failed-over', updated_at = ? WHERE id = ?", db.now(), id);
        LOG.warn("Failover of {}: volume {} ({}) is Primary here", settings.peerServiceHost(), id, res);
        return true;
    }

    /**
     * Volumes now served from this host keep the snapshots this host holds a copy of
     * ({@code replica_snapshot} took it with the primary's); the others (taken while the backup
     * was away or out of sync) stayed on the other host and are set to {@code error}, which is
     * what they are from here: create-from-snapshot would fail, delete works. Run once the
     * identity is served; a failure here is logged and changes nothing else.
     */
    public static void failSnapshotsWithoutCopyHere(CinderDatabase db, LvmVolumeGroup vg, List<String> volumeIds, String identity) {
        if (volumeIds.isEmpty()) {
            return;
        }
        try {
            java.util.Set<String> here = new java.util.HashSet<>();
            for (var lv : vg.listVolumes()) {
                here.add(lv.name());
            }
            for (String volumeId : volumeIds) {
                for (Map<String, Object> s : db.query("SELECT id FROM snapshots WHERE volume_id = ? AND deleted = 0 AND status <> 'error'",
                        volumeId)) {
                    String snapshotId = (String) s.get("id");
                    if (!here.contains(LvmNames.snapshot(snapshotId))) {
                        db.update("UPDATE snapshots SET status = 'error', updated_at = ? WHERE id = ?", db.now(), snapshotId);
                        LOG.error("{}: snapshot {} of volume {} has no copy on this host (it was taken while the backup was away"
                                + " or out of sync); set to error", identity, snapshotId, volumeId);
                    }
                }
            }
        } catch (SQLException | DriverException | RuntimeException e) {
            LOG.error("{}: cannot tell which snapshots of its {} volume(s) have a copy on this host ({}); they are left as they are",
                    identity, volumeIds.size(), e.getMessage());
        }
    }

    /** As Cinder's manager does for a volume the failover cannot carry: error, its snapshots too. */
    private void failVolume(String id, String replicationStatus) throws SQLException {
        db.update("UPDATE volumes SET previous_status = status, status = 'error', replication_status = ?, updated_at = ? WHERE id = ?",
                replicationStatus, db.now(), id);
        db.update("UPDATE snapshots SET status = 'error', updated_at = ? WHERE volume_id = ? AND deleted = 0", db.now(), id);
    }

    /** The peer's volumes a take-over may promote: replicating, or claimed by a take-over that did not finish. */
    private List<VolumeRow> replicatedVolumesOfPeer() throws SQLException {
        return tables.volumeRowsByReplication(settings.peerServiceHost(), List.of(ReplicationStatus.ENABLED, ReplicationStatus.FAILING_OVER));
    }

    private List<Map<String, Object>> unreplicatedVolumesOfPeer() throws SQLException {
        return db.query("SELECT id FROM volumes WHERE deleted = 0 AND (host = ? OR host LIKE ?) "
                        + "AND (replication_status IS NULL OR replication_status IN ('disabled', 'not-capable')) AND status <> 'error'",
                settings.peerServiceHost(), settings.peerServiceHost() + "#%");
    }

    /**
     * At start-up: a take-over this host made before it restarted is resumed (its volumes up and
     * Primary here again, the identity served), and the watch is told so.
     *
     * @return whether this host serves the peer's identity
     */
    public boolean resumeAfterRestart(PeerWatch watch) throws Exception {
        boolean ours = services.find(settings.peerServiceHost()).map(r -> "failed-over".equals(r.replicationStatus())
                && settings.ownBackendId().equals(r.activeBackendId())).orElse(false);
        if (!ours) {
            return false;
        }
        LOG.warn("{} was failed over to this host before it restarted: promoting its volumes here again and serving it",
                settings.peerServiceHost());
        for (VolumeRow v : tables.volumeRowsByReplication(settings.peerServiceHost(), List.of(ReplicationStatus.FAILED_OVER))) {
            String res = v.name();
            try {
                makePrimary(drbd, res);
            } catch (DriverException e) {
                LOG.error("{}: volume {} ({}) could not be made Primary here again: {}", settings.peerServiceHost(), v.id(), res,
                        e.getMessage());
            }
        }
        identity.serve(settings.peerServiceHost());
        watch.markTakenOver();
        return true;
    }

    /** Up (if it is down) and Primary here (if it is not yet); never forced: DRBD refuses when the peer is Primary. */
    public static void makePrimary(DrbdAdm drbd, String res) throws DriverException {
        Optional<DrbdResourceState> state = drbd.currentState(res);
        if (state.isEmpty()) {
            drbd.up(res);
        }
        if (state.map(s -> s.role() != DrbdRole.PRIMARY).orElse(true)) {
            drbd.primary(res);
        }
    }

    public Settings settings() {
        return settings;
    }
}
