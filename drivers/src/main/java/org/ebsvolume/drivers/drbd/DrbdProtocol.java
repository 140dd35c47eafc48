package org.ebsvolume.drivers.drbd;

/**
 * DRBD's replication protocol, the {@code protocol} line of a resource's {@code net} section.
 * The worker maps cinder.conf's {@code replication_mode} to it ({@code ReplicationMode.drbdProtocol()}).
 */
public enum DrbdProtocol {
    /** Asynchronous: a write is complete once on the local disk and in the local TCP send buffer. */
    A,
    /** Memory synchronous: complete once the peer has received it (not yet written it). */
    B,
    /** Synchronous: complete once written on both disks. */
    C;

    /** The protocol for a letter as drbd.conf writes it ({@code 'A'}, {@code 'B'}, {@code 'C'}). */
    public static DrbdProtocol fromLetter(char letter) {
        return switch (letter) {
            case 'A' -> A;
            case 'B' -> B;
            case 'C' -> C;
            default -> throw new InvalidDrbdConfigException("DRBD protocol must be A, B or C, got '" + letter + "'");
        };
    }
}
