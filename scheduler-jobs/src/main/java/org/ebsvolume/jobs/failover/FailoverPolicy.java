package org.ebsvolume.jobs.failover;

import java.util.List;

/**
 * When the backup host takes over its primary's volumes. Two storage hosts alone cannot tell a
 * dead peer from a cut link, so the control plane's database is the witness: the backup
 * promotes only when
 * <ol>
 *   <li>it reaches the witness itself (a backup cut off from the control plane never promotes:
 *       the primary may be serving happily on the other side of the cut);</li>
 *   <li>no replicated volume is still connected to the primary over DRBD (a connection that is
 *       up means the primary is up, whatever its heartbeat says);</li>
 *   <li>the primary's heartbeat in the witness is older than {@code service_down_time} — or a
 *       fencing agent confirmed the primary is off;</li>
 * </ol>
 * and then promotes only the copies that hold every acknowledged write: UpToDate here, and not
 * marked outdated by a primary that went on writing alone. With no such copy it stays: an
 * identity with nothing to serve is not worth taking. The primary, for its part, stops
 * writing ({@link PrimaryLease}) well before its heartbeat can look stale, so the two are never
 * Primary at once.
 *
 * <p>Pure: no clock, no I/O; the job that gathers {@link FailoverEvidence} owns both.
 */
public final class FailoverPolicy {

    private FailoverPolicy() {
    }

    public static FailoverDecision decide(FailoverEvidence e) {
        if (!e.witnessReachable()) {
            return FailoverDecision.stay("this host cannot reach the witness (Cinder's database): never promote blind", e);
        }
        if (e.replicas().stream().anyMatch(ReplicaView::peerConnected)) {
            return FailoverDecision.stay("DRBD is still connected to the primary", e);
        }
        if (!e.fencingConfirmed() && !e.primaryHeartbeatStale()) {
            return FailoverDecision.stay("the primary's heartbeat is fresh: a link problem, not a dead primary", e);
        }
        List<String> promote = e.replicas().stream().filter(ReplicaView::safeToPromote).map(ReplicaView::volumeId).toList();
        List<String> withheld = e.replicas().stream().filter(r -> !r.safeToPromote()).map(ReplicaView::volumeId).toList();
        if (promote.isEmpty()) {
            // Taking over an identity with nothing to serve would only hide the dead primary
            // (its service would show up) and turn its unreplicated volumes to error.
            return FailoverDecision.stay(withheld.isEmpty() ? "the primary has no replicated volume here to take over"
                    : "no copy here holds every acknowledged write: " + withheld + " withheld, nothing to promote", e);
        }
        String why = e.fencingConfirmed() ? "the primary is fenced" : "the primary is gone (peer disconnected, heartbeat stale)";
        return new FailoverDecision(true, why, e.describe(), promote, withheld);
    }
}
