package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * Promotion of a disconnected node refused under DRBD fencing: the fence-peer handler did not confirm that the peer is outdated or dead ({@code State change failed: (-7) Refusing to be Primary while peer is not outdated}).
 */
public final class DrbdPeerNotOutdatedException extends DrbdStateChangeRefusedException {
    private static final long serialVersionUID = 1L;

    DrbdPeerNotOutdatedException(CommandFailedException failure) {
        super("DRBD refused to promote: the peer is not known to be outdated", failure);
    }
}
