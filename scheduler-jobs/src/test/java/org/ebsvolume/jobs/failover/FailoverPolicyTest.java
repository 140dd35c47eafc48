package org.ebsvolume.jobs.failover;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The backup's take-over rule, one situation per test (partition, power cut, lagging copies). */
class FailoverPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    private static final Duration DOWN_TIME = Duration.ofSeconds(12);

    private static ReplicaView disconnected(String id) {
        return new ReplicaView(id, false, true, false);
    }

    private static FailoverEvidence evidence(boolean witness, Duration heartbeatAge, boolean fenced, ReplicaView... replicas) {
        return new FailoverEvidence(NOW, witness, Optional.of(NOW.minus(heartbeatAge)), DOWN_TIME, fenced, List.of(replicas));
    }

    @Test
    void aPowerCutPrimaryIsTakenOverOnceItsHeartbeatIsStale() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofSeconds(13), false, disconnected("v1"), disconnected("v2")));
        assertThat(d.takeOver()).isTrue();
        assertThat(d.promote()).containsExactly("v1", "v2");
        assertThat(d.evidence()).contains("witness reachable").contains("heartbeat 13.0 s ago");
    }

    @Test
    void aFreshHeartbeatMeansALinkProblemAndNoPromotion() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofSeconds(3), false, disconnected("v1")));
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("fresh");
    }

    @Test
    void aBackupCutOffFromTheWitnessNeverPromotes() {
        FailoverDecision d = FailoverPolicy.decide(evidence(false, Duration.ofMinutes(10), false, disconnected("v1")));
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("witness");
    }

    @Test
    void evenAFencingConfirmationNeedsTheWitness() {
        assertThat(FailoverPolicy.decide(evidence(false, Duration.ofMinutes(10), true, disconnected("v1"))).takeOver()).isFalse();
    }

    @Test
    void aStillConnectedReplicaProvesThePrimaryIsUp() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofMinutes(10), false, disconnected("v1"),
                new ReplicaView("v2", true, true, false)));
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("still connected");
    }

    @Test
    void aFencedPrimaryIsTakenOverWithoutWaitingForItsHeartbeat() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofSeconds(1), true, disconnected("v1")));
        assertThat(d.takeOver()).isTrue();
        assertThat(d.reason()).contains("fenced");
    }

    @Test
    void copiesThatMissWritesAreWithheldNotPromoted() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofSeconds(30), false, disconnected("ok"),
                new ReplicaView("syncing", false, false, false), new ReplicaView("outdated", false, true, true)));
        assertThat(d.takeOver()).isTrue();
        assertThat(d.promote()).containsExactly("ok");
        assertThat(d.withheld()).containsExactly("syncing", "outdated");
    }

    @Test
    void aPrimaryWithNoHeartbeatAtAllCountsAsStale() {
        FailoverEvidence e = new FailoverEvidence(NOW, true, Optional.empty(), DOWN_TIME, false, List.of(disconnected("v1")));
        assertThat(FailoverPolicy.decide(e).takeOver()).isTrue();
    }

    @Test
    void exactlyServiceDownTimeIsNotYetStale() {
        assertThat(FailoverPolicy.decide(evidence(true, DOWN_TIME, false, disconnected("v1"))).takeOver()).isFalse();
    }

    @Test
    void aPrimaryWithNoReplicatedVolumeHereIsNotTakenOver() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofMinutes(10), false));
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("no replicated volume");
    }

    @Test
    void whenEveryCopyMissesWritesNothingIsTakenOver() {
        FailoverDecision d = FailoverPolicy.decide(evidence(true, Duration.ofMinutes(10), false, new ReplicaView("syncing", false, false, false)));
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("[syncing] withheld");
    }
}
