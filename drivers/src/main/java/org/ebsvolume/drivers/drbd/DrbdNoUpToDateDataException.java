package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * Promotion refused because neither this node nor a connected peer has UpToDate data: {@code State change failed: (-2) Need access to UpToDate data} (e.g. a fresh resource before {@code primary --force}, or an Outdated/Inconsistent copy alone).
 */
public final class DrbdNoUpToDateDataException extends DrbdStateChangeRefusedException {
    private static final long serialVersionUID = 1L;

    DrbdNoUpToDateDataException(CommandFailedException failure) {
        super("DRBD refused: no access to UpToDate data", failure);
    }
}
