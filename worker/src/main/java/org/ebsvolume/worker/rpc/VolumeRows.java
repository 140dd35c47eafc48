package org.ebsvolume.worker.rpc;

import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.replication.ReplicatedTypes;

import java.sql.SQLException;
import java.util.Map;

/** The volume and snapshot rows a call names, and what the driver is told about them. */
final class VolumeRows {

    private final ResourceTables tables;

    VolumeRows(ResourceTables tables) {
        this.tables = tables;
    }

    /** The volume's row; VolumeNotFound when there is none. */
    Map<String, Object> volume(String id) throws SQLException {
        return tables.volume(id).orElseThrow(() -> CinderErrors.volumeNotFound(id));
    }

    /** The driver's view of a volume row; under DRBD or not by the one rule. */
    VolumeRef ref(Map<String, Object> row) {
        return ReplicatedTypes.volumeRef(VolumeRow.of(row), tables);
    }

    SnapshotRef snapshotRef(Map<String, Object> s) throws SQLException {
        Map<String, Object> volume = tables.volume((String) s.get("volume_id")).orElse(Map.of("id", s.get("volume_id")));
        int size = s.get("volume_size") == null ? 0 : ((Number) s.get("volume_size")).intValue();
        return new SnapshotRef((String) s.get("id"), ref(volume), size, (String) s.get("provider_location"));
    }
}
