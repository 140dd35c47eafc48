package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * DRBD does not know the resource: no file for it names this host ({@code 'x' not defined in your config (for this host).}), or the kernel has no such resource because it is down ({@code x: No such resource}; DRBD 9: {@code (158) Unknown resource}).
 */
public final class DrbdResourceUnknownException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdResourceUnknownException(CommandFailedException failure) {
        super("DRBD resource unknown", failure);
    }
}
