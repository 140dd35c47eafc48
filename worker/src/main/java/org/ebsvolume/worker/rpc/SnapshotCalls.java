package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.SnapshotStatus;
import org.ebsvolume.worker.db.ServiceRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.ebsvolume.worker.rpc.Columns.cols;
import static org.ebsvolume.worker.rpc.RpcArguments.project;

/** Cinder's snapshot calls (cinder-volume-rpc 3.2). */
final class SnapshotCalls {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCalls.class);

    private final String backendName;
    private final Supplier<ServiceRow> serviceRow;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final VolumeRows rows;
    private final Quotas quotas;

    SnapshotCalls(String backendName, Supplier<ServiceRow> serviceRow, VolumeDriver driver, ResourceTables tables) {
        this.backendName = backendName;
        this.serviceRow = serviceRow;
        this.driver = driver;
        this.tables = tables;
        this.rows = new VolumeRows(tables);
        this.quotas = new Quotas(tables);
    }

    Object createSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "snapshot", "Snapshot").id();
        Map<String, Object> s = tables.snapshot(id).orElseThrow(() -> CinderErrors.snapshotNotFound(id));
        tables.claimWorker("Snapshot", id, "creating", serviceRow.get().id());
        try {
            Map<String, Object> model = driver.createSnapshot(rows.snapshotRef(s));
            Map<String, Object> update = new LinkedHashMap<>(model);
            update.put("status", "available");
            update.put("progress", "100%");
            tables.updateSnapshot(id, update);
        } catch (DriverException e) {
            LOG.error("{} Snapshot {}: create failed: {}", ctx.logPrefix(), id, e.getMessage());
            tables.updateSnapshot(id, cols("status", SnapshotStatus.ERROR));
            tables.userMessage(project(ctx), ctx.requestId(), "VOLUME_SNAPSHOT", id, "009", "013");
        } finally {
            tables.releaseWorker("Snapshot", id);
        }
        return id;
    }

    Object deleteSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "snapshot", "Snapshot").id();
        Optional<Map<String, Object>> found = tables.snapshot(id);
        if (found.isEmpty()) {
            return null;
        }
        Map<String, Object> s = found.get();
        try {
            if (!a.path("unmanage_only").asBoolean(false)) {
                driver.deleteSnapshot(rows.snapshotRef(s));
            }
        } catch (DriverException e) {
            LOG.error("{} Snapshot {}: delete failed: {}", ctx.logPrefix(), id, e.getMessage());
            tables.updateSnapshot(id, cols("status", SnapshotStatus.ERROR_DELETING));
            tables.userMessage(project(ctx), ctx.requestId(), "VOLUME_SNAPSHOT", id, "010", "001");
            throw CinderErrors.driverError(e.getMessage());
        }
        if (Quotas.usesQuota(s)) {
            Map<String, Object> volume = new LinkedHashMap<>(s);
            int size = s.get("volume_size") == null ? 0 : ((Number) s.get("volume_size")).intValue();
            quotas.release(volume, "snapshots", 1, size);
        }
        tables.destroySnapshot(id);
        return null;
    }

    Object manageExistingSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "snapshot", "Snapshot").id();
        LOG.error("{} Snapshot {}: manage_existing_snapshot failed: backend {} has no storage driver", ctx.logPrefix(),
                id, backendName);
        tables.updateSnapshot(id, cols("status", SnapshotStatus.ERROR));
        return id;
    }

    /** {@code initialize_connection_snapshot}: this service exports volumes only. */
    Object initializeConnectionSnapshot(MessageContext ctx, ObjectNode a) {
        throw CinderErrors.backendApi("backend " + backendName + " cannot export snapshots");
    }
}
