package org.ebsvolume.drivers.drbd;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The local side of one volume of a resource (events2 {@code device}).
 *
 * @param volume  the volume number within the resource (0 for the project's resources)
 * @param minor   {@code /dev/drbd<minor>}; not in {@code drbdadm status} output
 * @param disk    the local copy's state
 * @param sizeKib the usable size in KiB (events2 with {@code --statistics}, or a verbose status)
 */
public record DrbdDevice(int volume, OptionalInt minor, DrbdDiskState disk, OptionalLong sizeKib) {

    public DrbdDevice {
        Objects.requireNonNull(minor, "minor");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(sizeKib, "sizeKib");
    }
}
