package org.ebsvolume.worker.db;

import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The volume-service side of Cinder's {@code volumes}, {@code snapshots}, {@code workers},
 * {@code quota_usages}/{@code reservations} and {@code messages} tables, following the writes
 * cinder-volume makes (cinder-objects-and-db §6–§8, §10). Reads ignore soft-deleted rows.
 */
public final class ResourceTables {

    private final CinderDatabase db;

    public ResourceTables(CinderDatabase db) {
        this.db = db;
    }

    public LocalDateTime now() {
        return db.now();
    }

    public Optional<Map<String, Object>> volume(String id) throws SQLException {
        return db.query("SELECT * FROM volumes WHERE id = ? AND deleted = 0", id).stream().findFirst();
    }

    /**
     * The volume whose storage is named after {@code nameId}: the row with that {@code _name_id}
     * (a migrated volume keeps its source's storage), else the row with that id and no {@code _name_id}.
     */
    public Optional<Map<String, Object>> volumeByStorageName(String nameId) throws SQLException {
        return db.query("SELECT * FROM volumes WHERE deleted = 0 AND (_name_id = ? OR (id = ? AND _name_id IS NULL))"
                + " ORDER BY _name_id IS NULL", nameId, nameId).stream().findFirst();
    }

    public Optional<Map<String, Object>> snapshot(String id) throws SQLException {
        return db.query("SELECT * FROM snapshots WHERE id = ? AND deleted = 0", id).stream().findFirst();
    }

    /**
     * The backup snapshot Cinder's manager takes before a revert ({@code _create_backup_snapshot}):
     * outside quota ({@code use_quota = 0}), named {@code [revert] volume <id> backup snapshot}.
     */
    public void insertRevertBackupSnapshot(String snapshotId, Map<String, Object> volume) throws SQLException {
        db.update("INSERT INTO snapshots (created_at, updated_at, deleted, id, volume_id, user_id, project_id, status, progress, "
                        + "volume_size, display_name, display_description, volume_type_id, use_quota) "
                        + "VALUES (?, ?, 0, ?, ?, ?, ?, 'creating', '0%', ?, ?, NULL, ?, 0)",
                db.now(), db.now(), snapshotId, volume.get("id"), volume.get("user_id"), volume.get("project_id"), volume.get("size"),
                "[revert] volume " + volume.get("id") + " backup snapshot", volume.get("volume_type_id"));
    }

    /** Sets columns of a volume row (names are fixed by the caller, never from a message). */
    public void updateVolume(String id, Map<String, Object> columns) throws SQLException {
        updateRow("volumes", id, columns);
    }

    public void updateSnapshot(String id, Map<String, Object> columns) throws SQLException {
        updateRow("snapshots", id, columns);
    }

    /** Conditional status change (Cinder's conditional_update): true if the row was in {@code from}. */
    public boolean moveVolumeStatus(String id, VolumeStatus from, VolumeStatus to) throws SQLException {
        return db.update("UPDATE volumes SET status = ?, updated_at = ? WHERE id = ? AND deleted = 0 AND status = ?",
                to, db.now(), id, from) == 1;
    }

