package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.ebsvolume.worker.rpc.Columns.cols;
import static org.ebsvolume.worker.rpc.RpcArguments.textArg;
import static org.ebsvolume.worker.rpc.RpcArguments.uuidArg;
import static org.ebsvolume.worker.rpc.SecondaryUpdates.uncheck;

/** Cinder's attach, detach and export calls (cinder-volume-rpc 3.3): the new attachment API and the legacy one. */
final class AttachmentCalls {

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentCalls.class);

    private final String backendName;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final VolumeRows rows;

    AttachmentCalls(String backendName, VolumeDriver driver, ResourceTables tables) {
        this.backendName = backendName;
        this.driver = driver;
        this.tables = tables;
        this.rows = new VolumeRows(tables);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> connector(ObjectNode a) {
        JsonNode c = a.get("connector");
        if (c == null || !c.isObject()) {
            throw CinderErrors.invalidInput("Connector doesn't have required information: connector is missing");
        }
        return PythonJson.MAPPER.convertValue(c, Map.class);
    }

    Object attachmentUpdate(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "vref", "Volume").id();
        String attachmentId = uuidArg(a, "attachment_id");
        Map<String, Object> conn = connector(a);
        Map<String, Object> row = rows.volume(id);
        try {
            Map<String, Object> model = driver.createExport(rows.ref(row), conn);
            tables.updateVolume(id, model);
            // As Cinder's volume.update(model_update): the connection is built from the exported row.
            Map<String, Object> info = driver.initializeConnection(rows.ref(rows.volume(id)), conn);
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
            uncheck(() -> tables.updateVolume(id, Map.of()));
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
        Optional<Map<String, Object>> attachment = tables.attachment(attachmentId);
        Object reserved = attachment.map(r -> r.get("attach_mode")).orElse("null");
        if (!"null".equals(reserved)) {
            mode = reserved;
            conn.put("mode", mode);
        }
        Object host = conn.getOrDefault("host", "");
        Object mountpoint = conn.getOrDefault("mountpoint", "na");
        tables.attachmentConnecting(attachmentId, volumeId, PythonJson.dumps(PythonJson.MAPPER.valueToTree(conn)),
                host == null ? null : host.toString(), mountpoint == null ? null : mountpoint.toString(),
                mode == null ? null : mode.toString());
    }

    Object attachmentDelete(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "vref", "Volume").id();
        Map<String, Object> row = rows.volume(id);
        try {
            driver.terminateConnection(rows.ref(row), recordedConnector(textArg(a, "attachment_id")));
            if (tables.attachmentCount(id) <= 1) {
                driver.removeExport(rows.ref(row));
            }
        } catch (DriverException e) {
            LOG.warn("{} Volume {}: removing the export failed (ignored, as Cinder does): {}", ctx.logPrefix(), id, e.getMessage());
        }
        return null;
    }

    /** The connector attachment_update recorded (Cinder's {@code attachment.connector}), or an empty map. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> recordedConnector(String attachmentId) throws SQLException {
        Object json = attachmentId == null ? null : tables.attachment(attachmentId).map(r -> r.get("connector")).orElse(null);
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

    Object attachVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        LOG.error("{} Volume {}: legacy attach failed: backend {} has no storage driver", ctx.logPrefix(), id, backendName);
        tables.moveVolumeStatus(id, VolumeStatus.ATTACHING, VolumeStatus.AVAILABLE);
        throw CinderErrors.backendApi("backend " + backendName + " cannot attach volumes");
    }

    Object detachVolume(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        Map<String, Object> row = rows.volume(id);
        try {
            driver.removeExport(rows.ref(row));
        } catch (DriverException e) {
            throw CinderErrors.removeExportFailed(id, e.getMessage());
        }
        String attachmentId = textArg(a, "attachment_id");
        if (attachmentId != null && Ids.isUuid(attachmentId)) {
            tables.detachAttachment(attachmentId);
        }
        int remaining = tables.attachmentCount(id);
        tables.updateVolume(id, remaining > 0 ? cols("status", VolumeStatus.IN_USE, "attach_status", "attached")
                : cols("status", "available", "attach_status", "detached"));
        return null;
    }

    Object initializeConnection(MessageContext ctx, ObjectNode a) throws Exception {
        VersionedObject v = VersionedObject.from(a, "volume", "Volume");
        Map<String, Object> conn = connector(a);
        Map<String, Object> row = rows.volume(v.id());
        try {
            tables.updateVolume(v.id(), driver.createExport(rows.ref(row), conn));
        } catch (DriverException e) {
            uncheck(() -> driver.removeExport(rows.ref(row)));
            throw CinderErrors.exportFailure(e.getMessage());
        }
        try {
            return driver.initializeConnection(rows.ref(rows.volume(v.id())), conn);
        } catch (DriverException e) {
            throw CinderErrors.backendApi("Driver initialize connection failed (error: " + e.getMessage() + ").");
        }
    }

    Object terminateConnection(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        try {
            driver.terminateConnection(rows.ref(rows.volume(id)), connector(a));
        } catch (DriverException e) {
            throw CinderErrors.backendApi("Terminate volume connection failed: " + e.getMessage());
        }
        return null;
    }

    Object removeExport(MessageContext ctx, ObjectNode a) throws Exception {
        String id = uuidArg(a, "volume_id");
        try {
            driver.removeExport(rows.ref(rows.volume(id)));
        } catch (DriverException e) {
            throw CinderErrors.removeExportFailed(id, e.getMessage());
        }
        return null;
    }
}
