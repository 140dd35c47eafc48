package org.ebsvolume.drivers.drbd;

/**
 * The answer to DRBD's {@code fence-peer} handler: its exit code, as the kernel reads it
 * (drbd_nl.c, conn_try_outdate_peer; the same codes on 8.4 and 9).
 *
 * <p>Under {@code fencing resource-and-stonith} a Primary that loses its peer freezes its I/O
 * and runs the handler; I/O resumes only on {@link #PEER_OUTDATED}, {@link #PEER_DOWN} or
 * {@link #PEER_FENCED} (the peer's disk is then recorded Outdated), or when the peer connects
 * again. A Secondary promoted while disconnected runs it too, and is promoted only on those
 * answers. Any other answer leaves I/O frozen and refuses the promotion.
 */
public enum DrbdFenceAnswer {
    /** Exit 4: the peer's copy is outdated (the witness records it); this side may write alone. */
    PEER_OUTDATED(4),
    /** Exit 5: the peer is unreachable and assumed dead. */
    PEER_DOWN(5),
    /** Exit 6: the peer is (or may become) Primary: this side must not write; its I/O stays frozen. */
    PEER_PRIMARY(6),
    /** Exit 7: the peer is fenced off (here: this host holds the take-over claim in the witness). */
    PEER_FENCED(7),
    /** Exit 1: no answer that allows writing; DRBD logs "fence-peer helper broken" and keeps I/O frozen. */
    REFUSED(1);

    private final int exitCode;

    DrbdFenceAnswer(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Whether DRBD lets this side write (resume frozen I/O, or promote) on this answer. */
    public boolean allowsWriting() {
        return this == PEER_OUTDATED || this == PEER_DOWN || this == PEER_FENCED;
    }
}
