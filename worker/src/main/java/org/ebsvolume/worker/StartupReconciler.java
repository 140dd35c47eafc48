package org.ebsvolume.worker;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.worker.db.ResourceTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Map;

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

    /** @return how many resources were fixed */
    int run() throws SQLException {
        int fixed = 0;
        for (Map<String, Object> v : tables.volumesOfBackend(backendHost, ResourceTables.VOLUME_TRANSITIONAL)) {
            fixed += fixVolume(v) ? 1 : 0;
        }
        for (Map<String, Object> s : tables.snapshotsOfBackend(backendHost, ResourceTables.SNAPSHOT_TRANSITIONAL)) {
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

    private boolean fixVolume(Map<String, Object> v) throws SQLException {
        String id = (String) v.get("id");
        String status = (String) v.get("status");
        switch (status) {
            case "creating", "downloading" -> {
                tables.updateVolume(id, Map.of("status", "error"));
                LOG.warn("Volume {} was left '{}' by a previous run: set to 'error'", id, status);
            }
            case "deleting" -> {
                try {
                    driver.deleteVolume(new VolumeRef(id, v.get("_name_id") != null ? (String) v.get("_name_id") : id,
                            v.get("size") == null ? 0 : ((Number) v.get("size")).intValue(), (String) v.get("host"),
                            (String) v.get("provider_location"), (String) v.get("provider_auth"),
                            (String) v.get("volume_type_id"), false));
                    tables.destroyVolume(id);
                    LOG.warn("Volume {} was left 'deleting' by a previous run: delete finished", id);
                } catch (DriverException e) {
                    tables.updateVolume(id, Map.of("status", "error_deleting"));
                    LOG.error("Volume {} was left 'deleting' and cannot be deleted: {}; set to 'error_deleting'", id, e.getMessage());
                }
            }
            case "uploading", "attaching", "detaching" -> {
                boolean attached = tables.attachmentCount(id) > 0;
                tables.updateVolume(id, attached ? Map.of("status", "in-use", "attach_status", "attached")
                        : Map.of("status", "available", "attach_status", "detached"));
                LOG.warn("Volume {} was left '{}' by a previous run: set to '{}'", id, status, attached ? "in-use" : "available");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean fixSnapshot(Map<String, Object> s) throws SQLException {
        String id = (String) s.get("id");
        if ("creating".equals(s.get("status"))) {
            tables.updateSnapshot(id, Map.of("status", "error"));
            LOG.warn("Snapshot {} was left 'creating' by a previous run: set to 'error'", id);
            return true;
        }
        if ("deleting".equals(s.get("status"))) {
            try {
                driver.deleteSnapshot(new org.ebsvolume.drivers.SnapshotRef(id, new VolumeRef((String) s.get("volume_id"),
                        (String) s.get("volume_id"), 0, backendHost, null, null, (String) s.get("volume_type_id"), false),
                        s.get("volume_size") == null ? 0 : ((Number) s.get("volume_size")).intValue(),
                        (String) s.get("provider_location")));
                tables.destroySnapshot(id);
                LOG.warn("Snapshot {} was left 'deleting' by a previous run: delete finished", id);
            } catch (DriverException e) {
                tables.updateSnapshot(id, Map.of("status", "error_deleting"));
                LOG.error("Snapshot {} was left 'deleting' and cannot be deleted: {}; set to 'error_deleting'", id, e.getMessage());
            }
            return true;
        }
        return false;
    }
}
