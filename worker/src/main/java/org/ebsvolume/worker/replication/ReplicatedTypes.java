package org.ebsvolume.worker.replication;

import org.ebsvolume.worker.db.ResourceTables;

import java.sql.SQLException;
import java.util.Map;

/**
 * Whether a volume is to be replicated. Cinder's API leaves a new volume's
 * {@code replication_status} empty (replication v2.1: the driver's create model update sets it),
 * so for a volume without one the volume type decides: extra spec {@code replication_enabled}
 * = {@code <is> True}, as Cinder's {@code volume_utils.is_replicated_spec} reads it. A volume
 * with a status is replicated while it is under DRBD: {@code enabled}, or moved to the backup
 * ({@code failing-over}, {@code failed-over}), where it is served through DRBD as well.
 */
public final class ReplicatedTypes {

    public static final String SPEC = "replication_enabled";
    private static final java.util.Set<String> UNDER_DRBD = java.util.Set.of("enabled", "failing-over", "failed-over");

    private ReplicatedTypes() {
    }

    public static boolean isReplicatedSpec(Map<String, String> extraSpecs) {
        String v = extraSpecs == null ? null : extraSpecs.get(SPEC);
        if (v == null) {
            return false;
        }
        // volume_utils.is_boolean_str: exactly "<is>" and a word strutils.bool_from_string takes as true.
        String[] words = v.strip().split("\\s+");
        return words.length == 2 && words[0].equals("<is>") && TRUE_WORDS.contains(words[1].toLowerCase(java.util.Locale.ROOT));
    }

    /** oslo_utils.strutils.TRUE_STRINGS. */
    private static final java.util.Set<String> TRUE_WORDS = java.util.Set.of("1", "t", "true", "on", "y", "yes");

    /**
     * @throws IllegalStateException the type's extra specs cannot be read: guessing "not
     *                               replicated" would create an unreplicated volume of a replicated type
     */
    public static boolean isReplicated(ResourceTables tables, String replicationStatus, String volumeTypeId) {
        if (replicationStatus != null) {
            return UNDER_DRBD.contains(replicationStatus);
        }
        if (volumeTypeId == null) {
            return false;
        }
        try {
            return isReplicatedSpec(tables.volumeTypeExtraSpecs(volumeTypeId));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the extra specs of volume type " + volumeTypeId + ": " + e.getMessage(), e);
        }
    }
}
