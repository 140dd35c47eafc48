package org.ebsvolume.drivers.drbd;

/**
 * The state of the connection to a peer, as events2 and {@code drbdadm status} name it ({@code connection:}); DRBD 9's names, which drbd-utils also prints for an 8.4 module. {@code WFConnection} and {@code WFReportParams} are the 8.4 kernel's own words ({@code drbdadm cstate}, {@code /proc/drbd}).
 * {@link #UNRECOGNIZED} stands for a word this code does not know (a newer DRBD): it is kept
 * apart so that nothing treats an unknown state as a good one.
 */
public enum DrbdConnectionState implements DrbdWord {
    STAND_ALONE("StandAlone"),
    DISCONNECTING("Disconnecting"),
    UNCONNECTED("Unconnected"),
    TIMEOUT("Timeout"),
    BROKEN_PIPE("BrokenPipe"),
    NETWORK_FAILURE("NetworkFailure"),
    PROTOCOL_ERROR("ProtocolError"),
    TEAR_DOWN("TearDown"),
    CONNECTING("Connecting"),
    CONNECTED("Connected"),
    WF_CONNECTION("WFConnection"),
    WF_REPORT_PARAMS("WFReportParams"),
    /** A word this code does not know. */
    UNRECOGNIZED("?");

    private final String drbdName;

    DrbdConnectionState(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state. */
    @Override
    public String drbdName() {
        return drbdName;
    }

    /** The state DRBD names {@code word}; {@link #UNRECOGNIZED} for any other word. */
    public static DrbdConnectionState fromDrbd(String word) {
        return DrbdWord.find(DrbdConnectionState.class, word).orElse(UNRECOGNIZED);
    }

    @Override
    public String toString() {
        return drbdName;
    }
}
