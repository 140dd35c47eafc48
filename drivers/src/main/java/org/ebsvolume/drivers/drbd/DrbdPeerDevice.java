package org.ebsvolume.drivers.drbd;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One volume as seen towards one peer (events2 {@code peer-device}).
 *
 * @param volume       the volume number
 * @param replication  the replication state towards this peer
 * @param peerDisk     the peer's copy's state as this node knows it ({@code DUnknown} when not connected)
 * @param donePercent  how much of the device is in sync, 0..100: DRBD's own {@code done:} when it
 *                     prints one (DRBD 9 during a resync, {@code drbdadm status}), else computed
 *                     as drbdsetup's 8.4 status does, {@code 100 * (size - out-of-sync) / size},
 *                     when both are known ({@code events2 --statistics}); present only during a
 *                     resync
 * @param outOfSyncKib KiB still to resync ({@code out-of-sync:}, with {@code --statistics})
 */
public record DrbdPeerDevice(int volume, DrbdReplicationState replication, DrbdDiskState peerDisk,
                             OptionalDouble donePercent, OptionalLong outOfSyncKib) {

    public DrbdPeerDevice {
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(peerDisk, "peerDisk");
        Objects.requireNonNull(donePercent, "donePercent");
        Objects.requireNonNull(outOfSyncKib, "outOfSyncKib");
    }
}
