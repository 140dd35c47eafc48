package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * lvm could not find the logical volume (or the snapshot origin, or the thin pool) a command
 * named: {@code Failed to find logical volume "vg/lv"}, {@code … not found in volume group …}.
 */
public final class LogicalVolumeNotFoundException extends LvmException {
    private static final long serialVersionUID = 1L;

    LogicalVolumeNotFoundException(CommandFailedException failure) {
        // What Cinder's brick LVM raises when the LV to snapshot is missing.
        super(CinderError.VOLUME_DEVICE_NOT_FOUND, "LVM logical volume not found", failure);
    }
}
