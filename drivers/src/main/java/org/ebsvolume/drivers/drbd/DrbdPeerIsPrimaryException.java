package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * Promotion refused because the connected peer is Primary: {@code State change failed: (-1) Multiple primaries not allowed by config}. Demote the peer first.
 */
public final class DrbdPeerIsPrimaryException extends DrbdStateChangeRefusedException {
    private static final long serialVersionUID = 1L;

    DrbdPeerIsPrimaryException(CommandFailedException failure) {
        super("DRBD refused to promote: the peer is Primary", failure);
    }
}