    private void updateRow(String table, String id, Map<String, Object> columns) throws SQLException {
        if (columns.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        List<Object> params = new ArrayList<>();
        for (Map.Entry<String, Object> c : columns.entrySet()) {
            if (!c.getKey().matches("_?[a-z_]+")) {
                throw new IllegalArgumentException("not a column name: " + c.getKey());
            }
            sql.append('`').append(c.getKey()).append("` = ?, ");
            params.add(c.getValue());
        }
        sql.append("updated_at = ? WHERE id = ? AND deleted = 0");
        params.add(db.now());
        params.add(id);
        db.update(sql.toString(), params.toArray());
    }

    /** {@code db.volume_destroy}: the row and everything hanging off it soft-deleted, updated_at kept. */
    public void destroyVolume(String id) throws SQLException {
        db.inTransaction(c -> {
            LocalDateTime now = db.now();
            CinderDatabase.update(c, "UPDATE volumes SET status = 'deleted', deleted = 1, deleted_at = ?, migration_status = NULL "
                    + "WHERE id = ? AND deleted = 0", now, id);
            for (String t : List.of("volume_metadata", "volume_admin_metadata", "snapshots", "transfers",
                    "volume_glance_metadata", "volume_attachment")) {
                CinderDatabase.update(c, "UPDATE " + t + " SET deleted = 1, deleted_at = ? WHERE volume_id = ? AND deleted = 0", now, id);
            }
            return null;
        });
    }

    /** {@code db.snapshot_destroy}. */
    public void destroySnapshot(String id) throws SQLException {
        db.inTransaction(c -> {
            LocalDateTime now = db.now();
            CinderDatabase.update(c, "UPDATE snapshots SET status = 'deleted', deleted = 1, deleted_at = ? WHERE id = ? AND deleted = 0", now, id);
            CinderDatabase.update(c, "UPDATE snapshot_metadata SET deleted = 1, deleted_at = ? WHERE snapshot_id = ? AND deleted = 0", now, id);
            CinderDatabase.update(c, "DELETE FROM volume_glance_metadata WHERE snapshot_id = ?", id);
            return null;
        });
    }

    /**
     * Gives quota back after a delete: the net effect of Cinder's reserve + commit of negative
     * deltas — {@code in_use} lowered, never below zero — in one transaction with row locks.
     */
    public void releaseQuota(String projectId, Map<String, Integer> deltas) throws SQLException {
        if (projectId == null) {
            return;
        }
        db.inTransaction(c -> {
            for (Map.Entry<String, Integer> d : deltas.entrySet()) {
                List<Map<String, Object>> rows = CinderDatabase.query(c, "SELECT id, in_use FROM quota_usages WHERE project_id = ? "
                        + "AND resource = ? AND deleted = 0 FOR UPDATE", projectId, d.getKey());
                for (Map<String, Object> r : rows) {
                    int inUse = ((Number) r.get("in_use")).intValue();
                    CinderDatabase.update(c, "UPDATE quota_usages SET in_use = ?, updated_at = ? WHERE id = ?",
                            Math.max(0, inUse + d.getValue()), db.now(), r.get("id"));
                }
            }
            return null;
        });
    }

    /**
     * Charges quota for a resource that came into Cinder without a reservation (manage_existing):
     * the net effect of reserve + commit of positive deltas, usage rows created when missing.
     */
    public void addQuota(String projectId, Map<String, Integer> deltas) throws SQLException {
        if (projectId == null) {
            return;
        }
        db.inTransaction(c -> {
            LocalDateTime now = db.now();
            for (Map.Entry<String, Integer> d : deltas.entrySet()) {
                List<Map<String, Object>> rows = CinderDatabase.query(c, "SELECT id, in_use FROM quota_usages WHERE project_id = ? "
                        + "AND resource = ? AND deleted = 0 FOR UPDATE", projectId, d.getKey());
                if (rows.isEmpty()) {
                    CinderDatabase.update(c, "INSERT INTO quota_usages (created_at, updated_at, deleted, project_id, resource, in_use, "
                            + "reserved, race_preventer) VALUES (?, ?, 0, ?, ?, ?, 0, 0)", now, now, projectId, d.getKey(), d.getValue());
                } else {
                    CinderDatabase.update(c, "UPDATE quota_usages SET in_use = in_use + ?, updated_at = ? WHERE id = ?",
                            d.getValue(), now, rows.get(0).get("id"));
                }
            }
            return null;
        });
    }

    /** {@code reservation_rollback}: positive reservations released, reservations soft-deleted. */
    public void rollbackReservations(List<String> reservationIds) throws SQLException {
        settleReservations(reservationIds, false);
    }

    /** {@code reservation_commit}: deltas moved from reserved to in_use, reservations soft-deleted. */
    public void commitReservations(List<String> reservationIds) throws SQLException {
        settleReservations(reservationIds, true);
    }

    private void settleReservations(List<String> uuids, boolean commit) throws SQLException {
        if (uuids == null || uuids.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            for (String uuid : uuids) {
                List<Map<String, Object>> rs = CinderDatabase.query(c, "SELECT r.id, r.delta, u.id AS usage_id, u.in_use, u.reserved "
                        + "FROM reservations r JOIN quota_usages u ON u.id = r.usage_id WHERE r.uuid = ? AND r.deleted = 0 FOR UPDATE", uuid);
                for (Map<String, Object> r : rs) {
                    int delta = ((Number) r.get("delta")).intValue();
                    int inUse = ((Number) r.get("in_use")).intValue();
                    int reserved = ((Number) r.get("reserved")).intValue();
                    if (delta >= 0) {
                        reserved -= Math.min(delta, reserved);
                    }
                    if (commit) {
                        inUse = Math.max(0, inUse + delta);
                    }
                    CinderDatabase.update(c, "UPDATE quota_usages SET in_use = ?, reserved = ?, updated_at = ? WHERE id = ?",
                            inUse, reserved, db.now(), r.get("usage_id"));
                    CinderDatabase.update(c, "UPDATE reservations SET deleted = 1, deleted_at = ? WHERE id = ?", db.now(), r.get("id"));
                }
            }
            return null;
        });
    }

