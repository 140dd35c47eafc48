package org.ebsvolume.worker.service;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.SnapshotRow;
import org.ebsvolume.worker.db.SnapshotStatus;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.db.VolumeStatus;
import org.ebsvolume.worker.replication.ReplicatedTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What {@code init_host} and the workers-table cleanup do at start-up: resources this backend left
 * in a transitional state when it stopped are resolved the way Cinder resolves them, and every
 * fix is logged. Volumes: {@code creating}/{@code downloading} → error, {@code deleting} → the
 * delete is finished, {@code uploading}/{@code attaching}/{@code detaching} → status from the
 * attachments. Snapshots: {@code creating} → error, {@code deleting} → the delete is finished.
 */
final class StartupReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(StartupReconciler.class);

    private final String backendHost;
    private final int serviceId;
    private final ResourceTables tables;
    private final VolumeDriver driver;

    StartupReconciler(String backendHost, int serviceId, ResourceTables tables, VolumeDriver driver) {
        this.backendHost = backendHost;
        this.serviceId = serviceId;
        this.tables = tables;
        this.driver = driver;
    }

    /** Statuses a crash can leave behind, per resource (Cinder's {@code _is_cleanable} and init_host). */
    private static final Set<VolumeStatus> VOLUME_TRANSITIONAL = EnumSet.of(VolumeStatus.CREATING, VolumeStatus.DELETING,
            VolumeStatus.DOWNLOADING, VolumeStatus.UPLOADING, VolumeStatus.ATTACHING, VolumeStatus.DETACHING);
    private static final Set<SnapshotStatus> SNAPSHOT_TRANSITIONAL = EnumSet.of(SnapshotStatus.CREATING, SnapshotStatus.DELETING);

    /** @return how many resources were fixed */
    int run() throws SQLException {
        int fixed = 0;
        for (VolumeRow v : tables.volumeRowsOfBackend(backendHost, VOLUME_TRANSITIONAL)) {
            fixed += fixVolume(v) ? 1 : 0;
        }
        for (SnapshotRow s : tables.snapshotRowsOfBackend(backendHost, SNAPSHOT_TRANSITIONAL)) {
            fixed += fixSnapshot(s) ? 1 : 0;
        }
        for (Map<String, Object> w : tables.workersOf(serviceId)) {
            // Whatever the row guarded has been resolved above.
            tables.releaseWorker((String) w.get("resource_type"), (String) w.get("resource_id"));
        }
        if (fixed > 0) {
            LOG.warn("Start-up cleanup of {}: {} resource(s) left in a transitional state were resolved", backendHost, fixed);
        }
        return fixed;
    }

    private boolean fixVolume(VolumeRow v) throws SQLException {
        String id = v.id();
        switch (v.status()) {
            case CREATING, DOWNLOADING -> {
                tables.updateVolume(id, Map.of("status", VolumeStatus.ERROR.column()));
                LOG.warn("Volume {} was left '{}' by a previous run: set to 'error'", id, v.status());
            }
            case DELETING -> {
                try {
                    // Under DRBD as everywhere else: a crash mid-delete of a replicated volume must
                    // not finish it as a plain LV and leave its DRBD resources on both hosts.
                    driver.deleteVolume(ReplicatedTypes.volumeRef(v, tables));
                    tables.destroyVolume(id);
                    LOG.warn("Volume {} was left 'deleting' by a previous run: delete finished", id);
                } catch (DriverException e) {
                    tables.updateVolume(id, Map.of("status", VolumeStatus.ERROR_DELETING.column()));
                    LOG.error("Volume {} was left 'deleting' and cannot be deleted: {}; set to 'error_deleting'", id, e.getMessage());
                }
            }
            case UPLOADING, ATTACHING, DETACHING -> {
                boolean attached = tables.attachmentCount(id) > 0;
                tables.updateVolume(id, attached ? Map.of("status", VolumeStatus.IN_USE.column(), "attach_status", "attached")
                        : Map.of("status", VolumeStatus.AVAILABLE.column(), "attach_status", "detached"));
                LOG.warn("Volume {} was left '{}' by a previous run: set to '{}'", id, v.status(), attached ? "in-use" : "available");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean fixSnapshot(SnapshotRow s) throws SQLException {
        String id = s.id();
        if (s.status() == SnapshotStatus.CREATING) {
            tables.updateSnapshot(id, Map.of("status", SnapshotStatus.ERROR.column()));
            LOG.warn("Snapshot {} was left 'creating' by a previous run: set to 'error'", id);
            return true;
        }
        try {
            VolumeRow volume = tables.volume(s.volumeId()).map(VolumeRow::of)
                    .orElseThrow(() -> new DriverException(CinderError.SNAPSHOT_NOT_FOUND, "its volume " + s.volumeId() + " has no row"));
            driver.deleteSnapshot(new SnapshotRef(id, ReplicatedTypes.volumeRef(volume, tables), s.volumeSizeGb(), s.providerLocation()));
            tables.destroySnapshot(id);
            LOG.warn("Snapshot {} was left 'deleting' by a previous run: delete finished", id);
        } catch (DriverException e) {
            tables.updateSnapshot(id, Map.of("status", SnapshotStatus.ERROR_DELETING.column()));
            LOG.error("Snapshot {} was left 'deleting' and cannot be deleted: {}; set to 'error_deleting'", id, e.getMessage());
        }
        return true;
    }
}
