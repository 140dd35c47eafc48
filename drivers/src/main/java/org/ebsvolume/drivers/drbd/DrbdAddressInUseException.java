package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * {@code connect} refused with {@code Failure: (102) Local address(port) already in use.}: on the
 * lab's 8.4 this is the answer for a resource that is already connected or connecting (recorded),
 * but it also means another resource or program holds the port.
 */
public final class DrbdAddressInUseException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdAddressInUseException(CommandFailedException failure) {
        super("DRBD connection address already in use", failure);
    }
}
