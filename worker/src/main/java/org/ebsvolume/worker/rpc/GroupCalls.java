package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.worker.db.ResourceTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.ebsvolume.worker.rpc.Columns.cols;
import static org.ebsvolume.worker.rpc.RpcArguments.project;
import static org.ebsvolume.worker.rpc.RpcArguments.textArg;

/** Cinder's group calls (cinder-volume-rpc 3.6): generic groups, a database construct. */
final class GroupCalls {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCalls.class);

    private final String backendName;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final Runnable publishCapabilities;
    private final VolumeRows rows;
    private final Quotas quotas;

    GroupCalls(String backendName, VolumeDriver driver, ResourceTables tables, Runnable publishCapabilities) {
        this.backendName = backendName;
        this.driver = driver;
        this.tables = tables;
        this.publishCapabilities = publishCapabilities;
        this.rows = new VolumeRows(tables);
        this.quotas = new Quotas(tables);
    }

    Object createGroup(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        // Generic groups are a database construct (Cinder's _create_group_generic).
        tables.updateGroup(id, cols("status", "available", "created_at", tables.now()));
        return null;
    }

    Object createGroupFromSrc(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        LOG.error("{} Group {}: create from source failed: backend {} has no storage driver", ctx.logPrefix(), id, backendName);
        tables.updateGroup(id, cols("status", "error"));
        tables.setGroupVolumesStatus(id, "error");
        return null;
    }

    Object deleteGroup(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        for (Map<String, Object> v : tables.groupVolumes(id)) {
            if ("attached".equals(v.get("attach_status"))) {
                throw CinderErrors.volumeAttached((String) v.get("id"));
            }
        }
        for (Map<String, Object> v : tables.groupVolumes(id)) {
            driver.deleteVolume(rows.ref(v));
            if (Quotas.usesQuota(v)) {
                quotas.release(v, "volumes", 1, v.get("size") == null ? 0 : ((Number) v.get("size")).intValue());
            }
            tables.destroyVolume((String) v.get("id"));
        }
        tables.destroyGroup(id, project(ctx));
        publishCapabilities.run();
        return null;
    }

    Object updateGroup(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        for (String v : csv(textArg(a, "add_volumes"))) {
            tables.updateVolume(v, cols("group_id", id));
        }
        for (String v : csv(textArg(a, "remove_volumes"))) {
            tables.updateVolume(v, cols("group_id", null));
        }
        tables.updateGroup(id, cols("status", "available"));
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

    Object createGroupSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group_snapshot", "GroupSnapshot").id();
        LOG.error("{} Group snapshot {}: create failed: backend {} has no storage driver", ctx.logPrefix(), id, backendName);
        tables.failGroupSnapshot(id);
        return null;
    }

    Object deleteGroupSnapshot(MessageContext ctx, ObjectNode a) throws Exception {
        String id = VersionedObject.from(a, "group_snapshot", "GroupSnapshot").id();
        tables.destroyGroupSnapshot(id);
        return null;
    }

    Object groupReplicationError(ObjectNode a, String what) throws Exception {
        String id = VersionedObject.from(a, "group", "Group").id();
        LOG.error("Group {}: {} replication failed: backend {} is not replicated", id, what, backendName);
        tables.updateGroup(id, cols("status", "error", "replication_status", "error"));
        return null;
    }
}
