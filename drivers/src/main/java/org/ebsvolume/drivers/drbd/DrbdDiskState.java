package org.ebsvolume.drivers.drbd;

/**
 * The state of a node's copy of the data ({@code disk:} locally, {@code peer-disk:} for the peer's), DRBD's {@code drbd_disk_state} words.
 * {@link #UNRECOGNIZED} stands for a word this code does not know (a newer DRBD): it is kept
 * apart so that nothing treats an unknown state as a good one.
 */
public enum DrbdDiskState implements DrbdWord {
    DISKLESS("Diskless"),
    ATTACHING("Attaching"),
    DETACHING("Detaching"),
    FAILED("Failed"),
    NEGOTIATING("Negotiating"),
    INCONSISTENT("Inconsistent"),
    OUTDATED("Outdated"),
    D_UNKNOWN("DUnknown"),
    CONSISTENT("Consistent"),
    UP_TO_DATE("UpToDate"),
    /** A word this code does not know. */
    UNRECOGNIZED("?");

    private final String drbdName;

    DrbdDiskState(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state. */
    @Override
    public String drbdName() {
        return drbdName;
    }

    /** The state DRBD names {@code word}; {@link #UNRECOGNIZED} for any other word. */
    public static DrbdDiskState fromDrbd(String word) {
        return DrbdWord.find(DrbdDiskState.class, word).orElse(UNRECOGNIZED);
    }

    /** No usable local copy: no disk, or one DRBD detached after I/O errors or is attaching/detaching. */
    public boolean isWithoutData() {
        return this == DISKLESS || this == FAILED || this == ATTACHING || this == DETACHING;
    }

    @Override
    public String toString() {
        return drbdName;
    }
}
