package org.ebsvolume.drivers.drbd;

/**
 * How large a replicated volume's backing LV must be so that the DRBD device on top of it still
 * holds the whole volume. With {@code meta-disk internal} DRBD keeps its metadata at the END of
 * the backing disk and exposes only what is in front of it: on an LV of exactly the volume's
 * size the device would be a little smaller than the volume Cinder promised (an image or a
 * clone of full size would not fit), and on an LV that already holds data (from a snapshot, a
 * clone, a managed LV) {@code create-md} would overwrite its last blocks. So every replicated LV
 * gets room for the metadata behind the volume's data.
 *
 * <p>Internal metadata (8.4, and 9 with one peer): a 4 KiB superblock, a 32 KiB activity log and
 * a bitmap of one bit per 4 KiB block (32 KiB per GiB), aligned to 4 KiB. The room reserved is
 * that, rounded up to a MiB, plus one MiB of slack (the metadata is computed on the grown LV);
 * lvm rounds it up to its extent size (4 MiB by default).
 */
public final class DrbdMetadata {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    private DrbdMetadata() {
    }

    /** Bytes to keep behind {@code dataBytes} of volume data for DRBD's internal metadata. */
    public static long reserveBytes(long dataBytes) {
        if (dataBytes < 0) {
            throw new IllegalArgumentException("negative size " + dataBytes);
        }
        // 1 bit per 4 KiB block: one 4 KiB bitmap page (32768 bits) covers 128 MiB.
        long perPage = 4 * KIB * 8 * 4 * KIB;
        long bitmap = (dataBytes + perPage - 1) / perPage * 4 * KIB;
        long metadata = 4 * KIB + 32 * KIB + bitmap;
        return (metadata + MIB - 1) / MIB * MIB + MIB;
    }

    /** The backing LV size for a volume of {@code sizeGb} GiB. */
    public static long backingBytes(int sizeGb) {
        long data = sizeGb * GIB;
        return data + reserveBytes(data);
    }
}
