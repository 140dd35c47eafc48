package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two nodes that are each other's backup: slots chosen by the peer and slots allocated here never collide. */
class DrbdPortAllocatorClaimTest {

    private static final String A = "volume-0a2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";
    private static final String B = "volume-0b2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";
    private static final String C = "volume-0c2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";

    @TempDir
    Path tmp;

    @Test
    void aClaimedSlotIsNeverAllocatedAndAnAllocatedOneNeverClaimed() throws Exception {
        DrbdPortAllocator ports = new DrbdPortAllocator(new DrbdResourceFiles(tmp), 7789);
        DrbdSlot a = ports.allocate(A);
        assertThat(a).isEqualTo(new DrbdSlot(7789, 1000));

        assertThatThrownBy(() -> ports.claim(B, a)).isInstanceOf(DrbdSlotTakenException.class).hasMessageContaining(A);
        ports.claim(B, new DrbdSlot(7790, 1001));
        ports.claim(B, new DrbdSlot(7790, 1001));   // again: the same slot, no-op
        assertThatThrownBy(() -> ports.claim(B, new DrbdSlot(7791, 1002))).isInstanceOf(DrbdSlotTakenException.class);
        assertThat(ports.allocate(C)).isEqualTo(new DrbdSlot(7791, 1002));
    }

    @Test
    void allocationAvoidsThePeersSlots() throws Exception {
        DrbdPortAllocator ports = new DrbdPortAllocator(new DrbdResourceFiles(tmp), 7789);
        assertThat(ports.allocate(A, Set.of(7789, 7790), Set.of(1000, 1001))).isEqualTo(new DrbdSlot(7791, 1002));
        assertThat(ports.inRange(new DrbdSlot(7791, 1002))).isTrue();
        assertThat(ports.inRange(new DrbdSlot(7791, 1003))).isFalse();
        assertThat(ports.inRange(new DrbdSlot(22, 1000))).isFalse();
    }
}
