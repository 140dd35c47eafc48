package org.ebsvolume.jobs.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the failover policy decides on, gathered by the backup host in one look.
 *
 * @param now                  this host's clock
 * @param witnessReachable     the backup could read the primary's services row just now
 * @param primaryLastHeartbeat when this host last saw the primary's heartbeat move (its
 *                             report_count in the witness), on this host's clock; empty if never
 * @param serviceDownTime      Cinder's service_down_time: older heartbeats mean "down"
 * @param fencingConfirmed     an operator or fencing agent confirmed the primary is powered off
 * @param replicas             the primary's replicated volumes, as DRBD on this host sees them
 */
public record FailoverEvidence(Instant now, boolean witnessReachable, Optional<Instant> primaryLastHeartbeat,
                               Duration serviceDownTime, boolean fencingConfirmed, List<ReplicaView> replicas) {
    public FailoverEvidence {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(primaryLastHeartbeat, "primaryLastHeartbeat");
        Objects.requireNonNull(serviceDownTime, "serviceDownTime");
        replicas = List.copyOf(replicas);
    }

    /** The primary's heartbeat is older than service_down_time (or there is none). */
    boolean primaryHeartbeatStale() {
        return primaryLastHeartbeat.map(t -> Duration.between(t, now).compareTo(serviceDownTime) > 0).orElse(true);
    }

    String describe() {
        String heartbeat = primaryLastHeartbeat.map(t -> Duration.between(t, now).toMillis() / 1000.0 + " s ago").orElse("never");
        long connected = replicas.stream().filter(ReplicaView::peerConnected).count();
        long upToDate = replicas.stream().filter(ReplicaView::localUpToDate).count();
        return "witness " + (witnessReachable ? "reachable" : "UNREACHABLE") + ", primary heartbeat " + heartbeat
                + " (service_down_time " + serviceDownTime.toSeconds() + " s), fencing " + (fencingConfirmed ? "confirmed" : "not confirmed")
                + ", " + replicas.size() + " replicated volumes: " + connected + " still connected to the primary, "
                + upToDate + " UpToDate here";
    }
}