    /**
     * {@code set_worker()}: this service takes the crash-cleanup row of a resource it starts
     * working on, creating it if the caller did not.
     */
    public void claimWorker(String resourceType, String resourceId, String status, int serviceId) throws SQLException {
        db.inTransaction(c -> {
            List<Map<String, Object>> rows = CinderDatabase.query(c, "SELECT id FROM workers WHERE resource_type = ? AND resource_id = ? "
                    + "AND deleted = 0 FOR UPDATE", resourceType, resourceId);
            LocalDateTime now = db.now();
            if (rows.isEmpty()) {
                CinderDatabase.update(c, "INSERT INTO workers (created_at, updated_at, deleted, resource_type, resource_id, status, "
                        + "service_id, race_preventer) VALUES (?, ?, 0, ?, ?, ?, ?, 0)", now, now, resourceType, resourceId, status, serviceId);
            } else {
                CinderDatabase.update(c, "UPDATE workers SET service_id = ?, status = ?, race_preventer = race_preventer + 1, "
                        + "updated_at = ? WHERE id = ?", serviceId, status, now, rows.get(0).get("id"));
            }
            return null;
        });
    }

    /** The resource left the status the worker row guards: the row is hard-deleted, as Cinder does. */
    public void releaseWorker(String resourceType, String resourceId) throws SQLException {
        db.update("DELETE FROM workers WHERE resource_type = ? AND resource_id = ?", resourceType, resourceId);
    }

    /** Worker rows this service owns (what a crash left behind), sentinel excluded. */
    public List<Map<String, Object>> workersOf(int serviceId) throws SQLException {
        return db.query("SELECT * FROM workers WHERE service_id = ? AND deleted = 0 AND resource_type <> 'SENTINEL'", serviceId);
    }

    /** Volumes of this backend ({@code host} exactly or {@code host#pool}) in one of {@code statuses}. */
    public List<Map<String, Object>> volumesOfBackend(String backendHost, List<String> statuses) throws SQLException {
        String in = String.join(",", statuses.stream().map(s -> "?").toList());
        List<Object> params = new ArrayList<>(List.of(backendHost, backendHost + "#%"));
        params.addAll(statuses);
        return db.query("SELECT * FROM volumes WHERE deleted = 0 AND (host = ? OR host LIKE BINARY ?) AND status IN (" + in + ")",
                params.toArray());
    }

