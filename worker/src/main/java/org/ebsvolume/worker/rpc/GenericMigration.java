package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.RpcClient;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.replication.ReplicatedTypes;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Cinder's generic (host-copy) migration, source side ({@code _migrate_volume_generic} and
 * {@code migrate_volume_completion}): a target volume is created on the destination backend
 * through its own {@code create_volume}, attached here over iSCSI through its
 * {@code initialize_connection}, filled with dd, detached; then the destination renames it
 * ({@code update_migrated_volume}), the two rows swap so the volume keeps its id, and the old
 * copy here is deleted through this backend's own {@code delete_volume}.
 *
 * <p>Attached volumes are refused: Cinder hands those to Nova's swap-volume, which this service
 * has no Nova to ask.
 */
final class GenericMigration {

    private static final Logger LOG = LoggerFactory.getLogger(GenericMigration.class);

    private final ServiceIdentity identity;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final ServiceTable services;
    private final Function<Target, RpcClient> clients;
    private final Duration createTimeout;
    private final Pause pause;

    /** @param pause how the polls for the destination's new volume wait (tests record them) */
    GenericMigration(ServiceIdentity identity, VolumeDriver driver, ResourceTables tables, ServiceTable services,
                     Function<Target, RpcClient> clients, Duration createTimeout, Pause pause) {
        this.identity = identity;
        this.driver = driver;
        this.tables = tables;
        this.services = services;
        this.clients = clients;
        this.createTimeout = createTimeout;
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /** A typed failure: the caller sets migration_status=error and answers VolumeMigrationFailed. */
    static final class MigrationFailedException extends Exception {
        MigrationFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Moves the volume; on return the original row points at the destination. On failure the
     * temporary volume is removed (on the destination, or only its row when it never got storage)
     * and the source volume is untouched.
     */
    void migrate(MessageContext ctx, Map<String, Object> source, JsonNode host, String newTypeId) throws Exception {
        String id = (String) source.get("id");
        if (tables.attachmentCount(id) > 0) {
            throw new MigrationFailedException("volume " + id + " is attached: moving it needs Nova's swap-volume", null);
        }
        String destination = host.path("host").asText("");
        String destinationBackend = destination.contains("#") ? destination.substring(0, destination.indexOf('#')) : destination;
        String clusterName = host.path("cluster_name").isTextual() ? host.get("cluster_name").asText() : null;
        String az = services.find(destinationBackend).map(s -> s.availabilityZone()).orElse(null);
        String newId = UUID.randomUUID().toString();
        String typeId = newTypeId != null ? newTypeId : (String) source.get("volume_type_id");
        tables.insertMigrationTarget(newId, source, destination, clusterName, az, typeId);
        LOG.info("{} Volume {}: generic migration to {} through temporary volume {}", ctx.logPrefix(), id, destination, newId);
        RpcClient remote = clients.apply(Target.topic("cinder-volume").withServer(clusterName != null ? clusterName : destinationBackend));
        boolean created = false;
        try {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("request_spec", null);
            args.put("filter_properties", null);
            args.put("allow_reschedule", false);
            args.put("volume", volumeObject(newId));
            remote.prepare(tg -> tg.withVersion("3.0")).cast(ctx, "create_volume", args);
            waitUntilAvailable(newId);
            created = true;
            copyOnto(ctx, remote, source, newId);
            complete(ctx, remote, id, newId);
        } catch (Exception e) {
            LOG.error("{} Volume {}: generic migration to {} failed: {}", ctx.logPrefix(), id, destination, e.getMessage());
            cleanTemporary(ctx, remote, newId, created);
            throw e instanceof MigrationFailedException ? e : new MigrationFailedException(e.getMessage(), e);
        }
    }

    private static ObjectNode volumeObject(String id) {
        ObjectNode data = PythonJson.MAPPER.createObjectNode();
        data.put("id", id);
        return VersionedObject.primitive("Volume", data);
    }

    /** Cinder polls with growing pauses (1, 4, 9 … s); the cap keeps it responsive on quick backends. */
    private void waitUntilAvailable(String newId) throws Exception {
        long deadline = System.nanoTime() + createTimeout.toNanos();
        for (int tries = 1; ; tries++) {
            Optional<Map<String, Object>> row = tables.volume(newId);
            String status = row.map(r -> (String) r.get("status")).orElse("deleted");
            if ("available".equals(status)) {
                return;
            }
            if ("error".equals(status) || "deleted".equals(status)) {
                throw new MigrationFailedException("failed to create new_volume on destination", null);
            }
            if (System.nanoTime() > deadline) {
                throw new MigrationFailedException("timeout creating new_volume on destination", null);
            }
            pause.sleep(Duration.ofSeconds(Math.min(tries * tries, 5)));
        }
    }

    @SuppressWarnings("unchecked")
    private void copyOnto(MessageContext ctx, RpcClient remote, Map<String, Object> source, String newId) throws Exception {
        Map<String, Object> connector = driver.localConnector();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("volume", volumeObject(newId));
        args.put("connector", connector);
        JsonNode info = remote.prepare(tg -> tg.withVersion("3.0")).withTimeout(Duration.ofMinutes(5))
                .call(ctx, "initialize_connection", args);
        try {
            driver.copyVolumeTo(ref(source), PythonJson.MAPPER.convertValue(info, Map.class));
        } finally {
            Map<String, Object> terminate = new LinkedHashMap<>();
            terminate.put("volume_id", newId);
            terminate.put("connector", connector);
            terminate.put("force", false);
            remote.prepare(tg -> tg.withVersion("3.0")).call(ctx, "terminate_connection", terminate);
            Map<String, Object> remove = new LinkedHashMap<>();
            remove.put("volume_id", newId);
            remote.prepare(tg -> tg.withVersion("3.0")).call(ctx, "remove_export", remove);
        }
    }

    /** {@code migrate_volume_completion} for a detached volume. */
    private void complete(MessageContext ctx, RpcClient remote, String id, String newId) throws Exception {
        Map<String, Object> original = tables.volume(id).orElseThrow();
        Object originalStatus = original.get("previous_status") == null ? "available" : original.get("previous_status");
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("volume", volumeObject(id));
        args.put("new_volume", volumeObject(newId));
        args.put("volume_status", originalStatus);
        remote.prepare(tg -> tg.withVersion("3.0")).withTimeout(Duration.ofMinutes(5)).call(ctx, "update_migrated_volume", args);
        tables.finishVolumeMigration(id, newId);
        Map<String, Object> now = tables.volume(id).orElseThrow();
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("status", originalStatus);
        update.put("previous_status", now.get("status"));
        update.put("migration_status", "success");
        tables.updateVolume(id, update);
        // The old copy (now row newId, named after the original, on this host) goes through our
        // own delete_volume, asynchronously as in Cinder.
        Map<String, Object> delete = new LinkedHashMap<>();
        delete.put("volume", volumeObject(newId));
        delete.put("unmanage_only", false);
        delete.put("cascade", false);
        clients.apply(Target.topic("cinder-volume").withServer(identity.host())).prepare(tg -> tg.withVersion("3.0"))
                .cast(ctx, "delete_volume", delete);
        LOG.info("{} Complete-Migrate volume {} completed successfully.", ctx.logPrefix(), id);
    }

    /** {@code _clean_temporary_volume}: the destination deletes what it made; a volume that never got storage loses only its row. */
    private void cleanTemporary(MessageContext ctx, RpcClient remote, String newId, boolean created) {
        try {
            if (created) {
                Map<String, Object> delete = new LinkedHashMap<>();
                delete.put("volume", volumeObject(newId));
                delete.put("unmanage_only", false);
                delete.put("cascade", false);
                remote.prepare(tg -> tg.withVersion("3.0")).cast(ctx, "delete_volume", delete);
            } else {
                tables.destroyVolume(newId);
            }
        } catch (Exception e) {
            LOG.error("{} Could not clean up temporary volume {} of a failed migration: {}", ctx.logPrefix(), newId, e.getMessage());
        }
    }

    /** The driver's view of a volume row; under DRBD or not by the one rule. */
    private VolumeRef ref(Map<String, Object> row) {
        return ReplicatedTypes.volumeRef(VolumeRow.of(row), tables);
    }
}
