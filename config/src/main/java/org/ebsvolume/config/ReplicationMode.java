package org.ebsvolume.config;

/**
 * How a write is acknowledged when a volume is replicated to its peers ({@code replication_mode}),
 * and the DRBD protocol that implements it.
 */
public enum ReplicationMode implements ConfigChoice {

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

    @Override
    public String configName() {
        return configName;
    }

    /** DRBD's {@code protocol} letter: A, B or C. */
    public char drbdProtocol() {
        return drbdProtocol;
    }

    @Override
    public String toString() {
        return configName;
    }
}
