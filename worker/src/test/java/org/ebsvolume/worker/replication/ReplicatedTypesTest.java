package org.ebsvolume.worker.replication;

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

    @Test
    void aVolumeWithAReplicationStatusIsReplicatedWhenItSaysEnabled() {
        assertThat(ReplicatedTypes.isReplicated(null, "enabled", "any")).isTrue();
        assertThat(ReplicatedTypes.isReplicated(null, "disabled", "any")).isFalse();
        assertThat(ReplicatedTypes.isReplicated(null, null, null)).isFalse();
    }
}
