package org.ebsvolume.jobs.failover;

import java.util.Objects;

/**
 * What the backup host sees of one replicated volume when it considers taking over.
 *
 * @param volumeId      the Cinder volume
 * @param peerConnected DRBD still has a connection to the primary for this volume
 * @param localUpToDate the backup's copy is UpToDate (not Inconsistent, Outdated, syncing)
 * @param outdatedByPrimary the primary recorded through the witness that it went on writing
 *                      without this copy (so this copy misses acknowledged writes)
 */
public record ReplicaView(String volumeId, boolean peerConnected, boolean localUpToDate, boolean outdatedByPrimary) {
    public ReplicaView {
        Objects.requireNonNull(volumeId, "volumeId");
    }

    /** Promoting this copy would lose no acknowledged write. */
    boolean safeToPromote() {
        return localUpToDate && !outdatedByPrimary;
    }
}
