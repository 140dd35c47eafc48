package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.command.CommandFailedException;

/** lvm said {@code Volume group "<vg>" not found}: the backend's VG is absent (disk gone, not yet created, filtered out). */
public final class VolumeGroupNotFoundException extends LvmException {
    private static final long serialVersionUID = 1L;

    VolumeGroupNotFoundException(CommandFailedException failure) {
        // Cinder's brick LVM raises VolumeGroupNotFound; its driver turns that into
        // VolumeBackendAPIException("Volume Group <vg> does not exist") at setup.
        super(CinderError.VOLUME_GROUP_NOT_FOUND, "LVM volume group not found", failure);
    }
}
