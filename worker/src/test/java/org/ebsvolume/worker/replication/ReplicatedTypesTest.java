package org.ebsvolume.worker.replication;

import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.db.VolumeStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicatedTypesTest {

    @Test
    void theTypesExtraSpecDecidesAsCinderReadsIt() {
        assertThat(ReplicatedTypes.isReplicatedSpec(Map.of("replication_enabled", "<is> True"))).isTrue();
        assertThat(ReplicatedTypes.isReplicatedSpec(Map.of("replication_enabled", "<is> true"))).isTrue();
        assertThat(ReplicatedTypes.isReplicatedSpec(Map.of("replication_enabled", "<is> False"))).isFalse();
        assertThat(ReplicatedTypes.isReplicatedSpec(Map.of("replication_enabled", "True"))).isFalse();
        assertThat(ReplicatedTypes.isReplicatedSpec(Map.of("volume_backend_name", "ebs"))).isFalse();
    }

    /** Each value as Debian's Cinder 22 answered it: /usr/bin/python3 -c "volume_utils.is_replicated_spec({...})". */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "'<is> True'|true", "'<is> true'|true", "'<is> 1'|true", "'<is> yes'|true", "'<is> on'|true", "'<is> t'|true",
            "'<is> y'|true", "'<is>  True'|true", "'  <is> True '|true", "'<is> False'|false", "'<is> 0'|false",
            "'<is> no'|false", "'True'|false", "'<is>True'|false", "'<is> True extra'|false", "'<in> True'|false", "''|false"})
    void everySpellingIsReadAsCindersIsBooleanStrReadsIt(String value, boolean replicated) {
        assertThat(ReplicatedTypes.isReplicatedSpec(Map.of("replication_enabled", value))).as("'" + value + "'").isEqualTo(replicated);
    }

    /** The tables are not read when the row says: a null stands for them and would fail if touched. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ReplicationStatus.class, names = {"DISABLED", "NOT_CAPABLE"},
            mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
    void aVolumeIsUnderDrbdInEveryReplicationStatusButDisabledAndNotCapable(ReplicationStatus status) {
        assertThat(ReplicatedTypes.isUnderDrbd(volume(status, "any-type"), null)).isTrue();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ReplicationStatus.class, names = {"DISABLED", "NOT_CAPABLE"})
    void aVolumeCinderMarksDisabledOrNotCapableIsNotUnderDrbd(ReplicationStatus status) {
        assertThat(ReplicatedTypes.isUnderDrbd(volume(status, "any-type"), null)).isFalse();
    }

    @Test
    void aVolumeWithoutStatusOrTypeIsNotUnderDrbd() {
        assertThat(ReplicatedTypes.isUnderDrbd(volume(null, null), null)).isFalse();
    }

    @Test
    void theDriversViewCarriesTheRuleAndTheStorageName() {
        var ref = ReplicatedTypes.volumeRef(VolumeRow.of(Map.of("id", "v1", "_name_id", "n1", "size", 3,
                "replication_status", "failover-error")), null);
        assertThat(ref.replicated()).isTrue();
        assertThat(ref.nameId()).isEqualTo("n1");
        assertThat(ref.sizeGb()).isEqualTo(3);
    }

    private static VolumeRow volume(ReplicationStatus status, String typeId) {
        return new VolumeRow("v1", "v1", 1, "h@b#b", VolumeStatus.AVAILABLE, "detached", status, null, null, typeId, "p", true, null);
    }
}
