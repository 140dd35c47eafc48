package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CinderSchemaDatabase;
import org.ebsvolume.worker.testing.FakeVolumeDriver;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * One backend as the RPC handlers see it, on a real database with Cinder's schema (its own,
 * {@value #DATABASE}) and an in-memory driver: a services row, a volume type and a project of
 * its own, so tests never see each other's rows. Helpers insert rows the way cinder-api leaves
 * them before it casts to the volume service, and build the call's context and arguments.
 */
final class RpcTestBackend implements AutoCloseable {

    static final String DATABASE = "cinder_rpcunit";
    static final Path DIR = Path.of("/tmp/ebs-cinder-rpcunit");

    final CinderDatabase database;
    /** The test's own client, for setup and assertions. */
    final CinderDb db;
    final ResourceTables tables;
    final ServiceTable services;
    final FakeVolumeDriver driver = new FakeVolumeDriver();
    final String host;
    final ServiceRow serviceRow;
    final String projectId = UUID.randomUUID().toString().replace("-", "");
    final String volumeTypeId = UUID.randomUUID().toString();
    final String volumeTypeName = "rpcunit-" + volumeTypeId.substring(0, 8);

    RpcTestBackend() throws SQLException {
        CinderSchemaDatabase.ensure(DATABASE, DIR);
        database = CinderSchemaDatabase.open(DATABASE);
        db = CinderSchemaDatabase.client(DATABASE);
        tables = new ResourceTables(database);
        services = new ServiceTable(database);
        host = "rpcunit-" + projectId.substring(0, 8) + "@fake";
        serviceRow = services.registerOrReuse(new ServiceIdentity(host, null, "nova"));
        db.update("INSERT INTO volume_types (created_at, deleted, id, name, is_public) VALUES (UTC_TIMESTAMP(), 0, ?, ?, 1)",
                volumeTypeId, volumeTypeName);
    }

    /** A request of this backend's project, as cinder-api sends it. */
    MessageContext context() {
        return MessageContext.of(Map.of("project_id", projectId, "user_id", "admin",
                "request_id", "req-" + UUID.randomUUID(), "is_admin", true));
    }

    /** A volume row of this backend's project and type in {@code status}, detached. */
    String volume(String status, int sizeGb) {
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO volumes (created_at, updated_at, deleted, id, user_id, project_id, host, size, availability_zone, "
                + "status, attach_status, volume_type_id, display_name, replication_status, use_quota) "
                + "VALUES (UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0, ?, 'admin', ?, ?, ?, 'nova', ?, 'detached', ?, ?, 'disabled', 1)",
                id, projectId, host + "#fake", sizeGb, status, volumeTypeId, "v-" + id.substring(0, 8));
        return id;
    }

    /** A snapshot row of {@code volumeId} in {@code status}. */
    String snapshot(String volumeId, String status) {
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO snapshots (created_at, updated_at, deleted, id, volume_id, user_id, project_id, status, progress, "
                + "volume_size, volume_type_id, use_quota) SELECT UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0, ?, id, user_id, project_id, ?, "
                + "'0%', size, volume_type_id, 1 FROM volumes WHERE id = ?", id, status, volumeId);
        return id;
    }

    /** The attachment cinder-api's attachment_create leaves: reserved, no connector yet. */
    String reservedAttachment(String volumeId) {
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO volume_attachment (created_at, updated_at, deleted, id, volume_id, instance_uuid, attach_status) "
                + "VALUES (UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0, ?, ?, ?, 'reserved')", id, volumeId, UUID.randomUUID().toString());
        return id;
    }

    /** Sets this project's usage of {@code resource} (in_use, nothing reserved). */
    void quotaInUse(String resource, int inUse) {
        db.update("INSERT INTO quota_usages (created_at, updated_at, deleted, project_id, resource, in_use, reserved, "
                + "race_preventer) VALUES (UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0, ?, ?, ?, 0, 0)", projectId, resource, inUse);
    }

    int quotaInUse(String resource) {
        return ((Number) db.scalar("SELECT in_use FROM quota_usages WHERE project_id = ? AND resource = ? AND deleted = 0",
                projectId, resource)).intValue();
    }

    /** The volume's row, deleted or not. */
    Map<String, Object> volumeRow(String id) {
        return db.single("SELECT * FROM volumes WHERE id = ?", id);
    }

    Map<String, Object> snapshotRow(String id) {
        return db.single("SELECT * FROM snapshots WHERE id = ?", id);
    }

    /** {@code {name: <versioned object with this id>}}, as oslo.messaging carries a Cinder object argument. */
    static ObjectNode args(String name, String objectName, String id) {
        ObjectNode data = PythonJson.MAPPER.createObjectNode();
        data.put("id", id);
        ObjectNode a = PythonJson.MAPPER.createObjectNode();
        a.set(name, VersionedObject.primitive(objectName, data));
        return a;
    }

    @Override
    public void close() {
        db.close();
        database.close();
    }
}
