package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.command.CommandFailedException;

/** The name is taken: {@code Logical Volume "x" already exists in volume group "vg"} (lvcreate, lvrename). */
public final class LogicalVolumeExistsException extends LvmException {
    private static final long serialVersionUID = 1L;

    LogicalVolumeExistsException(CommandFailedException failure) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "LVM logical volume already exists", failure);
    }
}
