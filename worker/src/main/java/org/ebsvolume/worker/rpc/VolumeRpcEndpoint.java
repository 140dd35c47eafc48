package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.messaging.Endpoint;
import org.ebsvolume.messaging.ExposedException;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.replication.ReplicatedTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every method of Cinder's {@code VolumeAPI} up to RPC 3.18, as {@code VolumeManager} answers it
 * (cinder-volume-rpc §3): arguments deserialised and validated, database effects as the spec
 * lists them, and storage work delegated to the backend's driver. When the driver cannot do an
 * operation the resource ends in Cinder's error state for it, never in a transitional one.
 */
public final class VolumeRpcEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeRpcEndpoint.class);
    public static final String VERSION = "3.18";

    private final BackendContext b;
    private final ResourceTables t;

    public VolumeRpcEndpoint(BackendContext backend) {
        this.b = backend;
        this.t = backend.tables();
    }

    public Endpoint endpoint() {
        Endpoint.Builder e = Endpoint.builder(VERSION);
        // 3.1 volume lifecycle
        e.method("create_volume", this::createVolume);
        e.method("delete_volume", this::deleteVolume);
        e.method("extend_volume", this::extendVolume);
        e.method("revert_to_snapshot", this::revertToSnapshot);
        e.method("reimage", this::reimage);
        e.method("manage_existing", this::manageExisting);
        e.method("accept_transfer", (ctx, a) -> null); // the driver keeps no per-owner state
        e.method("copy_volume_to_image", this::copyVolumeToImage);
        // 3.2 snapshots
        e.method("create_snapshot", this::createSnapshot);
        e.method("delete_snapshot", this::deleteSnapshot);
        e.method("manage_existing_snapshot", this::manageExistingSnapshot);
        e.method("initialize_connection_snapshot", (ctx, a) -> {
            throw CinderErrors.backendApi("backend " + b.backendName() + " cannot export snapshots");
        });
        e.method("terminate_connection_snapshot", (ctx, a) -> null);
        e.method("remove_export_snapshot", (ctx, a) -> null);
        // 3.3 attach / detach / export
        e.method("attachment_update", this::attachmentUpdate);
        e.method("attachment_delete", this::attachmentDelete);
        e.method("attach_volume", this::attachVolume);
        e.method("detach_volume", this::detachVolume);
        e.method("initialize_connection", this::initializeConnection);
        e.method("terminate_connection", this::terminateConnection);
        e.method("remove_export", this::removeExport);
        // 3.4 migration / retype
        e.method("migrate_volume", this::migrateVolume);
        e.method("migrate_volume_completion", this::migrateVolumeCompletion);
        e.method("update_migrated_volume", this::updateMigratedVolume);
        e.method("retype", this::retype);
        // 3.5 service level
        e.method("failover", this::failover);
        e.method("failover_host", this::failover);
        e.method("failover_completed", this::failoverCompleted);
        e.method("freeze_host", this::freezeHost);
        e.method("thaw_host", this::thawHost);
        e.method("publish_service_capabilities", (ctx, a) -> {
            b.publishCapabilities().run();
            return null;
        });
        e.method("get_capabilities", this::getCapabilities);
        e.method("set_log_levels", this::setLogLevels);
        e.method("get_log_levels", this::getLogLevels);
        e.method("do_cleanup", (ctx, a) -> {
            b.cleanup().run();
            return null;
        });
        e.method("get_manageable_volumes", (ctx, a) -> manageableList(a, "ManageableVolumeList"));
        e.method("get_manageable_snapshots", (ctx, a) -> manageableList(a, "ManageableSnapshotList"));
        e.method("get_backup_device", this::getBackupDevice);
        e.method("secure_file_operations_enabled", (ctx, a) -> false);
        // 3.6 groups
        e.method("create_group", this::createGroup);
        e.method("create_group_from_src", this::createGroupFromSrc);
        e.method("delete_group", this::deleteGroup);
        e.method("update_group", this::updateGroup);
        e.method("create_group_snapshot", this::createGroupSnapshot);
        e.method("delete_group_snapshot", this::deleteGroupSnapshot);
        e.method("enable_replication", (ctx, a) -> groupReplicationError(a, "enable"));
        e.method("disable_replication", (ctx, a) -> groupReplicationError(a, "disable"));
        e.method("failover_replication", (ctx, a) -> groupReplicationError(a, "failover"));
        e.method("list_replication_targets", (ctx, a) -> Map.of("replication_targets", List.of()));
        return e.build();
    }

    /** The method names registered, for tests that compare against Cinder's VolumeAPI. */
    public static List<String> methodNames(BackendContext ctx) {
        return new ArrayList<>(new VolumeRpcEndpoint(ctx).endpoint().methods().keySet());
    }

    // ---------------------------------------------------------------- helpers

    private VolumeRef ref(Map<String, Object> row) {
        return ReplicatedTypes.volumeRef(VolumeRow.of(row), t);
    }

    private Map<String, Object> volumeRow(String id) throws SQLException {
        return t.volume(id).orElseThrow(() -> CinderErrors.volumeNotFound(id));
    }

    private static String project(MessageContext ctx) {
        return ctx.text("project_id");
    }

    private static Map<String, Object> cols(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String textArg(ObjectNode a, String name) {
        JsonNode n = a.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String uuidArg(ObjectNode a, String name) {
        String v = textArg(a, name);
        if (!Ids.isUuid(v)) {
            throw CinderErrors.invalidInput("argument '" + name + "' is not a UUID: " + v);
        }
        return v;
    }

    private static List<String> stringList(ObjectNode a, String name) {
        List<String> out = new ArrayList<>();
        a.path(name).forEach(n -> out.add(n.asText()));
        return out;
    }

    private void notify(MessageContext ctx, String event, Map<String, Object> payload) {
        if (b.notifier() != null) {
            b.notifier().info(ctx, event, payload);
        }
    }

    private Map<String, Object> usage(Map<String, Object> row) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("tenant_id", row.get("project_id"));
        p.put("host", row.get("host"));
        p.put("user_id", row.get("user_id"));
        p.put("availability_zone", row.get("availability_zone"));
        p.put("volume_id", row.get("id"));
        p.put("volume_type", row.get("volume_type_id"));
        p.put("display_name", row.get("display_name"));
        p.put("status", row.get("status"));
        p.put("size", row.get("size"));
        p.put("replication_status", row.get("replication_status"));
        return p;
    }

    private void quotaRelease(Map<String, Object> volume, String resource, int count, int gigabytes) throws SQLException {
        Map<String, Integer> deltas = new LinkedHashMap<>();
        deltas.put(resource, -count);
        deltas.put("gigabytes", -gigabytes);
        String typeName = volume.get("volume_type_id") == null ? null : t.volumeTypeName((String) volume.get("volume_type_id"));
        if (typeName != null) {
            deltas.put(resource + "_" + typeName, -count);
            deltas.put("gigabytes_" + typeName, -gigabytes);
        }
        t.releaseQuota((String) volume.get("project_id"), deltas);
    }

    private static boolean usesQuota(Map<String, Object> row) {
        Object q = row.get("use_quota");
        return q == null || !(q instanceof Number n && n.intValue() == 0) && !Boolean.FALSE.equals(q);
    }

    // ---------------------------------------------------------------- 3.1 volume lifecycle

    private Object createVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = volumeRow(id);
        int serviceId = b.serviceRow().get().id();
        t.claimWorker("Volume", id, "creating", serviceId);
        try {
            notify(ctx, "volume.create.start", usage(row));
            Map<String, Object> model = createFromSource(ctx, row, a);
            Map<String, Object> update = new LinkedHashMap<>(model);
            String target = "migration_target_creating".equals(row.get("status")) ? "migration_target" : "available";
            update.put("status", target);
            update.put("launched_at", t.now());
            update.put("service_uuid", b.serviceRow().get().uuid());
            update.put("shared_targets", false);
            t.updateVolume(id, update);
            notify(ctx, "volume.create.end", usage(volumeRow(id)));
            return id;
        } catch (DriverException e) {
            LOG.error("{} Volume {}: create failed: {}", ctx.logPrefix(), id, e.getMessage());
            t.updateVolume(id, cols("status", "error"));
            t.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "008", "012");
            return id;
        } finally {
            t.releaseWorker("Volume", id);
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
            Map<String, Object> snapshot = t.snapshot(snapshotId).orElseThrow(() -> new DriverException("SnapshotNotFound",
                    "Snapshot " + snapshotId + " could not be found."));
            LOG.info("Volume {}: creating from snapshot {}", id, snapshotId);
            model.putAll(b.driver().createVolumeFromSnapshot(ref(row), snapshotRef(snapshot)));
            t.volume((String) snapshot.get("volume_id")).ifPresent(parent -> model.put("bootable", parent.get("bootable")));
            return model;
        }
        if (row.get("source_volid") != null) {
            String sourceId = (String) row.get("source_volid");
            Map<String, Object> source = t.volume(sourceId).orElseThrow(() -> new DriverException("VolumeNotFound",
                    "Volume " + sourceId + " could not be found."));
            LOG.info("Volume {}: cloning volume {}", id, sourceId);
            model.putAll(b.driver().createClonedVolume(ref(row), ref(source)));
            model.put("bootable", source.get("bootable"));
            return model;
        }
        JsonNode imageId = a.at("/request_spec/versioned_object.data/image_id");
        if (imageId.isTextual()) {
            model.putAll(b.driver().createVolume(ref(row)));
            t.updateVolume(id, cols("status", "downloading"));
            Map<String, String> glance;
            try {
                glance = b.driver().copyImageToVolume(ref(row), imageId.asText(), ctx.text("auth_token"));
            } catch (DriverException e) {
                // No half-written volume stays behind an error status.
                try {
                    b.driver().deleteVolume(ref(row));
                } catch (DriverException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            t.replaceGlanceMetadata(id, glance);
            model.put("bootable", true);
            return model;
        }
        String other = sourceOf(row, a);
        if (other != null) {
            // An empty volume in place of the requested content would be silent data loss.
            throw new DriverException("VolumeBackendAPIException", "creating a volume from " + other
                    + " is not supported by backend " + b.backendName() + " yet");
        }
        model.putAll(b.driver().createVolume(ref(row)));
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

    private Object deleteVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        boolean unmanageOnly = a.path("unmanage_only").asBoolean(false);
        Optional<Map<String, Object>> found = t.volume(id);
        if (found.isEmpty()) {
            LOG.info("{} Volume {} is already gone", ctx.logPrefix(), id);
            return null;
        }
        Map<String, Object> row = found.get();
        if ("attached".equals(row.get("attach_status"))) {
            throw new ExposedException("cinder.exception", "VolumeAttached", "Volume " + id + " is still attached, detach volume first.",
                    Map.of("volume_id", id, "code", 400));
        }
        t.claimWorker("Volume", id, "deleting", b.serviceRow().get().id());
        try {
            notify(ctx, unmanageOnly ? "volume.unmanage.start" : "volume.delete.start", usage(row));
            b.driver().removeExport(ref(row));
            if (!unmanageOnly) {
                b.driver().deleteVolume(ref(row));
            }
        } catch (DriverException e) {
            LOG.error("{} Volume {}: delete failed: {}", ctx.logPrefix(), id, e.getMessage());
            t.updateVolume(id, cols("status", unmanageOnly ? "error_unmanaging" : "error_deleting"));
            t.releaseWorker("Volume", id);
            throw CinderErrors.driverError(e.getMessage());
        }
        if (usesQuota(row) && !"error_managing_deleting".equals(row.get("status"))) {
            int size = row.get("size") == null ? 0 : ((Number) row.get("size")).intValue();
            quotaRelease(row, "volumes", 1, size);
        }
        t.destroyVolume(id);
        t.releaseWorker("Volume", id);
        notify(ctx, unmanageOnly ? "volume.unmanage.end" : "volume.delete.end", usage(row));
        LOG.info("{} Deleted volume {} successfully.", ctx.logPrefix(), id);
        b.publishCapabilities().run();
        return null;
    }

    private Object extendVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        int newSize = a.path("new_size").asInt(-1);
        List<String> reservations = stringList(a, "reservations");
        Map<String, Object> row = volumeRow(id);
        if (newSize <= 0) {
            t.updateVolume(id, cols("status", "error_extending"));
            t.rollbackReservations(reservations);
            throw CinderErrors.invalidInput("new_size must be a positive integer");
        }
        notify(ctx, "volume.resize.start", usage(row));
        try {
            b.driver().extendVolume(ref(row), newSize);
        } catch (DriverException e) {
            LOG.error("{} Volume {}: extend to {} GiB failed: {}", ctx.logPrefix(), id, newSize, e.getMessage());
            t.updateVolume(id, cols("status", "error_extending"));
            t.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "007", "010");
            t.rollbackReservations(reservations);
            return null;
        }
        t.commitReservations(reservations);
        t.updateVolume(id, cols("size", newSize, "status", t.attachmentCount(id) > 0 ? "in-use" : "available"));
        notify(ctx, "volume.resize.end", usage(volumeRow(id)));
        return null;
    }

    /**
     * Cinder's {@code revert_to_snapshot}: a backup snapshot first (outside quota), so a failed
     * revert can be undone by hand; then the driver's revert; on success the backup snapshot is
     * removed again. The status moves are conditional, as Cinder's: a volume an operator reset
     * meanwhile is left alone.
     */
    private Object revertToSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String volumeId = VersionedObject.from(a, "volume", "Volume").id();
        String snapshotId = VersionedObject.from(a, "snapshot", "Snapshot").id();
        Map<String, Object> row = volumeRow(volumeId);
        Map<String, Object> snapshot = t.snapshot(snapshotId).orElseThrow(() -> CinderErrors.snapshotNotFound(snapshotId));
        notify(ctx, "volume.revert.start", usage(row));
        String backupId = java.util.UUID.randomUUID().toString();
        boolean backupTaken = false;
        try {
            t.insertRevertBackupSnapshot(backupId, row);
            b.driver().createSnapshot(snapshotRef(t.snapshot(backupId).orElseThrow()));
            t.updateSnapshot(backupId, cols("status", "available", "progress", "100%"));
            backupTaken = true;
            b.driver().revertToSnapshot(ref(row), snapshotRef(snapshot));
        } catch (DriverException e) {
            LOG.error("{} Volume {}: revert to snapshot {} failed: {}", ctx.logPrefix(), volumeId, snapshotId, e.getMessage());
            if (!backupTaken) {
                t.updateSnapshot(backupId, cols("status", "error"));
            }
            t.moveVolumeStatus(volumeId, "reverting", "error");
            t.snapshot(snapshotId).filter(s -> "restoring".equals(s.get("status")))
                    .ifPresent(s -> uncheck(() -> t.updateSnapshot(snapshotId, cols("status", "available"))));
            return null; // Cinder writes no user message for a failed revert
        }
        t.moveVolumeStatus(volumeId, "reverting", "available");
        t.snapshot(snapshotId).filter(s -> "restoring".equals(s.get("status")))
                .ifPresent(s -> uncheck(() -> t.updateSnapshot(snapshotId, cols("status", "available"))));
        try {
            b.driver().deleteSnapshot(snapshotRef(t.snapshot(backupId).orElseThrow()));
            t.destroySnapshot(backupId);
        } catch (DriverException e) {
            LOG.warn("{} Volume {}: reverted, but its backup snapshot {} could not be deleted: {}", ctx.logPrefix(), volumeId,
                    backupId, e.getMessage());
            t.updateSnapshot(backupId, cols("status", "error_deleting"));
        }
        LOG.info("{} Volume {} reverted to snapshot {} successfully.", ctx.logPrefix(), volumeId, snapshotId);
        notify(ctx, "volume.revert.end", usage(volumeRow(volumeId)));
        return null;
    }

    private Object reimage(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = volumeRow(id);
        LOG.error("{} Volume {}: reimage failed: backend {} cannot write images", ctx.logPrefix(), id, b.backendName());
        t.updateVolume(id, cols("previous_status", row.get("status"), "status", "error"));
        t.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "016", "001");
        return null;
    }

    @SuppressWarnings("unchecked")
    private Object manageExisting(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = volumeRow(id);
        Map<String, Object> reference = a.get("ref") instanceof ObjectNode r ? PythonJson.MAPPER.convertValue(r, Map.class) : Map.of();
        notify(ctx, "volume.manage_existing.start", usage(row));
        try {
            int size = b.driver().manageExistingSize(ref(row), reference);
            Map<String, Object> update = new LinkedHashMap<>(b.driver().manageExisting(ref(row), reference));
            update.put("size", size);
            update.put("status", "available");
            update.put("launched_at", t.now());
            update.put("service_uuid", b.serviceRow().get().uuid());
            t.updateVolume(id, update);
            if (usesQuota(row)) {
                Map<String, Integer> deltas = new LinkedHashMap<>(Map.of("volumes", 1, "gigabytes", size));
                String typeName = row.get("volume_type_id") == null ? null : t.volumeTypeName((String) row.get("volume_type_id"));
                if (typeName != null) {
                    deltas.put("volumes_" + typeName, 1);
                    deltas.put("gigabytes_" + typeName, size);
                }
                t.addQuota((String) row.get("project_id"), deltas);
            }
            notify(ctx, "volume.manage_existing.end", usage(volumeRow(id)));
        } catch (DriverException e) {
            LOG.error("{} Volume {}: manage_existing {} failed: {}", ctx.logPrefix(), id, reference, e.getMessage());
            t.updateVolume(id, cols("status", "error_managing"));
        }
        return id;
    }

    /**
     * {@code copy_volume_to_image}: the driver uploads into the queued image; whatever happens the
     * volume goes back to {@code available} or {@code in-use}, as Cinder's
     * {@code volume_update_status_based_on_attachment}.
     */
    private Object copyVolumeToImage(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        Map<String, Object> row = volumeRow(id);
        String imageId = a.at("/image_meta/id").asText("");
        String diskFormat = a.at("/image_meta/disk_format").asText("raw");
        try {
            LOG.info("{} Volume {}: uploading to image {} as {}", ctx.logPrefix(), id, imageId, diskFormat);
            b.driver().copyVolumeToImage(ref(row), imageId, diskFormat, ctx.text("auth_token"));
            LOG.info("{} Volume {}: uploaded to image {} successfully.", ctx.logPrefix(), id, imageId);
        } catch (DriverException e) {
            LOG.error("{} Volume {}: upload to image {} failed: {}", ctx.logPrefix(), id, imageId, e.getMessage());
            t.userMessage(project(ctx), ctx.requestId(), "VOLUME", id, "003", "004");
        } finally {
            t.updateVolume(id, cols("status", t.attachmentCount(id) > 0 ? "in-use" : "available"));
        }
        return null;
    }

    // ---------------------------------------------------------------- 3.2 snapshots

    private SnapshotRef snapshotRef(Map<String, Object> s) throws SQLException {
        Map<String, Object> volume = t.volume((String) s.get("volume_id")).orElse(Map.of("id", s.get("volume_id")));
        int size = s.get("volume_size") == null ? 0 : ((Number) s.get("volume_size")).intValue();
        return new SnapshotRef((String) s.get("id"), ref(volume), size, (String) s.get("provider_location"));
    }

    private Object createSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "snapshot", "Snapshot").id();
        Map<String, Object> s = t.snapshot(id).orElseThrow(() -> CinderErrors.snapshotNotFound(id));
        t.claimWorker("Snapshot", id, "creating", b.serviceRow().get().id());
        try {
            Map<String, Object> model = b.driver().createSnapshot(snapshotRef(s));
            Map<String, Object> update = new LinkedHashMap<>(model);
            update.put("status", "available");
            update.put("progress", "100%");
            t.updateSnapshot(id, update);
        } catch (DriverException e) {
            LOG.error("{} Snapshot {}: create failed: {}", ctx.logPrefix(), id, e.getMessage());
            t.updateSnapshot(id, cols("status", "error"));
            t.userMessage(project(ctx), ctx.requestId(), "VOLUME_SNAPSHOT", id, "009", "013");
        } finally {
            t.releaseWorker("Snapshot", id);
        }
        return id;
    }

    private Object deleteSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "snapshot", "Snapshot").id();
        Optional<Map<String, Object>> found = t.snapshot(id);
        if (found.isEmpty()) {
            return null;
        }
        Map<String, Object> s = found.get();
        try {
            if (!a.path("unmanage_only").asBoolean(false)) {
                b.driver().deleteSnapshot(snapshotRef(s));
            }
        } catch (DriverException e) {
            LOG.error("{} Snapshot {}: delete failed: {}", ctx.logPrefix(), id, e.getMessage());
            t.updateSnapshot(id, cols("status", "error_deleting"));
            t.userMessage(project(ctx), ctx.requestId(), "VOLUME_SNAPSHOT", id, "010", "001");
            throw CinderErrors.driverError(e.getMessage());
        }
        if (usesQuota(s)) {
            Map<String, Object> volume = new LinkedHashMap<>(s);
            int size = s.get("volume_size") == null ? 0 : ((Number) s.get("volume_size")).intValue();
            quotaRelease(volume, "snapshots", 1, size);
        }
        t.destroySnapshot(id);
        return null;
    }

    private Object manageExistingSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "snapshot", "Snapshot").id();
        LOG.error("{} Snapshot {}: manage_existing_snapshot failed: backend {} has no storage driver", ctx.logPrefix(),
                id, b.backendName());
        t.updateSnapshot(id, cols("status", "error"));
        return id;
    }

    // ---------------------------------------------------------------- 3.3 attach / detach / export

    @SuppressWarnings("unchecked")
    private Map<String, Object> connector(ObjectNode a) {
        JsonNode c = a.get("connector");
        if (c == null || !c.isObject()) {
            throw CinderErrors.invalidInput("Connector doesn't have required information: connector is missing");
        }
        return PythonJson.MAPPER.convertValue(c, Map.class);
    }

    private Object attachmentUpdate(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "vref", "Volume").id();
        String attachmentId = uuidArg(a, "attachment_id");
        Map<String, Object> conn = connector(a);
        Map<String, Object> row = volumeRow(id);
        try {
            Map<String, Object> model = b.driver().createExport(ref(row), conn);
            t.updateVolume(id, model);
            // As Cinder's volume.update(model_update): the connection is built from the exported row.
            Map<String, Object> info = b.driver().initializeConnection(ref(volumeRow(id)), conn);
            recordConnection(attachmentId, id, conn);
            Map<String, Object> flat = new LinkedHashMap<>();
            Object data = info.get("data");
            if (data instanceof Map<?, ?> m) {
                m.forEach((k, v) -> flat.put((String) k, v));
            }
            flat.put("driver_volume_type", info.get("driver_volume_type"));
            flat.put("attachment_id", attachmentId);
            return flat;
        } catch (DriverException e) {
            LOG.error("{} Volume {}: attachment {} update failed: {}", ctx.logPrefix(), id, attachmentId, e.getMessage());
            uncheck(() -> t.updateVolume(id, Map.of()));
            throw CinderErrors.backendApi("Create export for volume failed (" + e.getMessage() + ")");
        }
    }

    /**
     * Cinder's attachment_update bookkeeping: the mode ('rw' unless the connector or the attachment
     * says otherwise, as the manager picks it) and the connector go into the attachment, which
     * attachment_delete later terminates with; attachment and volume become 'attaching'.
     */
    private void recordConnection(String attachmentId, String volumeId, Map<String, Object> conn) throws SQLException {
        Object mode = conn.getOrDefault("mode", "rw");
        Optional<Map<String, Object>> attachment = t.attachment(attachmentId);
        Object reserved = attachment.map(r -> r.get("attach_mode")).orElse("null");
        if (!"null".equals(reserved)) {
            mode = reserved;
            conn.put("mode", mode);
        }
        Object host = conn.getOrDefault("host", "");
        Object mountpoint = conn.getOrDefault("mountpoint", "na");
        t.attachmentConnecting(attachmentId, volumeId, PythonJson.dumps(PythonJson.MAPPER.valueToTree(conn)),
                host == null ? null : host.toString(), mountpoint == null ? null : mountpoint.toString(),
                mode == null ? null : mode.toString());
    }

    private Object attachmentDelete(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "vref", "Volume").id();
        Map<String, Object> row = volumeRow(id);
        try {
            b.driver().terminateConnection(ref(row), recordedConnector(textArg(a, "attachment_id")));
            if (t.attachmentCount(id) <= 1) {
                b.driver().removeExport(ref(row));
            }
        } catch (DriverException e) {
            LOG.warn("{} Volume {}: removing the export failed (ignored, as Cinder does): {}", ctx.logPrefix(), id, e.getMessage());
        }
        return null;
    }

    /** The connector attachment_update recorded (Cinder's {@code attachment.connector}), or an empty map. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> recordedConnector(String attachmentId) throws SQLException {
        Object json = attachmentId == null ? null : t.attachment(attachmentId).map(r -> r.get("connector")).orElse(null);
        if (!(json instanceof String text) || text.isBlank()) {
            return Map.of();
        }
        try {
            return PythonJson.MAPPER.convertValue(PythonJson.loads(text), Map.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            LOG.warn("Attachment {}: unreadable connector {}: {}", attachmentId, text, e.getMessage());
            return Map.of();
        }
    }

    private Object attachVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        LOG.error("{} Volume {}: legacy attach failed: backend {} has no storage driver", ctx.logPrefix(), id, b.backendName());
        t.moveVolumeStatus(id, "attaching", "available");
        throw CinderErrors.backendApi("backend " + b.backendName() + " cannot attach volumes");
    }

    private Object detachVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        Map<String, Object> row = volumeRow(id);
        try {
            b.driver().removeExport(ref(row));
        } catch (DriverException e) {
            throw new ExposedException("cinder.exception", "RemoveExportException", "Failed to remove export for volume "
                    + id + ": " + e.getMessage(), Map.of("volume", id, "reason", e.getMessage(), "code", 500));
        }
        String attachmentId = textArg(a, "attachment_id");
        if (attachmentId != null && Ids.isUuid(attachmentId)) {
            t.detachAttachment(attachmentId);
        }
        int remaining = t.attachmentCount(id);
        t.updateVolume(id, remaining > 0 ? cols("status", "in-use", "attach_status", "attached")
                : cols("status", "available", "attach_status", "detached"));
        return null;
    }

    private Object initializeConnection(MessageContext ctx, ObjectNode a) throws Exception {
        VersionedObject v = VersionedObject.from(a, "volume", "Volume");
        Map<String, Object> conn = connector(a);
        Map<String, Object> row = volumeRow(v.id());
        try {
            t.updateVolume(v.id(), b.driver().createExport(ref(row), conn));
        } catch (DriverException e) {
            uncheck(() -> b.driver().removeExport(ref(row)));
            throw CinderErrors.exportFailure(e.getMessage());
        }
        try {
            return b.driver().initializeConnection(ref(volumeRow(v.id())), conn);
        } catch (DriverException e) {
            throw CinderErrors.backendApi("Driver initialize connection failed (error: " + e.getMessage() + ").");
        }
    }

    private Object terminateConnection(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        try {
            b.driver().terminateConnection(ref(volumeRow(id)), connector(a));
        } catch (DriverException e) {
            throw CinderErrors.backendApi("Terminate volume connection failed: " + e.getMessage());
        }
        return null;
    }

    private Object removeExport(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        try {
            b.driver().removeExport(ref(volumeRow(id)));
        } catch (DriverException e) {
            throw new ExposedException("cinder.exception", "RemoveExportException", "Failed to remove export for volume "
                    + id + ": " + e.getMessage(), Map.of("volume", id, "reason", e.getMessage(), "code", 500));
        }
        return null;
    }

    // ---------------------------------------------------------------- 3.4 migration / retype

    private void restoreAfterFailedMigration(String id, Map<String, Object> row) throws SQLException {
        Map<String, Object> update = cols("migration_status", "error");
        Object previous = row.get("previous_status");
        if ("retyping".equals(row.get("status")) || "maintenance".equals(row.get("status"))) {
            update.put("status", previous == null ? "available" : previous);
        }
        t.updateVolume(id, update);
    }

    /**
     * Cinder's {@code migrate_volume}: storage-assisted when the driver can move the volume
     * itself (another volume group of this node); otherwise the generic host-copy migration,
     * which this service does not do yet, so the volume stays where it is with
     * {@code migration_status = error}.
     */
    private Object migrateVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        JsonNode host = a.get("host");
        String dest = host == null ? "" : host.path("host").asText("");
        boolean forceHostCopy = a.path("force_host_copy").asBoolean(false);
        Map<String, Object> row = volumeRow(id);
        if (!forceHostCopy && moveByDriver(ctx, id, row, host, null)) {
            return null;
        }
        try {
            t.updateVolume(id, cols("migration_status", "migrating"));
            migration().migrate(ctx, volumeRow(id), host, null);
        } catch (GenericMigration.MigrationFailedException e) {
            restoreAfterFailedMigration(id, row);
            throw CinderErrors.volumeMigrationFailed(e.getMessage());
        }
        return null;
    }

    private GenericMigration migration() {
        return new GenericMigration(b, b.rpcClients(), Duration.ofSeconds(300));
    }

    /**
     * Lets the driver move the volume to {@code host} ({@code {"host": ..., "cluster_name": ...,
     * "capabilities": {...}}}) and writes what Cinder's manager writes after a storage-assisted
     * move. False when the driver leaves it to the generic path; a driver failure sets
     * {@code migration_status = error} and is rethrown as VolumeMigrationFailed.
     */
    @SuppressWarnings("unchecked")
    private boolean moveByDriver(MessageContext ctx, String id, Map<String, Object> row, JsonNode host, String newTypeId)
            throws Exception {
        if (host == null || !host.isObject()) {
            throw CinderErrors.invalidInput("migration destination 'host' is missing");
        }
        String dest = host.path("host").asText("");
        Map<String, Object> capabilities = host.get("capabilities") instanceof ObjectNode c
                ? PythonJson.MAPPER.convertValue(c, Map.class) : Map.of();
        Map<String, Object> statusUpdate = "retyping".equals(row.get("status")) || "maintenance".equals(row.get("status"))
                ? cols("status", row.get("previous_status") == null ? "available" : row.get("previous_status")) : Map.of();
        if (t.attachmentCount(id) > 0) {
            // The driver copies with dd: an attached volume would change under the copy.
            LOG.info("{} Volume {} is attached: not moving it by the driver", ctx.logPrefix(), id);
            return false;
        }
        t.updateVolume(id, cols("migration_status", "migrating"));
        Optional<Map<String, Object>> moved;
        try {
            moved = b.driver().migrateVolume(ref(row), dest, capabilities);
        } catch (DriverException e) {
            LOG.error("{} Volume {}: migration to {} failed: {}", ctx.logPrefix(), id, dest, e.getMessage());
            Map<String, Object> update = cols("migration_status", "error");
            update.putAll(statusUpdate);
            t.updateVolume(id, update);
            throw CinderErrors.volumeMigrationFailed(e.getMessage());
        }
        if (moved.isEmpty()) {
            return false;
        }
        Map<String, Object> update = cols("host", dest, "cluster_name", host.path("cluster_name").isTextual()
                ? host.get("cluster_name").asText() : null, "migration_status", "success", "previous_status", row.get("status"));
        b.services().find(dest.contains("#") ? dest.substring(0, dest.indexOf('#')) : dest)
                .ifPresent(service -> update.put("availability_zone", service.availabilityZone()));
        if (newTypeId != null) {
            update.put("volume_type_id", newTypeId);
        }
        update.putAll(statusUpdate);
        update.putAll(moved.get());
        t.updateVolume(id, update);
        LOG.info("{} Volume {}: migrated to {} by the driver", ctx.logPrefix(), id, dest);
        return true;
    }

    private Object migrateVolumeCompletion(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = volumeRow(id);
        Object previous = row.get("previous_status");
        t.updateVolume(id, cols("migration_status", "error", "status", previous == null ? "available" : previous));
        if (!a.path("error").asBoolean(false)) {
            throw CinderErrors.volumeMigrationFailed("backend " + b.backendName() + " cannot complete migrations");
        }
        return id;
    }

    /**
     * {@code update_migrated_volume}, on the destination of a generic migration: the driver says
     * under which name the data now lives (the EBS driver renames the LV to the original volume's
     * name); the original row takes that, the temporary row keeps the original's old values of
     * the same keys, as Cinder's manager does.
     */
    private Object updateMigratedVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        String targetId = VersionedObject.from(a, "new_volume", "Volume").id();
        String status = textArg(a, "volume_status");
        Map<String, Object> original = volumeRow(id);
        Map<String, Object> target = volumeRow(targetId);
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("_name_id", target.get("_name_id") != null ? target.get("_name_id") : targetId);
        update.put("provider_location", target.get("provider_location"));
        Map<String, Object> driverUpdate;
        try {
            driverUpdate = b.driver().updateMigratedVolume(ref(original), ref(target), status);
        } catch (DriverException e) {
            LOG.warn("{} Volume {}: driver could not finish the migration, keeping the new name: {}", ctx.logPrefix(), id, e.getMessage());
            driverUpdate = Map.of();
        }
        Map<String, Object> keepOnTarget = new LinkedHashMap<>();
        for (String key : driverUpdate.keySet()) {
            keepOnTarget.put(key, original.get(key));
        }
        update.putAll(driverUpdate);
        t.updateVolume(targetId, keepOnTarget);
        t.updateVolume(id, update);
        return null;
    }

    /** A retype that does not happen: the volume back to {@code restore}, both types' reservations released. */
    private void abandonRetype(String id, Map<String, Object> restore, List<String> reservations, List<String> oldReservations)
            throws SQLException {
        t.updateVolume(id, restore);
        t.rollbackReservations(reservations);
        t.rollbackReservations(oldReservations);
    }

    /** Cinder's {@code _can_use_driver_migration}: the extra specs differ at most in backend name and AZ. */
    private boolean onlyPlacementDiffers(String oldTypeId, String newTypeId) throws SQLException {
        Map<String, String> before = new LinkedHashMap<>(t.volumeTypeExtraSpecs(oldTypeId));
        Map<String, String> after = new LinkedHashMap<>(t.volumeTypeExtraSpecs(newTypeId));
        for (String placement : List.of("volume_backend_name", "RESKEY:availability_zones")) {
            before.remove(placement);
            after.remove(placement);
        }
        return before.equals(after);
    }

    private Object retype(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        String newTypeId = uuidArg(a, "new_type_id");
        Map<String, Object> row = volumeRow(id);
        List<String> reservations = stringList(a, "reservations");
        List<String> oldReservations = stringList(a, "old_reservations");
        String destination = a.at("/host/host").asText("");
        String mine = b.identity().host();
        boolean sameBackend = destination.equals(mine) || destination.startsWith(mine + "#");
        Object previous = row.get("previous_status");
        String restored = previous == null ? "available" : previous.toString();
        if (!sameBackend) {
            // The type needs another backend: the data moves, by the driver when the types differ
            // only in where they live (Cinder's _can_use_driver_migration), e.g. a thin and a
            // thick backend of this node.
            boolean hasSnapshots = t.snapshotCount(id) > 0;
            boolean replicated = ReplicatedTypes.isUnderDrbd(VolumeRow.of(row), t);
            if (!"on-demand".equals(a.path("migration_policy").asText("never")) || hasSnapshots || replicated) {
                abandonRetype(id, cols("status", restored, "migration_status", null), reservations, oldReservations);
                if (!"on-demand".equals(a.path("migration_policy").asText("never"))) {
                    throw CinderErrors.volumeMigrationFailed("Retype requires migration but is not allowed.");
                }
                throw CinderErrors.invalidVolume(hasSnapshots ? "Volume must not have snapshots." : "Volume must not be replicated.");
            }
            boolean moved;
            try {
                moved = onlyPlacementDiffers((String) row.get("volume_type_id"), newTypeId)
                        && moveByDriver(ctx, id, row, a.get("host"), newTypeId);
            } catch (Exception e) {
                abandonRetype(id, cols("status", restored), reservations, oldReservations);
                throw e;
            }
            if (!moved) {
                try {
                    t.updateVolume(id, cols("migration_status", "migrating"));
                    migration().migrate(ctx, volumeRow(id), a.get("host"), newTypeId);
                } catch (GenericMigration.MigrationFailedException e) {
                    abandonRetype(id, cols("status", restored, "migration_status", "error"), reservations, oldReservations);
                    throw CinderErrors.volumeMigrationFailed(e.getMessage());
                }
            }
            t.commitReservations(reservations);
            t.commitReservations(oldReservations);
            notify(ctx, "volume.retype", usage(volumeRow(id)));
            b.publishCapabilities().run();
            return null;
        }
        // Same backend: the driver changes what the new type needs (here: replication on or off;
        // nothing else for LVM), then the retype is the database change.
        Map<String, String> oldSpecs = t.volumeTypeExtraSpecs((String) row.get("volume_type_id"));
        Map<String, String> newSpecs = t.volumeTypeExtraSpecs(newTypeId);
        boolean replicatedType = ReplicatedTypes.isReplicatedSpec(newSpecs);
        Optional<Map<String, Object>> driverUpdate;
        try {
            driverUpdate = b.driver().retype(ref(row), replicatedType, "attached".equals(row.get("attach_status")));
        } catch (DriverException e) {
            // Cinder falls back to a migration here, which a same-backend retype cannot use: the
            // volume stays as it was, with the driver's reason in the log and the error.
            LOG.error("{} Volume {}: retype to type {} failed in the driver: {}", ctx.logPrefix(), id, newTypeId, e.getMessage());
            abandonRetype(id, cols("status", restored), reservations, oldReservations);
            throw CinderErrors.volumeMigrationFailed("Retype failed: " + e.getMessage());
        }
        if (driverUpdate.isEmpty()) {
            abandonRetype(id, cols("status", restored), reservations, oldReservations);
            throw CinderErrors.volumeMigrationFailed("Retype requires migration but is not allowed.");
        }
        Map<String, Object> update = new LinkedHashMap<>(cols("volume_type_id", newTypeId, "host", row.get("host"), "status", restored));
        update.putAll(driverUpdate.get());
        // Cinder's _set_replication_status: from the types' replication_enabled, unless the driver said.
        if (update.get("replication_status") == null
                && !java.util.Objects.equals(oldSpecs.get(ReplicatedTypes.SPEC), newSpecs.get(ReplicatedTypes.SPEC))) {
            update.put("replication_status", replicatedType ? "enabled" : "disabled");
        }
        t.updateVolume(id, update);
        // Cinder: "We need to make the snapshots match the volume's type".
        t.retypeSnapshotsOf(id, newTypeId);
        t.commitReservations(reservations);
        t.commitReservations(oldReservations);
        notify(ctx, "volume.retype", usage(volumeRow(id)));
        b.publishCapabilities().run();
        return null;
    }

    // ---------------------------------------------------------------- 3.5 service level

    /**
     * {@code failover_host} / {@code failover} (VolumeManager.failover + finish_failover): the
     * storage moves ({@link ReplicationControl}), then the volumes and the services row are
     * written as Cinder's manager writes them (spec: cinder-objects-and-db.md 5.6).
     */
    private Object failover(MessageContext ctx, ObjectNode a) throws Exception {
        String secondary = textArg(a, "secondary_backend_id");
        var row = b.serviceRow().get();
        boolean failback = "default".equals(secondary);
        String current = row.activeBackendId() != null && !row.activeBackendId().isEmpty() ? "failed-over" : "enabled";
        if (b.replication() == null) {
            b.services().applyUpdates(row.id(), cols("replication_status", current));
            LOG.error("{} Failover to {} refused: backend {} has no replication targets", ctx.logPrefix(), secondary, b.backendName());
            return null;
        }
        ReplicationControl.Outcome outcome;
        try {
            outcome = b.replication().failover(secondary);
        } catch (DriverException e) {
            if (ReplicationControl.INVALID_TARGET.equals(e.cinderClass())) {
                b.services().applyUpdates(row.id(), cols("replication_status", current));
                LOG.error("{} Failover to {} refused (InvalidReplicationTarget): {}", ctx.logPrefix(), secondary, e.getMessage());
            } else {
                b.services().applyUpdates(row.id(), cols("disabled", true, "replication_status", "failover-error"));
                LOG.error("{} Failover of {} to {} failed: {}", ctx.logPrefix(), b.identity().host(), secondary, e.getMessage());
            }
            return null;
        }
        if (!failback) {
            // Volumes the failover cannot carry: not replicated, they stay with the failed host.
            List<Map<String, Object>> snapshots = t.snapshotsOfBackend(b.identity().host(), List.of("available", "creating", "error"));
            for (Map<String, Object> v : t.volumesOfBackend(b.identity().host(), List.of("available", "in-use", "error", "maintenance"))) {
                String rs = (String) v.get("replication_status");
                if (!outcome.volumeUpdates().containsKey((String) v.get("id")) && (rs == null || "disabled".equals(rs) || "not-capable".equals(rs))) {
                    t.updateVolume((String) v.get("id"), cols("previous_status", v.get("status"), "status", "error",
                            "replication_status", "not-capable"));
                    for (Map<String, Object> s : snapshots) {
                        if (v.get("id").equals(s.get("volume_id"))) {
                            t.updateSnapshot((String) s.get("id"), cols("status", "error"));
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, Map<String, Object>> u : outcome.volumeUpdates().entrySet()) {
            t.updateVolume(u.getKey(), u.getValue());
        }
        if (failback) {
            boolean frozen = b.services().byId(row.id()).map(r -> r.frozen()).orElse(false);
            b.services().applyUpdates(row.id(), cols("replication_status", "enabled", "active_backend_id", "",
                    "disabled", frozen, "disabled_reason", frozen ? "frozen" : ""));
        } else {
            b.services().applyUpdates(row.id(), cols("replication_status", "failed-over", "active_backend_id",
                    outcome.activeBackendId(), "disabled", true, "disabled_reason", "failed-over"));
        }
        LOG.info("{} Failed {} {} to {}: {} volume(s) moved", ctx.logPrefix(), failback ? "back" : "over", b.identity().host(),
                failback ? "this backend's own host" : outcome.activeBackendId(), outcome.volumeUpdates().size());
        outcome.afterRecorded().run();
        return null;
    }

    private Object failoverCompleted(MessageContext ctx, ObjectNode a) throws Exception {
        JsonNode updates = a.get("updates");
        Map<String, Object> allowed = new LinkedHashMap<>();
        if (updates != null && updates.isObject()) {
            for (String k : List.of("replication_status", "active_backend_id", "disabled", "disabled_reason", "frozen")) {
                JsonNode v = updates.get(k);
                if (v != null) {
                    allowed.put(k, v.isNull() ? null : v.isBoolean() ? (Object) v.booleanValue() : v.asText());
                }
            }
        }
        b.services().applyUpdates(b.serviceRow().get().id(), allowed);
        return null;
    }

    private Object freezeHost(MessageContext ctx, ObjectNode a) throws Exception {
        try {
            b.driver().freezeBackend();
        } catch (DriverException e) {
            LOG.warn("{} Error encountered during freeze of {}: {}", ctx.logPrefix(), b.backendName(), e.getMessage());
        }
        b.services().markFrozen(b.serviceRow().get().id());
        LOG.info("{} Set backend status to frozen successfully.", ctx.logPrefix());
        return true;
    }

    private Object thawHost(MessageContext ctx, ObjectNode a) throws Exception {
        try {
            b.driver().thawBackend();
        } catch (DriverException e) {
            LOG.error("{} Error encountered during thaw of {}: {}", ctx.logPrefix(), b.backendName(), e.getMessage());
            return false;
        }
        b.services().markThawed(b.serviceRow().get().id());
        LOG.info("{} Thawed backend successfully.", ctx.logPrefix());
        return true;
    }

    private Object getCapabilities(MessageContext ctx, ObjectNode a) {
        Map<String, Object> caps = new LinkedHashMap<>(b.capabilities().get());
        caps.put("properties", Capabilities.STANDARD_PROPERTIES);
        return caps;
    }

    private Object setLogLevels(MessageContext ctx, ObjectNode a) {
        VersionedObject req = VersionedObject.from(a, "log_request", "LogLevel");
        try {
            LogLevels.set(req.text("prefix"), req.text("level"));
        } catch (IllegalArgumentException e) {
            throw CinderErrors.invalidInput(e.getMessage());
        }
        return null;
    }

    private Object getLogLevels(MessageContext ctx, ObjectNode a) {
        VersionedObject req = VersionedObject.from(a, "log_request", "LogLevel");
        ArrayNode objects = PythonJson.MAPPER.createArrayNode();
        LogLevels.get(req.text("prefix")).forEach((name, level) -> {
            ObjectNode d = PythonJson.MAPPER.createObjectNode();
            d.put("prefix", name);
            d.put("level", level);
            objects.add(VersionedObject.primitive("LogLevel", d));
        });
        ObjectNode list = PythonJson.MAPPER.createObjectNode();
        list.set("objects", objects);
        return VersionedObject.primitive("LogLevelList", list);
    }

    private Object manageableList(ObjectNode a, String listName) {
        if (a.path("want_objects").asBoolean(false)) {
            ObjectNode list = PythonJson.MAPPER.createObjectNode();
            list.putArray("objects");
            return VersionedObject.primitive(listName, list);
        }
        return List.of();
    }

    private Object getBackupDevice(MessageContext ctx, ObjectNode a) throws Exception {
        String backupId = VersionedObject.from(a, "backup", "Backup").id();
        // A backup waiting for a device it will never get would sit in 'creating' forever.
        t.failBackup(backupId, "backend " + b.backendName() + " cannot provide a backup device");
        throw CinderErrors.backendApi("backend " + b.backendName() + " cannot provide a backup device");
    }

    // ---------------------------------------------------------------- 3.6 groups

    private Object createGroup(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        // Generic groups are a database construct (Cinder's _create_group_generic).
        t.updateGroup(id, cols("status", "available", "created_at", t.now()));
        return null;
    }

    private Object createGroupFromSrc(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        LOG.error("{} Group {}: create from source failed: backend {} has no storage driver", ctx.logPrefix(), id, b.backendName());
        t.updateGroup(id, cols("status", "error"));
        t.setGroupVolumesStatus(id, "error");
        return null;
    }

    private Object deleteGroup(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        for (Map<String, Object> v : t.groupVolumes(id)) {
            if ("attached".equals(v.get("attach_status"))) {
                throw new ExposedException("cinder.exception", "VolumeAttached", "Volume " + v.get("id")
                        + " is still attached, detach volume first.", Map.of("volume_id", v.get("id"), "code", 400));
            }
        }
        for (Map<String, Object> v : t.groupVolumes(id)) {
            b.driver().deleteVolume(ref(v));
            if (usesQuota(v)) {
                quotaRelease(v, "volumes", 1, v.get("size") == null ? 0 : ((Number) v.get("size")).intValue());
            }
            t.destroyVolume((String) v.get("id"));
        }
        t.destroyGroup(id, project(ctx));
        b.publishCapabilities().run();
        return null;
    }

    private Object updateGroup(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        for (String v : csv(textArg(a, "add_volumes"))) {
            t.updateVolume(v, cols("group_id", id));
        }
        for (String v : csv(textArg(a, "remove_volumes"))) {
            t.updateVolume(v, cols("group_id", null));
        }
        t.updateGroup(id, cols("status", "available"));
        return null;
    }

    private static List<String> csv(String s) {
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String p : s.split(",")) {
                if (Ids.isUuid(p.strip())) {
                    out.add(p.strip());
                } else if (!p.isBlank()) {
                    throw CinderErrors.invalidInput("'" + p.strip() + "' is not a volume id");
                }
            }
        }
        return out;
    }

    private Object createGroupSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group_snapshot", "GroupSnapshot").id();
        LOG.error("{} Group snapshot {}: create failed: backend {} has no storage driver", ctx.logPrefix(), id, b.backendName());
        t.failGroupSnapshot(id);
        return null;
    }

    private Object deleteGroupSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group_snapshot", "GroupSnapshot").id();
        t.destroyGroupSnapshot(id);
        return null;
    }

    private Object groupReplicationError(ObjectNode a, String what) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        LOG.error("Group {}: {} replication failed: backend {} is not replicated", id, what, b.backendName());
        t.updateGroup(id, cols("status", "error", "replication_status", "error"));
        return null;
    }

    // ----------------------------------------------------------------

    @FunctionalInterface
    private interface SqlAction {
        void run() throws Exception;
    }

    private static void uncheck(SqlAction action) {
        try {
            action.run();
        } catch (Exception e) {
            LOG.warn("Secondary update failed: {}", e.toString());
        }
    }

}
