package org.ebsvolume.config;

import java.util.Optional;

/**
 * How a write is acknowledged when a volume is replicated to its peers ({@code replication_mode}),
 * and the DRBD protocol that implements it.
 */
public enum ReplicationMode {

    /** Acknowledged once on the local disk and in the local TCP send buffer: a failover may lose the last writes. */
    ASYNC("async", 'A'),
    /** Acknowledged once the peer has received it (not yet written): lost only if both nodes fail at once. */
    SEMI_SYNC("semi-sync", 'B'),
    /** Acknowledged once written on both disks: a failover loses nothing. */
    FULL_SYNC("full-sync", 'C');

    private final String configName;
    private final char drbdProtocol;

    ReplicationMode(String configName, char drbdProtocol) {
        this.configName = configName;
        this.drbdProtocol = drbdProtocol;
    }

    /** The value written in cinder.conf. */
    public String configName() {
        return configName;
    }

    /** DRBD's {@code protocol} letter: A, B or C. */
    public char drbdProtocol() {
        return drbdProtocol;
    }

    /** The mode a cinder.conf value names (exact, lower-case), if any. */
    public static Optional<ReplicationMode> fromConfig(String value) {
        for (ReplicationMode m : values()) {
            if (m.configName.equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return configName;
    }
}
