package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.SnapshotStatus;
import org.ebsvolume.worker.db.VolumeStatus;
import org.ebsvolume.worker.db.ServiceRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.ebsvolume.worker.rpc.Columns.cols;
import static org.ebsvolume.worker.rpc.RpcArguments.project;
import static org.ebsvolume.worker.rpc.RpcArguments.stringList;
import static org.ebsvolume.worker.rpc.RpcArguments.uuidArg;
import static org.ebsvolume.worker.rpc.SecondaryUpdates.uncheck;

/**
 * Cinder's volume lifecycle calls (cinder-volume-rpc 3.1): create, delete, extend, revert,
 * reimage, manage_existing, copy_volume_to_image. When the driver cannot do an operation the
 * volume ends in Cinder's error state for it, never in a transitional one.
 */
final class VolumeLifecycleCalls {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeLifecycleCalls.class);

    private final String backendName;
    private final Supplier<ServiceRow> serviceRow;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final Runnable publishCapabilities;
    private final VolumeRows rows;
    private final Quotas quotas;
    private final VolumeNotifications notifications;

    VolumeLifecycleCalls(String backendName, Supplier<ServiceRow> serviceRow, VolumeDriver driver,
                         ResourceTables tables, Notifier notifier, Runnable publishCapabilities) {
        this.backendName = backendName;
        this.serviceRow = serviceRow;
        this.driver = driver;
        this.tables = tables;
        this.publishCapabilities = publishCapabilities;
        this.rows = new VolumeRows(tables);
        this.quotas = new Quotas(tables);
        this.notifications = new VolumeNotifications(notifier);
    }

    Object createVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = rows.volume(id);
        int serviceId = serviceRow.get().id();
        tables.claimWorker("Volume", id, "creating", serviceId);
        try {
            notifications.send(ctx, "volume.create.start", row);
            Map<String, Object> model = createFromSource(ctx, row, a);
            Map<String, Object> update = new LinkedHashMap<>(model);
            String target = "migration_target_creating".equals(row.get("status")) ? "migration_target" : "available";
            update.put("status", target);
            update.put("launched_at", tables.now());
            update.put("service_uuid", serviceRow.get().uuid());
            update.put("shared_targets", false);
            tables.updateVolume(id, update);
            notifications.send(ctx, "volume.create.end", rows.volume(id));
            return id;
        } catch (DriverException e) {
            LOG.error("{} Volume {}: create failed: {}", ctx.logPrefix(), id, e.getMessage());
            tables.updateVolume(id, cols("status", VolumeStatus.ERROR));
            tables.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "008", "012");
            return id;
        } finally {
            tables.releaseWorker("Volume", id);
        }
    }

    /**
     * Makes the volume's storage from what the request names: a snapshot, a source volume, or
     * nothing (blank). The new volume inherits {@code bootable} from its source, as in Cinder.
     */
    private Map<String, Object> createFromSource(MessageContext ctx, Map<String, Object> row, ObjectNode a) throws Exception {
        String id = (String) row.get("id");
        Map<String, Object> model = new LinkedHashMap<>();
        if (row.get("snapshot_id") != null) {
            String snapshotId = (String) row.get("snapshot_id");
            Map<String, Object> snapshot = tables.snapshot(snapshotId).orElseThrow(() -> new DriverException(CinderError.SNAPSHOT_NOT_FOUND,
                    "Snapshot " + snapshotId + " could not be found."));
            LOG.info("Volume {}: creating from snapshot {}", id, snapshotId);
            model.putAll(driver.createVolumeFromSnapshot(rows.ref(row), rows.snapshotRef(snapshot)));
            tables.volume((String) snapshot.get("volume_id")).ifPresent(parent -> model.put("bootable", parent.get("bootable")));
            return model;
        }
        if (row.get("source_volid") != null) {
            String sourceId = (String) row.get("source_volid");
            Map<String, Object> source = tables.volume(sourceId).orElseThrow(() -> new DriverException(CinderError.VOLUME_NOT_FOUND,
                    "Volume " + sourceId + " could not be found."));
            LOG.info("Volume {}: cloning volume {}", id, sourceId);
            model.putAll(driver.createClonedVolume(rows.ref(row), rows.ref(source)));
            model.put("bootable", source.get("bootable"));
            return model;
        }
        JsonNode imageId = a.at("/request_spec/versioned_object.data/image_id");
        if (imageId.isTextual()) {
            model.putAll(driver.createVolume(rows.ref(row)));
            tables.updateVolume(id, cols("status", VolumeStatus.DOWNLOADING));
            Map<String, String> glance;
            try {
                glance = driver.copyImageToVolume(rows.ref(row), imageId.asText(), ctx.text("auth_token"));
            } catch (DriverException e) {
                // No half-written volume stays behind an error status.
                try {
                    driver.deleteVolume(rows.ref(row));
                } catch (DriverException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            tables.replaceGlanceMetadata(id, glance);
            model.put("bootable", true);
            return model;
        }
        String other = sourceOf(row, a);
        if (other != null) {
            // An empty volume in place of the requested content would be silent data loss.
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "creating a volume from " + other
                    + " is not supported by backend " + backendName + " yet");
        }
        model.putAll(driver.createVolume(rows.ref(row)));
        return model;
    }

    /** What the new volume must be made from, or null for a blank volume. */
    private static String sourceOf(Map<String, Object> row, ObjectNode a) {
        if (row.get("snapshot_id") != null) {
            return "snapshot " + row.get("snapshot_id");
        }
        if (row.get("source_volid") != null) {
            return "volume " + row.get("source_volid");
        }
        JsonNode spec = a.at("/request_spec/versioned_object.data");
        for (String key : List.of("image_id", "backup_id")) {
            JsonNode v = spec.get(key);
            if (v != null && !v.isNull()) {
                return key.replace("_id", "") + " " + v.asText();
            }
        }
        return null;
    }

    Object deleteVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        boolean unmanageOnly = a.path("unmanage_only").asBoolean(false);
        Optional<Map<String, Object>> found = tables.volume(id);
        if (found.isEmpty()) {
            LOG.info("{} Volume {} is already gone", ctx.logPrefix(), id);
            return null;
        }
        Map<String, Object> row = found.get();
        if ("attached".equals(row.get("attach_status"))) {
            throw CinderErrors.volumeAttached(id);
        }
        tables.claimWorker("Volume", id, "deleting", serviceRow.get().id());
        try {
            notifications.send(ctx, unmanageOnly ? "volume.unmanage.start" : "volume.delete.start", row);
            driver.removeExport(rows.ref(row));
            if (!unmanageOnly) {
                driver.deleteVolume(rows.ref(row));
            }
        } catch (DriverException e) {
            LOG.error("{} Volume {}: delete failed: {}", ctx.logPrefix(), id, e.getMessage());
            tables.updateVolume(id, cols("status", unmanageOnly ? "error_unmanaging" : "error_deleting"));
            tables.releaseWorker("Volume", id);
            throw CinderErrors.driverError(e.getMessage());
        }
        if (Quotas.usesQuota(row) && !"error_managing_deleting".equals(row.get("status"))) {
            int size = row.get("size") == null ? 0 : ((Number) row.get("size")).intValue();
            quotas.release(row, "volumes", 1, size);
        }
        tables.destroyVolume(id);
        tables.releaseWorker("Volume", id);
        notifications.send(ctx, unmanageOnly ? "volume.unmanage.end" : "volume.delete.end", row);
        LOG.info("{} Deleted volume {} successfully.", ctx.logPrefix(), id);
        publishCapabilities.run();
        return null;
    }

    Object extendVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        int newSize = a.path("new_size").asInt(-1);
        List<String> reservations = stringList(a, "reservations");
        Map<String, Object> row = rows.volume(id);
        if (newSize <= 0) {
            tables.updateVolume(id, cols("status", VolumeStatus.ERROR_EXTENDING));
            tables.rollbackReservations(reservations);
            throw CinderErrors.invalidInput("new_size must be a positive integer");
        }
        notifications.send(ctx, "volume.resize.start", row);
        try {
            driver.extendVolume(rows.ref(row), newSize);
        } catch (DriverException e) {
            LOG.error("{} Volume {}: extend to {} GiB failed: {}", ctx.logPrefix(), id, newSize, e.getMessage());
            tables.updateVolume(id, cols("status", VolumeStatus.ERROR_EXTENDING));
            tables.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "007", "010");
            tables.rollbackReservations(reservations);
            return null;
        }
        tables.commitReservations(reservations);
        tables.updateVolume(id, cols("size", newSize, "status", tables.attachmentCount(id) > 0 ? "in-use" : "available"));
        notifications.send(ctx, "volume.resize.end", rows.volume(id));
        return null;
    }

    /**
     * Cinder's {@code revert_to_snapshot}: a backup snapshot first (outside quota), so a failed
     * revert can be undone by hand; then the driver's revert; on success the backup snapshot is
     * removed again. The status moves are conditional, as Cinder's: a volume an operator reset
     * meanwhile is left alone.
     */
    Object revertToSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String volumeId = VersionedObject.from(a, "volume", "Volume").id();
        String snapshotId = VersionedObject.from(a, "snapshot", "Snapshot").id();
        Map<String, Object> row = rows.volume(volumeId);
        Map<String, Object> snapshot = tables.snapshot(snapshotId).orElseThrow(() -> CinderErrors.snapshotNotFound(snapshotId));
        notifications.send(ctx, "volume.revert.start", row);
        String backupId = java.util.UUID.randomUUID().toString();
        boolean backupTaken = false;
        try {
            tables.insertRevertBackupSnapshot(backupId, row);
            driver.createSnapshot(rows.snapshotRef(tables.snapshot(backupId).orElseThrow()));
            tables.updateSnapshot(backupId, cols("status", SnapshotStatus.AVAILABLE, "progress", "100%"));
            backupTaken = true;
            driver.revertToSnapshot(rows.ref(row), rows.snapshotRef(snapshot));
        } catch (DriverException e) {
            LOG.error("{} Volume {}: revert to snapshot {} failed: {}", ctx.logPrefix(), volumeId, snapshotId, e.getMessage());
            if (!backupTaken) {
                tables.updateSnapshot(backupId, cols("status", SnapshotStatus.ERROR));
            }
            tables.moveVolumeStatus(volumeId, VolumeStatus.REVERTING, VolumeStatus.ERROR);
            tables.snapshot(snapshotId).filter(s -> "restoring".equals(s.get("status")))
                    .ifPresent(s -> uncheck(() -> tables.updateSnapshot(snapshotId, cols("status", SnapshotStatus.AVAILABLE))));
            return null; // Cinder writes no user message for a failed revert
        }
        tables.moveVolumeStatus(volumeId, VolumeStatus.REVERTING, VolumeStatus.AVAILABLE);
        tables.snapshot(snapshotId).filter(s -> "restoring".equals(s.get("status")))
                .ifPresent(s -> uncheck(() -> tables.updateSnapshot(snapshotId, cols("status", SnapshotStatus.AVAILABLE))));
        try {
            driver.deleteSnapshot(rows.snapshotRef(tables.snapshot(backupId).orElseThrow()));
            tables.destroySnapshot(backupId);
        } catch (DriverException e) {
            LOG.warn("{} Volume {}: reverted, but its backup snapshot {} could not be deleted: {}", ctx.logPrefix(), volumeId,
                    backupId, e.getMessage());
            tables.updateSnapshot(backupId, cols("status", SnapshotStatus.ERROR_DELETING));
        }
        LOG.info("{} Volume {} reverted to snapshot {} successfully.", ctx.logPrefix(), volumeId, snapshotId);
        notifications.send(ctx, "volume.revert.end", rows.volume(volumeId));
        return null;
    }

    Object reimage(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = rows.volume(id);
        LOG.error("{} Volume {}: reimage failed: backend {} cannot write images", ctx.logPrefix(), id, backendName);
        tables.updateVolume(id, cols("previous_status", row.get("status"), "status", VolumeStatus.ERROR));
        tables.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "016", "001");
        return null;
    }

    @SuppressWarnings("unchecked")
    Object manageExisting(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = rows.volume(id);
        Map<String, Object> reference = a.get("ref") instanceof ObjectNode r ? PythonJson.MAPPER.convertValue(r, Map.class) : Map.of();
        notifications.send(ctx, "volume.manage_existing.start", row);
        try {
            int size = driver.manageExistingSize(rows.ref(row), reference);
            Map<String, Object> update = new LinkedHashMap<>(driver.manageExisting(rows.ref(row), reference));
            update.put("size", size);
            update.put("status", "available");
            update.put("launched_at", tables.now());
            update.put("service_uuid", serviceRow.get().uuid());
            tables.updateVolume(id, update);
            if (Quotas.usesQuota(row)) {
                quotas.chargeVolume(row, size);
            }
            notifications.send(ctx, "volume.manage_existing.end", rows.volume(id));
        } catch (DriverException e) {
            LOG.error("{} Volume {}: manage_existing {} failed: {}", ctx.logPrefix(), id, reference, e.getMessage());
            tables.updateVolume(id, cols("status", VolumeStatus.ERROR_MANAGING));
        }
        return id;
    }

    /**
     * {@code copy_volume_to_image}: the driver uploads into the queued image; whatever happens the
     * volume goes back to {@code available} or {@code in-use}, as Cinder's
     * {@code volume_update_status_based_on_attachment}.
     */
    Object copyVolumeToImage(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        Map<String, Object> row = rows.volume(id);
        String imageId = a.at("/image_meta/id").asText("");
        String diskFormat = a.at("/image_meta/disk_format").asText("raw");
        try {
            LOG.info("{} Volume {}: uploading to image {} as {}", ctx.logPrefix(), id, imageId, diskFormat);
            driver.copyVolumeToImage(rows.ref(row), imageId, diskFormat, ctx.text("auth_token"));
            LOG.info("{} Volume {}: uploaded to image {} successfully.", ctx.logPrefix(), id, imageId);
        } catch (DriverException e) {
            LOG.error("{} Volume {}: upload to image {} failed: {}", ctx.logPrefix(), id, imageId, e.getMessage());
            tables.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "003", "004");
        } finally {
            tables.updateVolume(id, cols("status", tables.attachmentCount(id) > 0 ? "in-use" : "available"));
        }
        return null;
    }
}
