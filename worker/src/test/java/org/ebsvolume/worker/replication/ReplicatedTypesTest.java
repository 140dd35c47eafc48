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

    @Test
    void aVolumeWithAReplicationStatusIsReplicatedWhenItSaysEnabled() {
        assertThat(ReplicatedTypes.isReplicated(null, "enabled", "any")).isTrue();
        assertThat(ReplicatedTypes.isReplicated(null, "disabled", "any")).isFalse();
        assertThat(ReplicatedTypes.isReplicated(null, null, null)).isFalse();
    }
}
