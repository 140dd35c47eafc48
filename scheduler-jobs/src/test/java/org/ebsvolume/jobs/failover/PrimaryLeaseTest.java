package org.ebsvolume.jobs.failover;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The primary stops writing alone before any backup may promote: the two are never Primary together. */
class PrimaryLeaseTest {

    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    private static final Duration DOWN_TIME = Duration.ofSeconds(12);

    @Test
    void aPrimaryMayWriteAloneWhileItsLastHeartbeatIsYoung() {
        PrimaryLease lease = new PrimaryLease(DOWN_TIME, T0);
        assertThat(lease.mayWriteAlone(T0.plusSeconds(5))).isTrue();
    }

    @Test
    void aPrimaryCutOffFromTheWitnessStopsAtHalfTheDownTime() {
        PrimaryLease lease = new PrimaryLease(DOWN_TIME, T0);
        assertThat(lease.mayWriteAlone(T0.plusSeconds(6))).isFalse();
    }

    @Test
    void eachHeartbeatRenewsTheLeaseAndAnOlderOneDoesNotShortenIt() {
        PrimaryLease lease = new PrimaryLease(DOWN_TIME, T0);
        lease.renewed(T0.plusSeconds(10));
        lease.renewed(T0.plusSeconds(4));
        assertThat(lease.lastWitnessContact()).isEqualTo(T0.plusSeconds(10));
        assertThat(lease.mayWriteAlone(T0.plusSeconds(15))).isTrue();
    }

    @Test
    void theBackupCannotPromoteWhileThePrimaryMayStillWrite() {
        // Sweep the whole window: at no instant may the primary write alone while the policy
        // (seeing the same last heartbeat) lets the backup take over.
        PrimaryLease lease = new PrimaryLease(DOWN_TIME, T0);
        for (int ms = 0; ms <= 30_000; ms += 100) {
            Instant now = T0.plusMillis(ms);
            FailoverEvidence seen = new FailoverEvidence(now, true, Optional.of(T0), DOWN_TIME, false,
                    List.of(new ReplicaView("v1", false, true, false)));
            boolean backupPromotes = FailoverPolicy.decide(seen).takeOver();
            assertThat(backupPromotes && lease.mayWriteAlone(now)).as("both writable at +%d ms", ms).isFalse();
        }
    }
}
