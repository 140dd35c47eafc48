package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandFailure;

/**
 * The drbd kernel module is not loaded and cannot be ({@code Failed to modprobe drbd}, exit 20),
 * or drbdadm reports no loaded module ({@code DRBD_KERNEL_VERSION=0}) when its version is needed.
 */
public final class DrbdModuleUnavailableException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdModuleUnavailableException(CommandFailedException failure) {
        super("DRBD kernel module unavailable", failure);
    }

    DrbdModuleUnavailableException(String summary, CommandFailure unusable) {
        super(summary, unusable, null);
    }
}
