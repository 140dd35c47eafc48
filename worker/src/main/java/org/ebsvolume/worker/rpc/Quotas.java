package org.ebsvolume.worker.rpc;

import org.ebsvolume.worker.db.ResourceTables;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quota usage changed by the volume service itself (Cinder's manager commits the API's
 * reservations; deletes and manage_existing change usage here): the resource's total and its
 * per-volume-type twin ({@code volumes_<type>}, {@code gigabytes_<type>}) move together.
 */
final class Quotas {

    private final ResourceTables tables;

    Quotas(ResourceTables tables) {
        this.tables = tables;
    }

    /** Gives back {@code count} of {@code resource} and {@code gigabytes} to the row's project. */
    void release(Map<String, Object> volume, String resource, int count, int gigabytes) throws SQLException {
        Map<String, Integer> deltas = new LinkedHashMap<>();
        deltas.put(resource, -count);
        deltas.put("gigabytes", -gigabytes);
        String typeName = volume.get("volume_type_id") == null ? null : tables.volumeTypeName((String) volume.get("volume_type_id"));
        if (typeName != null) {
            deltas.put(resource + "_" + typeName, -count);
            deltas.put("gigabytes_" + typeName, -gigabytes);
        }
        tables.releaseQuota((String) volume.get("project_id"), deltas);
    }

    /** Charges a volume that came in without a reservation (manage_existing) to its project. */
    void chargeVolume(Map<String, Object> row, int size) throws SQLException {
        Map<String, Integer> deltas = new LinkedHashMap<>(Map.of("volumes", 1, "gigabytes", size));
        String typeName = row.get("volume_type_id") == null ? null : tables.volumeTypeName((String) row.get("volume_type_id"));
        if (typeName != null) {
            deltas.put("volumes_" + typeName, 1);
            deltas.put("gigabytes_" + typeName, size);
        }
        tables.addQuota((String) row.get("project_id"), deltas);
    }

    /** Cinder's {@code use_quota} of a volume or snapshot row; a row without the column counts. */
    static boolean usesQuota(Map<String, Object> row) {
        Object q = row.get("use_quota");
        return q == null || !(q instanceof Number n && n.intValue() == 0) && !Boolean.FALSE.equals(q);
    }
}
