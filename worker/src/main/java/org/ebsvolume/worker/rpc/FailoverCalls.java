package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.SnapshotStatus;
import org.ebsvolume.worker.db.VolumeStatus;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.ebsvolume.worker.rpc.Columns.cols;
import static org.ebsvolume.worker.rpc.RpcArguments.textArg;

/**
 * The replication calls of the service level (cinder-volume-rpc 3.5): failover, its completion
 * from the other side, and freeze / thaw, as Cinder's manager writes them to the volumes and the
 * services row.
 */
final class FailoverCalls {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverCalls.class);

    private final String backendName;
    private final ServiceIdentity identity;
    private final Supplier<ServiceRow> serviceRow;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final ServiceTable services;
    private final ReplicationControl replication;

    FailoverCalls(String backendName, ServiceIdentity identity, Supplier<ServiceRow> serviceRow, VolumeDriver driver,
                  ResourceTables tables, ServiceTable services, ReplicationControl replication) {
        this.backendName = backendName;
        this.identity = identity;
        this.serviceRow = serviceRow;
        this.driver = driver;
        this.tables = tables;
        this.services = services;
        this.replication = replication;
    }

    /**
     * {@code failover_host} / {@code failover} (VolumeManager.failover + finish_failover): the
     * storage moves ({@link ReplicationControl}), then the volumes and the services row are
     * written as Cinder's manager writes them (spec: cinder-objects-and-db.md 5.6).
     */
    Object failover(MessageContext ctx, ObjectNode a) throws Exception {
        String secondary = textArg(a, "secondary_backend_id");
        var row = serviceRow.get();
        boolean failback = "default".equals(secondary);
        String current = row.activeBackendId() != null && !row.activeBackendId().isEmpty() ? "failed-over" : "enabled";
        if (replication == null) {
            services.applyUpdates(row.id(), cols("replication_status", current));
            LOG.error("{} Failover to {} refused: backend {} has no replication targets", ctx.logPrefix(), secondary, backendName);
            return null;
        }
        ReplicationControl.Outcome outcome;
        try {
            outcome = replication.failover(secondary);
        } catch (DriverException e) {
            if (e.cinderError() == CinderError.INVALID_REPLICATION_TARGET) {
                services.applyUpdates(row.id(), cols("replication_status", current));
                LOG.error("{} Failover to {} refused (InvalidReplicationTarget): {}", ctx.logPrefix(), secondary, e.getMessage());
            } else {
                services.applyUpdates(row.id(), cols("disabled", true, "replication_status", "failover-error"));
                LOG.error("{} Failover of {} to {} failed: {}", ctx.logPrefix(), identity.host(), secondary, e.getMessage());
            }
            return null;
        }
        if (!failback) {
            // Volumes the failover cannot carry: not replicated, they stay with the failed host.
            List<Map<String, Object>> snapshots = tables.snapshotsOfBackend(identity.host(), List.of("available", "creating", "error"));
            for (Map<String, Object> v : tables.volumesOfBackend(identity.host(), List.of("available", "in-use", "error", "maintenance"))) {
                String rs = (String) v.get("replication_status");
                if (!outcome.volumeUpdates().containsKey((String) v.get("id")) && (rs == null || "disabled".equals(rs) || "not-capable".equals(rs))) {
                    tables.updateVolume((String) v.get("id"), cols("previous_status", v.get("status"), "status", VolumeStatus.ERROR,
                            "replication_status", "not-capable"));
                    for (Map<String, Object> s : snapshots) {
                        if (v.get("id").equals(s.get("volume_id"))) {
                            tables.updateSnapshot((String) s.get("id"), cols("status", SnapshotStatus.ERROR));
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, Map<String, Object>> u : outcome.volumeUpdates().entrySet()) {
            tables.updateVolume(u.getKey(), u.getValue());
        }
        if (failback) {
            boolean frozen = services.byId(row.id()).map(r -> r.frozen()).orElse(false);
            services.applyUpdates(row.id(), cols("replication_status", "enabled", "active_backend_id", "",
                    "disabled", frozen, "disabled_reason", frozen ? "frozen" : ""));
        } else {
            services.applyUpdates(row.id(), cols("replication_status", "failed-over", "active_backend_id",
                    outcome.activeBackendId(), "disabled", true, "disabled_reason", "failed-over"));
        }
        LOG.info("{} Failed {} {} to {}: {} volume(s) moved", ctx.logPrefix(), failback ? "back" : "over", identity.host(),
                failback ? "this backend's own host" : outcome.activeBackendId(), outcome.volumeUpdates().size());
        outcome.afterRecorded().run();
        return null;
    }

    Object failoverCompleted(MessageContext ctx, ObjectNode a) throws Exception {
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
        services.applyUpdates(serviceRow.get().id(), allowed);
        return null;
    }

    Object freezeHost(MessageContext ctx, ObjectNode a) throws Exception {
        try {
            driver.freezeBackend();
        } catch (DriverException e) {
            LOG.warn("{} Error encountered during freeze of {}: {}", ctx.logPrefix(), backendName, e.getMessage());
        }
        services.markFrozen(serviceRow.get().id());
        LOG.info("{} Set backend status to frozen successfully.", ctx.logPrefix());
        return true;
    }

    Object thawHost(MessageContext ctx, ObjectNode a) throws Exception {
        try {
            driver.thawBackend();
        } catch (DriverException e) {
            LOG.error("{} Error encountered during thaw of {}: {}", ctx.logPrefix(), backendName, e.getMessage());
            return false;
        }
        services.markThawed(serviceRow.get().id());
        LOG.info("{} Thawed backend successfully.", ctx.logPrefix());
        return true;
    }
}
