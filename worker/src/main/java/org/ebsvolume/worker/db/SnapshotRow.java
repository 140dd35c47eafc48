package org.ebsvolume.worker.db;

import java.util.Map;

/**
 * What the worker reads of a row of Cinder's {@code snapshots} table.
 *
 * @param id               the snapshot's id
 * @param volumeId         {@code volume_id}
 * @param volumeSizeGb     {@code volume_size}
 * @param status           {@code status}
 * @param providerLocation {@code provider_location}, or null
 * @param volumeTypeId     {@code volume_type_id}, or null
 */
public record SnapshotRow(String id, String volumeId, int volumeSizeGb, SnapshotStatus status, String providerLocation,
                          String volumeTypeId) {

    /** A row as {@link CinderDatabase#query} returns it. */
    public static SnapshotRow of(Map<String, Object> row) {
        return new SnapshotRow((String) row.get("id"), (String) row.get("volume_id"),
                row.get("volume_size") == null ? 0 : ((Number) row.get("volume_size")).intValue(),
                row.get("status") == null ? null : SnapshotStatus.ofColumn((String) row.get("status")),
                (String) row.get("provider_location"), (String) row.get("volume_type_id"));
    }
}
