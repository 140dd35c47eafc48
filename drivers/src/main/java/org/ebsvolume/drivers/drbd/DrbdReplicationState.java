package org.ebsvolume.drivers.drbd;

/**
 * The replication state towards one peer ({@code replication:}), DRBD's {@code drbd_repl_state} words: {@code Established} when in sync and connected, {@code Off} when not connected.
 * {@link #UNRECOGNIZED} stands for a word this code does not know (a newer DRBD): it is kept
 * apart so that nothing treats an unknown state as a good one.
 */
public enum DrbdReplicationState implements DrbdWord {
    OFF("Off"),
    ESTABLISHED("Established"),
    STARTING_SYNC_S("StartingSyncS"),
    STARTING_SYNC_T("StartingSyncT"),
    WF_BIT_MAP_S("WFBitMapS"),
    WF_BIT_MAP_T("WFBitMapT"),
    WF_SYNC_UUID("WFSyncUUID"),
    SYNC_SOURCE("SyncSource"),
    SYNC_TARGET("SyncTarget"),
    VERIFY_S("VerifyS"),
    VERIFY_T("VerifyT"),
    PAUSED_SYNC_S("PausedSyncS"),
    PAUSED_SYNC_T("PausedSyncT"),
    AHEAD("Ahead"),
    BEHIND("Behind"),
    /** A word this code does not know. */
    UNRECOGNIZED("?");

    private final String drbdName;

    DrbdReplicationState(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state. */
    @Override
    public String drbdName() {
        return drbdName;
    }

    /** The state DRBD names {@code word}; {@link #UNRECOGNIZED} for any other word. */
    public static DrbdReplicationState fromDrbd(String word) {
        return DrbdWord.find(DrbdReplicationState.class, word).orElse(UNRECOGNIZED);
    }

    /**
     * A resync is under way or about to start: the bitmap exchange ({@code WFBitMapS/T},
     * {@code WFSyncUUID}, {@code StartingSyncS/T}), the resync itself ({@code SyncSource/Target})
     * or a paused one.
     */
    public boolean isResync() {
        return switch (this) {
            case STARTING_SYNC_S, STARTING_SYNC_T, WF_BIT_MAP_S, WF_BIT_MAP_T, WF_SYNC_UUID,
                 SYNC_SOURCE, SYNC_TARGET, PAUSED_SYNC_S, PAUSED_SYNC_T -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return drbdName;
    }
}
