package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * Demotion or down refused because something holds {@code /dev/drbdN} open (an iSCSI target, a mount, a process): {@code State change failed: (-12) Device is held open by someone}.
 */
public final class DrbdDeviceHeldOpenException extends DrbdStateChangeRefusedException {
    private static final long serialVersionUID = 1L;

    DrbdDeviceHeldOpenException(CommandFailedException failure) {
        super("DRBD refused: the device is held open", failure);
    }
}
