package org.ebsvolume.drivers.lvm;

/**
 * One volume group as {@code vgs --units b} reports it; sizes in bytes.
 *
 * @param extentSizeBytes the allocation unit: every LV size is a multiple of it (4 MiB by default)
 */
public record VolumeGroup(String name, long sizeBytes, long freeBytes, int lvCount, int pvCount, long extentSizeBytes) {
}
