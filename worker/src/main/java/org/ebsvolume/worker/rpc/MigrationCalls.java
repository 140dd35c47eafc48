package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceTable;
import org.ebsvolume.worker.replication.ReplicatedTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.ebsvolume.worker.rpc.Columns.cols;
import static org.ebsvolume.worker.rpc.RpcArguments.stringList;
import static org.ebsvolume.worker.rpc.RpcArguments.textArg;
import static org.ebsvolume.worker.rpc.RpcArguments.uuidArg;

/**
 * Cinder's migration and retype calls (cinder-volume-rpc 3.4): storage-assisted moves by the
 * driver, else the generic host-copy migration ({@link GenericMigration}), and the retype policy
 * around them.
 */
final class MigrationCalls {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationCalls.class);

    private final String backendName;
    private final ServiceIdentity identity;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final ServiceTable services;
    private final GenericMigration migration;
    private final Runnable publishCapabilities;
    private final VolumeRows rows;
    private final VolumeNotifications notifications;

    MigrationCalls(String backendName, ServiceIdentity identity, VolumeDriver driver, ResourceTables tables,
                   ServiceTable services, GenericMigration migration, Notifier notifier, Runnable publishCapabilities) {
        this.backendName = backendName;
        this.identity = identity;
        this.driver = driver;
        this.tables = tables;
        this.services = services;
        this.migration = migration;
        this.publishCapabilities = publishCapabilities;
        this.rows = new VolumeRows(tables);
        this.notifications = new VolumeNotifications(notifier);
    }

    private void restoreAfterFailedMigration(String id, Map<String, Object> row) throws SQLException {
        Map<String, Object> update = cols("migration_status", "error");
        Object previous = row.get("previous_status");
        if ("retyping".equals(row.get("status")) || "maintenance".equals(row.get("status"))) {
            update.put("status", previous == null ? "available" : previous);
        }
        tables.updateVolume(id, update);
    }

    /**
     * Cinder's {@code migrate_volume}: storage-assisted when the driver can move the volume
     * itself (another volume group of this node); otherwise the generic host-copy migration,
     * which this service does not do yet, so the volume stays where it is with
     * {@code migration_status = error}.
     */
    Object migrateVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        JsonNode host = a.get("host");
        String dest = host == null ? "" : host.path("host").asText("");
        boolean forceHostCopy = a.path("force_host_copy").asBoolean(false);
        Map<String, Object> row = rows.volume(id);
        if (!forceHostCopy && moveByDriver(ctx, id, row, host, null)) {
            return null;
        }
        try {
            tables.updateVolume(id, cols("migration_status", "migrating"));
            migration.migrate(ctx, rows.volume(id), host, null);
        } catch (GenericMigration.MigrationFailedException e) {
            restoreAfterFailedMigration(id, row);
            throw CinderErrors.volumeMigrationFailed(e.getMessage());
        }
        return null;
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
        if (tables.attachmentCount(id) > 0) {
            // The driver copies with dd: an attached volume would change under the copy.
            LOG.info("{} Volume {} is attached: not moving it by the driver", ctx.logPrefix(), id);
            return false;
        }
        tables.updateVolume(id, cols("migration_status", "migrating"));
        Optional<Map<String, Object>> moved;
        try {
            moved = driver.migrateVolume(rows.ref(row), dest, capabilities);
        } catch (DriverException e) {
            LOG.error("{} Volume {}: migration to {} failed: {}", ctx.logPrefix(), id, dest, e.getMessage());
            Map<String, Object> update = cols("migration_status", "error");
            update.putAll(statusUpdate);
            tables.updateVolume(id, update);
            throw CinderErrors.volumeMigrationFailed(e.getMessage());
        }
        if (moved.isEmpty()) {
            return false;
        }
        Map<String, Object> update = cols("host", dest, "cluster_name", host.path("cluster_name").isTextual()
                ? host.get("cluster_name").asText() : null, "migration_status", "success", "previous_status", row.get("status"));
        services.find(dest.contains("#") ? dest.substring(0, dest.indexOf('#')) : dest)
                .ifPresent(service -> update.put("availability_zone", service.availabilityZone()));
        if (newTypeId != null) {
            update.put("volume_type_id", newTypeId);
        }
        update.putAll(statusUpdate);
        update.putAll(moved.get());
        tables.updateVolume(id, update);
        LOG.info("{} Volume {}: migrated to {} by the driver", ctx.logPrefix(), id, dest);
        return true;
    }

    Object migrateVolumeCompletion(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        Map<String, Object> row = rows.volume(id);
        Object previous = row.get("previous_status");
        tables.updateVolume(id, cols("migration_status", "error", "status", previous == null ? "available" : previous));
        if (!a.path("error").asBoolean(false)) {
            throw CinderErrors.volumeMigrationFailed("backend " + backendName + " cannot complete migrations");
        }
        return id;
    }

    /**
     * {@code update_migrated_volume}, on the destination of a generic migration: the driver says
     * under which name the data now lives (the EBS driver renames the LV to the original volume's
     * name); the original row takes that, the temporary row keeps the original's old values of
     * the same keys, as Cinder's manager does.
     */
    Object updateMigratedVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        String targetId = VersionedObject.from(a, "new_volume", "Volume").id();
        String status = textArg(a, "volume_status");
        Map<String, Object> original = rows.volume(id);
        Map<String, Object> target = rows.volume(targetId);
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("_name_id", target.get("_name_id") != null ? target.get("_name_id") : targetId);
        update.put("provider_location", target.get("provider_location"));
        Map<String, Object> driverUpdate;
        try {
            driverUpdate = driver.updateMigratedVolume(rows.ref(original), rows.ref(target), status);
        } catch (DriverException e) {
            LOG.warn("{} Volume {}: driver could not finish the migration, keeping the new name: {}", ctx.logPrefix(), id, e.getMessage());
            driverUpdate = Map.of();
        }
        Map<String, Object> keepOnTarget = new LinkedHashMap<>();
        for (String key : driverUpdate.keySet()) {
            keepOnTarget.put(key, original.get(key));
        }
        update.putAll(driverUpdate);
        tables.updateVolume(targetId, keepOnTarget);
        tables.updateVolume(id, update);
        return null;
    }

    /** A retype that does not happen: the volume back to {@code restore}, both types' reservations released. */
    private void abandonRetype(String id, Map<String, Object> restore, List<String> reservations, List<String> oldReservations)
            throws SQLException {
        tables.updateVolume(id, restore);
        tables.rollbackReservations(reservations);
        tables.rollbackReservations(oldReservations);
    }

    /** Cinder's {@code _can_use_driver_migration}: the extra specs differ at most in backend name and AZ. */
    private boolean onlyPlacementDiffers(String oldTypeId, String newTypeId) throws SQLException {
        Map<String, String> before = new LinkedHashMap<>(tables.volumeTypeExtraSpecs(oldTypeId));
        Map<String, String> after = new LinkedHashMap<>(tables.volumeTypeExtraSpecs(newTypeId));
        for (String placement : List.of("volume_backend_name", "RESKEY:availability_zones")) {
            before.remove(placement);
            after.remove(placement);
        }
        return before.equals(after);
    }

    Object retype(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "volume", "Volume").id();
        String newTypeId = uuidArg(a, "new_type_id");
        Map<String, Object> row = rows.volume(id);
        List<String> reservations = stringList(a, "reservations");
        List<String> oldReservations = stringList(a, "old_reservations");
        String destination = a.at("/host/host").asText("");
        String mine = identity.host();
        boolean sameBackend = destination.equals(mine) || destination.startsWith(mine + "#");
        Object previous = row.get("previous_status");
        String restored = previous == null ? "available" : previous.toString();
        if (!sameBackend) {
            // The type needs another backend: the data moves, by the driver when the types differ
            // only in where they live (Cinder's _can_use_driver_migration), e.g. a thin and a
            // thick backend of this node.
            boolean hasSnapshots = tables.snapshotCount(id) > 0;
            boolean replicated = ReplicatedTypes.isUnderDrbd(VolumeRow.of(row), tables);
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
                    tables.updateVolume(id, cols("migration_status", "migrating"));
                    migration.migrate(ctx, rows.volume(id), a.get("host"), newTypeId);
                } catch (GenericMigration.MigrationFailedException e) {
                    abandonRetype(id, cols("status", restored, "migration_status", "error"), reservations, oldReservations);
                    throw CinderErrors.volumeMigrationFailed(e.getMessage());
                }
            }
            tables.commitReservations(reservations);
            tables.commitReservations(oldReservations);
            notifications.send(ctx, "volume.retype", rows.volume(id));
            publishCapabilities.run();
            return null;
        }
        // Same backend: the driver changes what the new type needs (here: replication on or off;
        // nothing else for LVM), then the retype is the database change.
        Map<String, String> oldSpecs = tables.volumeTypeExtraSpecs((String) row.get("volume_type_id"));
        Map<String, String> newSpecs = tables.volumeTypeExtraSpecs(newTypeId);
        boolean replicatedType = ReplicatedTypes.isReplicatedSpec(newSpecs);
        Optional<Map<String, Object>> driverUpdate;
        try {
            driverUpdate = driver.retype(rows.ref(row), replicatedType, "attached".equals(row.get("attach_status")));
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
        tables.updateVolume(id, update);
        // Cinder: "We need to make the snapshots match the volume's type".
        tables.retypeSnapshotsOf(id, newTypeId);
        tables.commitReservations(reservations);
        tables.commitReservations(oldReservations);
        notifications.send(ctx, "volume.retype", rows.volume(id));
        publishCapabilities.run();
        return null;
    }
}
