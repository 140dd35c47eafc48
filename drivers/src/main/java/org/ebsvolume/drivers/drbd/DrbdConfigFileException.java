package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * drbdadm refused a configuration file (exit 10, {@code file:line: Parse error …}, {@code IP … not found on this host}, {@code conflicting use of device-minor …}). drbdadm reads every included file, so one bad file fails every resource's commands.
 */
public final class DrbdConfigFileException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdConfigFileException(CommandFailedException failure) {
        super("DRBD configuration refused", failure);
    }
}
