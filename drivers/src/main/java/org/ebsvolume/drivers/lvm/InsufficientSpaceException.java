package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * The volume group has too few free extents: {@code Volume group "vg" has insufficient free
 * space (973 extents): 25600 required.} (lvcreate) or {@code Insufficient free space: 512 extents
 * needed, but only 255 available} (lvextend). Nothing was allocated.
 */
public final class InsufficientSpaceException extends LvmException {
    private static final long serialVersionUID = 1L;

    InsufficientSpaceException(CommandFailedException failure) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "Not enough free space in the LVM volume group", failure);
    }
}
