package org.ebsvolume.worker.db;

import org.ebsvolume.drivers.VolumeRef;

import java.util.Map;

/**
 * What the worker reads of a row of Cinder's {@code volumes} table.
 *
 * @param id                the volume's id
 * @param nameId            {@code _name_id}, or the id when NULL: what its storage is named after
 *                          (a migrated volume keeps its target's storage)
 * @param sizeGb            {@code size}
 * @param host              {@code host}: {@code host@backend#pool}
 * @param status            {@code status}
 * @param attachStatus      {@code attach_status}, or null
 * @param replicationStatus {@code replication_status}, or null: the API made it and no driver has
 *                          answered yet (replication v2.1), then the volume type decides
 * @param providerLocation  {@code provider_location}, or null when never exported
 * @param providerAuth      {@code provider_auth} ({@code CHAP <user> <password>}), or null; never logged
 * @param volumeTypeId      {@code volume_type_id}, or null
 * @param projectId         {@code project_id}
 * @param useQuota          {@code use_quota}: false for a migration's target, which Cinder does not count
 * @param replicationExtendedStatus {@code replication_extended_status}, or null: where this project
 *                          keeps the witness's mark that the backup's copy is outdated
 */
public record VolumeRow(String id, String nameId, int sizeGb, String host, VolumeStatus status, String attachStatus,
                        ReplicationStatus replicationStatus, String providerLocation, String providerAuth,
                        String volumeTypeId, String projectId, boolean useQuota, String replicationExtendedStatus) {

    /** A row as {@link CinderDatabase#query} returns it. */
    public static VolumeRow of(Map<String, Object> row) {
        String id = (String) row.get("id");
        Object nameId = row.get("_name_id");
        Object q = row.get("use_quota");
        return new VolumeRow(id, nameId == null ? id : (String) nameId,
                row.get("size") == null ? 0 : ((Number) row.get("size")).intValue(),
                (String) row.get("host"),
                row.get("status") == null ? null : VolumeStatus.ofColumn((String) row.get("status")),
                (String) row.get("attach_status"),
                ReplicationStatus.ofColumn((String) row.get("replication_status")),
                (String) row.get("provider_location"), (String) row.get("provider_auth"),
                (String) row.get("volume_type_id"), (String) row.get("project_id"),
                q == null || !(q instanceof Number n && n.intValue() == 0) && !Boolean.FALSE.equals(q),
                (String) row.get("replication_extended_status"));
    }

    /** Cinder's {@code volume.name}, {@code volume-<name id>}: its LV's name, and its DRBD resource's. */
    public String name() {
        return "volume-" + nameId;
    }

    /**
     * The driver's view of this volume.
     *
     * @param underDrbd what {@code ReplicatedTypes.isUnderDrbd} says of it: the one rule, not a guess here
     */
    public VolumeRef ref(boolean underDrbd) {
        return new VolumeRef(id, nameId, sizeGb, host, providerLocation, providerAuth, volumeTypeId, underDrbd);
    }

    /** Whether {@code serviceHost} ({@code host@backend}) serves it: its host is that, or one of its pools. */
    public boolean servedBy(String serviceHost) {
        return host != null && (host.equals(serviceHost) || host.startsWith(serviceHost + "#"));
    }

    public boolean attached() {
        return status == VolumeStatus.IN_USE || "attached".equals(attachStatus);
    }

    @Override
    public String toString() {
        // provider_auth holds the CHAP secret: a row in a log line must not carry it.
        return "VolumeRow[id=" + id + ", nameId=" + nameId + ", size=" + sizeGb + ", host=" + host + ", status=" + status
                + ", replicationStatus=" + replicationStatus + "]";
    }
}