    /** Volumes of a backend host (and its pools) whose {@code replication_status} is one of {@code replicationStatuses}. */
    public List<Map<String, Object>> volumesOfBackendByReplication(String backendHost, List<String> replicationStatuses) throws SQLException {
        String in = String.join(",", replicationStatuses.stream().map(s -> "?").toList());
        List<Object> params = new ArrayList<>(List.of(backendHost, backendHost + "#%"));
        params.addAll(replicationStatuses);
        return db.query("SELECT * FROM volumes WHERE deleted = 0 AND (host = ? OR host LIKE BINARY ?) AND replication_status IN ("
                + in + ")", params.toArray());
    }

    public List<Map<String, Object>> snapshotsOfBackend(String backendHost, List<String> statuses) throws SQLException {
        String in = String.join(",", statuses.stream().map(s -> "?").toList());
        List<Object> params = new ArrayList<>(List.of(backendHost, backendHost + "#%"));
        params.addAll(statuses);
        return db.query("SELECT s.* FROM snapshots s JOIN volumes v ON v.id = s.volume_id WHERE s.deleted = 0 "
                + "AND (v.host = ? OR v.host LIKE BINARY ?) AND s.status IN (" + in + ")", params.toArray());
    }

    /** Volumes of a backend host (and its pools) in one of {@code statuses}. */
    public List<VolumeRow> volumeRowsOfBackend(String backendHost, Collection<VolumeStatus> statuses) throws SQLException {
        return volumesOfBackend(backendHost, statuses.stream().map(VolumeStatus::column).toList()).stream().map(VolumeRow::of).toList();
    }

    /** Volumes of a backend host (and its pools) whose {@code replication_status} is one of {@code statuses}. */
    public List<VolumeRow> volumeRowsByReplication(String backendHost, Collection<ReplicationStatus> statuses) throws SQLException {
        return volumesOfBackendByReplication(backendHost, statuses.stream().map(ReplicationStatus::column).toList()).stream()
                .map(VolumeRow::of).toList();
    }

    /** Snapshots of the volumes of a backend host (and its pools) in one of {@code statuses}. */
    public List<SnapshotRow> snapshotRowsOfBackend(String backendHost, Collection<SnapshotStatus> statuses) throws SQLException {
        return snapshotsOfBackend(backendHost, statuses.stream().map(SnapshotStatus::column).toList()).stream()
                .map(SnapshotRow::of).toList();
    }

    /** The volume type's extra specs ({@code volume_type_extra_specs}), key → value. */
    public Map<String, String> volumeTypeExtraSpecs(String volumeTypeId) throws SQLException {
        Map<String, String> specs = new java.util.TreeMap<>();
        if (volumeTypeId != null) {
            for (Map<String, Object> r : db.query("SELECT `key`, `value` FROM volume_type_extra_specs WHERE volume_type_id = ? "
                    + "AND deleted = 0", volumeTypeId)) {
                specs.put((String) r.get("key"), (String) r.get("value"));
            }
        }
        return specs;
    }

    /**
     * Columns {@code finish_volume_migration} swaps between the original volume and its migration
     * target (the Volume object's fields, less id, provider_location, use_quota and the special
     * cases handled by {@link #finishVolumeMigration}).
     */
    private static final List<String> MIGRATION_SWAPPED = List.of("host", "cluster_name", "availability_zone", "size", "user_id",
            "project_id", "launched_at", "terminated_at", "display_name", "provider_auth", "provider_geometry", "provider_id",
            "bootable", "multiattach", "replication_status", "replication_extended_status", "replication_driver_data",
            "consistencygroup_id", "group_id", "previous_status", "service_uuid", "shared_targets", "encryption_key_id",
            "snapshot_id", "source_volid", "scheduled_at", "created_at", "attach_status");

