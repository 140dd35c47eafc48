package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * The resource's minor is already configured in the kernel: {@code up} of a resource that is up (8.4: {@code Device '100' is configured!} from drbdmeta; DRBD 9: {@code (161) Minor or volume exists already}), or metadata commands ({@code create-md}, {@code wipe-md}) on a device that is in use. Bring it down first, or treat {@code up} as done.
 */
public final class DrbdAlreadyConfiguredException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdAlreadyConfiguredException(CommandFailedException failure) {
        super("DRBD device already configured", failure);
    }
}
