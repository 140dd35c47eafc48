package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a volume is to be replicated. Cinder's API leaves a new volume's
 * {@code replication_status} empty (replication v2.1: the driver's create model update sets it),
 * so for a volume without one the volume type decides: extra spec {@code replication_enabled}
 * = {@code <is> True}, as Cinder's {@code volume_utils.is_replicated_spec} reads it. Whether a
 * volume with a status is under DRBD: {@link #isUnderDrbd}.
 */
public final class ReplicatedTypes {

    public static final String SPEC = "replication_enabled";
    /** What Cinder writes for a volume that has no replica: the rest are under DRBD. */
    private static final Set<ReplicationStatus> NOT_UNDER_DRBD = EnumSet.of(ReplicationStatus.DISABLED, ReplicationStatus.NOT_CAPABLE);

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
     * The one definition of "this volume is under DRBD", used wherever a volume's storage is
     * reached (its {@code VolumeRef}), at start-up reconciliation and by retype. A volume is under
     * DRBD unless Cinder's row says it is not ({@code disabled}, {@code not-capable}): a copy that
     * failed over badly ({@code failover-error}) or any state in between still has DRBD resources
     * on both hosts, and deleting it as a plain LV would leave them behind. A volume without a
     * {@code replication_status} yet (the API made it, no driver answered) is under DRBD when its
     * type is replicated.
     *
     * @throws IllegalStateException the type's extra specs cannot be read: guessing "not
     *                               replicated" would create an unreplicated volume of a replicated type
     */
    public static boolean isUnderDrbd(VolumeRow volume, ResourceTables tables) {
        ReplicationStatus status = volume.replicationStatus();
        if (status != null) {
            return !NOT_UNDER_DRBD.contains(status);
        }
        if (volume.volumeTypeId() == null) {
            return false;
        }
        try {
            return isReplicatedSpec(tables.volumeTypeExtraSpecs(volume.volumeTypeId()));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the extra specs of volume type " + volume.volumeTypeId() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The driver's view of {@code volume}, under DRBD or not by {@link #isUnderDrbd}. */
    public static VolumeRef volumeRef(VolumeRow volume, ResourceTables tables) {
        return volume.ref(isUnderDrbd(volume, tables));
    }
}
