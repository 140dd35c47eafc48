package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrbdMetadataTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /** drbdmeta's internal size: 4 KiB superblock + 32 KiB activity log + 4 KiB-aligned bitmap (1 bit per 4 KiB). */
    private static long internalMetadata(long diskBytes) {
        long bitmap = (diskBytes / 4096 + 8 * 4096 - 1) / (8 * 4096) * 4096;
        return 4096 + 32 * 1024 + bitmap;
    }

    @Test
    void theDeviceOnTheGrownLvHoldsTheWholeVolume() {
        for (int gb : new int[]{1, 2, 10, 100, 1000, 16384}) {
            long lv = DrbdMetadata.backingBytes(gb);
            assertThat(lv - internalMetadata(lv)).as(gb + " GiB").isGreaterThanOrEqualTo(gb * GIB);
            assertThat(lv % MIB).isZero();
        }
    }

    @Test
    void theRoomIsSmall() {
        assertThat(DrbdMetadata.reserveBytes(GIB)).isEqualTo(2 * MIB);
        assertThat(DrbdMetadata.reserveBytes(1000 * GIB)).isLessThan(40 * MIB);
    }
}
