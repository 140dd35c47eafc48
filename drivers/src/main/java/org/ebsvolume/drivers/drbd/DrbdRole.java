package org.ebsvolume.drivers.drbd;

/**
 * A node's role for a resource (events2 {@code role:}; {@code Unknown} for a peer that is not connected).
 * {@link #UNRECOGNIZED} stands for a word this code does not know (a newer DRBD): it is kept
 * apart so that nothing treats an unknown state as a good one.
 */
public enum DrbdRole implements DrbdWord {
    PRIMARY("Primary"),
    SECONDARY("Secondary"),
    UNKNOWN("Unknown"),
    /** A word this code does not know. */
    UNRECOGNIZED("?");

    private final String drbdName;

    DrbdRole(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state. */
    @Override
    public String drbdName() {
        return drbdName;
    }

    /** The state DRBD names {@code word}; {@link #UNRECOGNIZED} for any other word. */
    public static DrbdRole fromDrbd(String word) {
        return DrbdWord.find(DrbdRole.class, word).orElse(UNRECOGNIZED);
    }

    @Override
    public String toString() {
        return drbdName;
    }
}
