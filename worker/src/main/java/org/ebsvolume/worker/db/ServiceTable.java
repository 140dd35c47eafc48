package org.ebsvolume.worker.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code services} row of each backend, written exactly as cinder-volume writes it
 * (cinder-objects-and-db §5): created once and reused on restart, heartbeats that bump
 * {@code report_count} and {@code updated_at}, and the freeze/thaw/replication columns.
 * A change of {@code disabled} moves {@code modified_at}, not {@code updated_at}, so an admin
 * action never counts as a heartbeat.
 */
public final class ServiceTable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceTable.class);
    private static final String COLUMNS = "id, uuid, host, cluster_name, disabled, disabled_reason, frozen, "
            + "replication_status, active_backend_id, report_count, availability_zone, updated_at";

    private final CinderDatabase db;

    public ServiceTable(CinderDatabase db) {
        this.db = db;
    }

    /** Finds this backend's row (by host and binary, not deleted) or creates it; then its cluster. */
    public ServiceRow registerOrReuse(ServiceIdentity me) throws SQLException {
        ServiceRow row = registerService(me);
        if (me.clusterName() == null) {
            return row;
        }
        ensureCluster(me, row);
        return find(me.host()).orElseThrow();
    }

    /**
     * {@code _ensure_cluster_exists}: the first member creates the {@code clusters} row from its
     * own state; a joining member takes the cluster's replication state and freeze (unless it is
     * itself in a replication error).
     */
    private void ensureCluster(ServiceIdentity me, ServiceRow row) throws SQLException {
        List<Map<String, Object>> clusters = db.query("SELECT replication_status, active_backend_id, frozen FROM clusters "
                + "WHERE name = ? AND `binary` = ? AND deleted = 0", me.clusterName(), ServiceIdentity.BINARY);
        LocalDateTime now = db.now();
        if (clusters.isEmpty()) {
            db.update("INSERT INTO clusters (created_at, updated_at, deleted, name, `binary`, disabled, race_preventer, "
                            + "replication_status, active_backend_id, frozen) VALUES (?, ?, 0, ?, ?, ?, 0, ?, ?, ?)",
                    now, now, me.clusterName(), ServiceIdentity.BINARY, row.disabled(), row.replicationStatus(),
                    row.activeBackendId(), row.frozen());
            LOG.info("Created cluster {}", me.clusterName());
        } else if (!List.of("error", "failover-error").contains(row.replicationStatus())) {
            Map<String, Object> c = clusters.get(0);
            db.update("UPDATE services SET replication_status = ?, active_backend_id = ?, frozen = ?, updated_at = ? WHERE id = ?",
                    c.get("replication_status"), c.get("active_backend_id"), truthy(c.get("frozen")), now, row.id());
        }
    }

    private ServiceRow registerService(ServiceIdentity me) throws SQLException {
        Optional<ServiceRow> existing = find(me.host());
        LocalDateTime now = db.now();
        if (existing.isPresent()) {
            ServiceRow row = existing.get();
            db.update("UPDATE services SET rpc_current_version = ?, object_current_version = ?, cluster_name = ?, updated_at = ? "
                            + "WHERE id = ? AND deleted = 0",
                    ServiceIdentity.RPC_VERSION, ServiceIdentity.OBJECT_VERSION, me.clusterName(), now, row.id());
            LOG.info("Reusing services row {} (uuid {}) for {}", row.id(), row.uuid(), me.host());
            return find(me.host()).orElseThrow();
        }
        db.update("INSERT INTO services (created_at, updated_at, deleted, host, `binary`, topic, report_count, disabled, "
                        + "availability_zone, rpc_current_version, object_current_version, replication_status, frozen, "
                        + "cluster_name, uuid) VALUES (?, ?, 0, ?, ?, ?, 0, 0, ?, ?, ?, 'not-capable', 0, ?, ?)",
                now, now, me.host(), ServiceIdentity.BINARY, ServiceIdentity.TOPIC, me.availabilityZone(),
                ServiceIdentity.RPC_VERSION, ServiceIdentity.OBJECT_VERSION, me.clusterName(), UUID.randomUUID().toString());
        ServiceRow row = find(me.host()).orElseThrow(() -> new SQLException("services row for " + me.host() + " vanished after insert"));
        LOG.info("Created services row {} (uuid {}) for {}", row.id(), row.uuid(), me.host());
        return row;
    }

    public Optional<ServiceRow> find(String host) throws SQLException {
        List<Map<String, Object>> rows = db.query("SELECT " + COLUMNS + " FROM services WHERE host = ? AND `binary` = ? "
                + "AND deleted = 0 ORDER BY id LIMIT 1", host, ServiceIdentity.BINARY);
        return rows.stream().findFirst().map(ServiceTable::toRow);
    }

    public Optional<ServiceRow> byId(int id) throws SQLException {
        return db.query("SELECT " + COLUMNS + " FROM services WHERE id = ? AND deleted = 0", id).stream()
                .findFirst().map(ServiceTable::toRow);
    }

    /**
     * {@code Service.report_state}: report_count + 1 and updated_at = now, plus the availability
     * zone when it changed. A row deleted behind our back is created again.
     */
    public ServiceRow heartbeat(ServiceRow row, ServiceIdentity me) throws SQLException {
        Optional<ServiceRow> current = byId(row.id());
        if (current.isEmpty()) {
            LOG.warn("services row {} for {} is gone; creating it again", row.id(), me.host());
            return registerOrReuse(me);
        }
        ServiceRow r = current.get();
        if (me.availabilityZone().equals(r.availabilityZone())) {
            db.update("UPDATE services SET report_count = ?, updated_at = ? WHERE deleted = 0 AND id = ?",
                    r.reportCount() + 1, db.now(), r.id());
        } else {
            db.update("UPDATE services SET report_count = ?, updated_at = ?, availability_zone = ? WHERE deleted = 0 AND id = ?",
                    r.reportCount() + 1, db.now(), me.availabilityZone(), r.id());
        }
        return r;
    }

    /** {@code freeze_host}: the API already set frozen; the service disables itself. */
    public void markFrozen(int id) throws SQLException {
        db.update("UPDATE services SET disabled = 1, disabled_reason = 'frozen', modified_at = ? WHERE id = ? AND deleted = 0",
                db.now(), id);
    }

    /** {@code thaw_host}: enabled again with an empty reason. */
    public void markThawed(int id) throws SQLException {
        db.update("UPDATE services SET disabled = 0, disabled_reason = '', modified_at = ? WHERE id = ? AND deleted = 0",
                db.now(), id);
    }

    /** Writes {@code replication_status} when it differs (init_host_with_rpc). */
    public void setReplicationStatus(int id, String status) throws SQLException {
        db.update("UPDATE services SET replication_status = ?, updated_at = ? WHERE id = ? AND deleted = 0 "
                + "AND (replication_status IS NULL OR replication_status <> ?)", status, db.now(), id, status);
    }

    /** Applies failover column updates; {@code disabled} among them moves modified_at instead of updated_at. */
    public void applyUpdates(int id, Map<String, Object> updates) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("UPDATE services SET ");
        Object[] params = new Object[updates.size() + 2];
        int i = 0;
        for (Map.Entry<String, Object> u : updates.entrySet()) {
            if (!u.getKey().matches("[a-z_]+")) {
                throw new IllegalArgumentException("not a services column: " + u.getKey());
            }
            sql.append(u.getKey()).append(" = ?, ");
            params[i++] = u.getValue();
        }
        sql.append(updates.containsKey("disabled") ? "modified_at = ?" : "updated_at = ?");
        params[i++] = db.now();
        sql.append(" WHERE id = ? AND deleted = 0");
        params[i] = id;
        db.update(sql.toString(), params);
    }

    private static ServiceRow toRow(Map<String, Object> r) {
        return new ServiceRow(((Number) r.get("id")).intValue(), (String) r.get("uuid"), (String) r.get("host"),
                (String) r.get("cluster_name"), truthy(r.get("disabled")), (String) r.get("disabled_reason"),
                truthy(r.get("frozen")), (String) r.get("replication_status"), (String) r.get("active_backend_id"),
                ((Number) r.get("report_count")).intValue(), (String) r.get("availability_zone"),
                (LocalDateTime) r.get("updated_at"));
    }

    static boolean truthy(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        return v instanceof Number n && n.intValue() != 0;
    }
}