    /** Columns a migration target does not take from its source ({@code _VOLUME_CLONE_SKIP_PROPERTIES} plus placement). */
    private static final java.util.Set<String> MIGRATION_NOT_COPIED = java.util.Set.of("id", "_name_id", "status", "attach_status",
            "migration_status", "use_quota", "host", "cluster_name", "availability_zone", "snapshot_id", "source_volid",
            "created_at", "updated_at", "deleted_at", "deleted", "launched_at", "terminated_at", "provider_location",
            "provider_auth", "provider_id", "provider_geometry", "service_uuid", "previous_status", "scheduled_at");

    /**
     * The destination volume of a generic migration ({@code _migrate_volume_generic}): the source's
     * row copied (name, size, owner, type, …) onto the destination host, {@code creating},
     * outside quota, {@code migration_status = target:<source id>}.
     */
    public void insertMigrationTarget(String newId, Map<String, Object> source, String host, String clusterName,
                                      String availabilityZone, String volumeTypeId) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> c : source.entrySet()) {
            if (c.getKey().matches("_?[a-z_]+") && !MIGRATION_NOT_COPIED.contains(c.getKey())) {
                values.put(c.getKey(), c.getValue());
            }
        }
        LocalDateTime now = db.now();
        values.put("id", newId);
        values.put("created_at", now);
        values.put("updated_at", now);
        values.put("deleted", 0);
        values.put("host", host);
        values.put("cluster_name", clusterName);
        values.put("availability_zone", availabilityZone);
        values.put("status", "creating");
        values.put("attach_status", "detached");
        values.put("migration_status", "target:" + source.get("id"));
        values.put("use_quota", 0);
        values.put("volume_type_id", volumeTypeId);
        StringBuilder sql = new StringBuilder("INSERT INTO volumes (");
        StringBuilder marks = new StringBuilder();
        for (String column : values.keySet()) {
            sql.append(marks.length() == 0 ? "" : ", ").append('`').append(column).append('`');
            marks.append(marks.length() == 0 ? "?" : ", ?");
        }
        sql.append(") VALUES (").append(marks).append(')');
        db.update(sql.toString(), values.values().toArray());
    }

    /**
     * {@code Volume.finish_volume_migration}: the original row takes over the migrated volume's
     * placement and state (keeping its id, provider_location and quota flag); the target row
     * becomes the old copy, {@code deleting}, named after the original so that deleting it
     * removes the source's storage. One transaction: no reader sees half a swap.
     */
    public void finishVolumeMigration(String originalId, String targetId) throws SQLException {
        db.inTransaction(c -> {
            Map<String, Object> original = CinderDatabase.query(c, "SELECT * FROM volumes WHERE id = ? FOR UPDATE", originalId).get(0);
            Map<String, Object> target = CinderDatabase.query(c, "SELECT * FROM volumes WHERE id = ? FOR UPDATE", targetId).get(0);
            Map<String, Object> toOriginal = new LinkedHashMap<>();
            Map<String, Object> toTarget = new LinkedHashMap<>();
            for (String column : MIGRATION_SWAPPED) {
                toOriginal.put(column, target.get(column));
                toTarget.put(column, original.get(column));
            }
            toOriginal.put("status", target.get("status"));
            toTarget.put("status", "deleting");
            toOriginal.put("migration_status", null);
            toTarget.put("migration_status", "deleting");
            toOriginal.put("display_description", target.get("display_description"));
            toTarget.put("display_description", "migration src for " + originalId);
            toOriginal.put("volume_type_id", target.get("volume_type_id"));
            if (target.get("_name_id") == null) {
                toTarget.put("_name_id", originalId);
            }
            LocalDateTime now = db.now();
            for (Map.Entry<String, Map<String, Object>> row : Map.of(originalId, toOriginal, targetId, toTarget).entrySet()) {
                StringBuilder sql = new StringBuilder("UPDATE volumes SET ");
                List<Object> params = new ArrayList<>();
                for (Map.Entry<String, Object> col : row.getValue().entrySet()) {
                    sql.append('`').append(col.getKey()).append("` = ?, ");
                    params.add(col.getValue());
                }
                sql.append("updated_at = ? WHERE id = ?");
                params.add(now);
                params.add(row.getKey());
                CinderDatabase.update(c, sql.toString(), params.toArray());
            }
            return null;
        });
    }

    /** The volume's {@code volume_glance_metadata}, replaced by {@code meta} (Cinder: created from an image, reimage). */
    public void replaceGlanceMetadata(String volumeId, Map<String, String> meta) throws SQLException {
        db.inTransaction(c -> {
            LocalDateTime now = db.now();
            CinderDatabase.update(c, "UPDATE volume_glance_metadata SET deleted = 1, deleted_at = ? WHERE volume_id = ? AND deleted = 0",
                    now, volumeId);
            for (Map.Entry<String, String> e : meta.entrySet()) {
                CinderDatabase.update(c, "INSERT INTO volume_glance_metadata (created_at, updated_at, deleted, volume_id, `key`, `value`) "
                        + "VALUES (?, ?, 0, ?, ?, ?)", now, now, volumeId, e.getKey(), e.getValue());
            }
            return null;
        });
    }

    /** A retyped volume's snapshots take its new type (Cinder's retype does the same). */
    public void retypeSnapshotsOf(String volumeId, String volumeTypeId) throws SQLException {
        db.update("UPDATE snapshots SET volume_type_id = ?, updated_at = ? WHERE volume_id = ? AND deleted = 0",
                volumeTypeId, now(), volumeId);
    }

    /** Snapshots of the volume that are not deleted. */
    public int snapshotCount(String volumeId) throws SQLException {
        return ((Number) db.query("SELECT COUNT(*) AS n FROM snapshots WHERE volume_id = ? AND deleted = 0", volumeId)
                .get(0).get("n")).intValue();
    }

    public int attachmentCount(String volumeId) throws SQLException {
        return ((Number) db.query("SELECT COUNT(*) AS n FROM volume_attachment WHERE volume_id = ? AND deleted = 0", volumeId)
                .get(0).get("n")).intValue();
    }

    public String volumeTypeName(String volumeTypeId) throws SQLException {
        return db.query("SELECT name FROM volume_types WHERE id = ?", volumeTypeId).stream()
                .findFirst().map(r -> (String) r.get("name")).orElse(null);
    }

    /** Sum of volume sizes of this backend, the manager's {@code allocated_capacity_gb}. */
    public long allocatedGb(String backendHost) throws SQLException {
        Object n = db.query("SELECT COALESCE(SUM(size), 0) AS n FROM volumes WHERE deleted = 0 AND (host = ? OR host LIKE BINARY ?)",
                backendHost, backendHost + "#%").get(0).get("n");
        return ((Number) n).longValue();
    }

    /** A user-visible error ({@code messages} table), as {@code cinder.message.api.API.create}. Never fatal. */
    public void userMessage(String projectId, String requestId, String resourceType, String resourceUuid, String actionId,
                            String detailId) {
        try {
            LocalDateTime now = db.now();
            db.update("INSERT INTO messages (created_at, updated_at, deleted, id, project_id, request_id, resource_type, "
                            + "resource_uuid, event_id, detail_id, action_id, message_level, expires_at) "
                            + "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, 'ERROR', ?)",
                    now, now, UUID.randomUUID().toString(), projectId, requestId, resourceType, resourceUuid,
                    "VOLUME_" + resourceType + "_" + actionId + "_" + detailId, detailId, actionId, now.plusSeconds(2_592_000));
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(ResourceTables.class).warn("Cannot record user message for {} {}: {}",
                    resourceType, resourceUuid, e.getMessage());
        }
    }


    /** The attachment row, unless deleted. */
    public Optional<Map<String, Object>> attachment(String attachmentId) throws SQLException {
        return db.query("SELECT * FROM volume_attachment WHERE id = ? AND deleted = 0", attachmentId).stream().findFirst();
    }

    /**
     * What attachment_update records once the connection is made, as Cinder's
     * {@code _connection_create} + {@code db.volume_attached(..., mark_attached=False)}: the
     * attachment carries the connector (JSON), host, mountpoint and mode and is 'attaching', and so
     * is the volume. cinder-api's attachment_complete then makes both 'attached' / 'in-use'.
     */
    public void attachmentConnecting(String attachmentId, String volumeId, String connectorJson, String host,
                                     String mountpoint, String mode) throws SQLException {
        db.inTransaction(c -> {
            LocalDateTime now = db.now();
            CinderDatabase.update(c, "UPDATE volume_attachment SET attach_status = 'attaching', connector = ?, attached_host = ?, "
                    + "mountpoint = ?, attach_mode = ?, attach_time = ?, updated_at = ? WHERE id = ? AND deleted = 0",
                    connectorJson, host, mountpoint, mode, now, now, attachmentId);
            CinderDatabase.update(c, "UPDATE volumes SET status = 'attaching', attach_status = 'attaching', updated_at = ? "
                    + "WHERE id = ? AND deleted = 0", now, volumeId);
            return null;
        });
    }

    /** {@code db.volume_detached} for one attachment: soft-deleted as detached. */
    public void detachAttachment(String attachmentId) throws SQLException {
        LocalDateTime now = db.now();
        db.update("UPDATE volume_attachment SET attach_status = 'detached', detach_time = ?, deleted = 1, deleted_at = ? "
                + "WHERE id = ? AND deleted = 0", now, now, attachmentId);
    }

    /** A backup that cannot get its device: error with a reason instead of 'creating' forever. */
    public void failBackup(String backupId, String reason) throws SQLException {
        db.update("UPDATE backups SET status = 'error', fail_reason = ?, updated_at = ? WHERE id = ? AND deleted = 0",
                reason, db.now(), backupId);
    }

    public void updateGroup(String id, Map<String, Object> columns) throws SQLException {
        updateRow("`groups`", id, columns);
    }

    public List<Map<String, Object>> groupVolumes(String groupId) throws SQLException {
        return db.query("SELECT * FROM volumes WHERE group_id = ? AND deleted = 0", groupId);
    }

    public void setGroupVolumesStatus(String groupId, String status) throws SQLException {
        db.update("UPDATE volumes SET status = ?, updated_at = ? WHERE group_id = ? AND deleted = 0", status, db.now(), groupId);
    }

    /** Group soft-deleted and its quota ({@code groups: -1}) given back. */
    public void destroyGroup(String groupId, String projectId) throws SQLException {
        LocalDateTime now = db.now();
        db.update("UPDATE `groups` SET status = 'deleted', deleted = 1, deleted_at = ? WHERE id = ? AND deleted = 0", now, groupId);
        releaseQuota(projectId, Map.of("groups", -1));
    }

    public void failGroupSnapshot(String id) throws SQLException {
        db.update("UPDATE group_snapshots SET status = 'error', updated_at = ? WHERE id = ? AND deleted = 0", db.now(), id);
        db.update("UPDATE snapshots SET status = 'error', updated_at = ? WHERE group_snapshot_id = ? AND deleted = 0", db.now(), id);
    }

    public void destroyGroupSnapshot(String id) throws SQLException {
        LocalDateTime now = db.now();
        db.update("UPDATE snapshots SET status = 'deleted', deleted = 1, deleted_at = ? WHERE group_snapshot_id = ? AND deleted = 0", now, id);
        db.update("UPDATE group_snapshots SET status = 'deleted', deleted = 1, deleted_at = ? WHERE id = ? AND deleted = 0", now, id);
    }
}
