package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandFailure;

/**
 * Any other drbdadm/drbdsetup failure, or output this code cannot read; the message carries
 * DRBD's words, the command and the exit code.
 */
public final class DrbdCommandException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdCommandException(CommandFailedException failure) {
        super("DRBD command failed", failure);
    }

    DrbdCommandException(String summary, CommandFailure unusable, Throwable cause) {
        super(summary, unusable, cause);
    }
}
