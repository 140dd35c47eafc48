package org.ebsvolume.jobs.failover;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watch runs the policy on fresh evidence each time and acts once; time is the caller's. */
class PeerWatchTest {

    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    private static final Duration DOWN_TIME = Duration.ofSeconds(12);

    /** A primary that heartbeats until {@code diesAt}, with one replica that disconnects then. */
    private static PeerWatch.EvidenceSource primaryDyingAt(Instant diesAt) {
        return now -> {
            boolean alive = now.isBefore(diesAt);
            Instant lastBeat = alive ? now : diesAt;
            return new FailoverEvidence(now, true, Optional.of(lastBeat), DOWN_TIME, false,
                    List.of(new ReplicaView("v1", alive, true, false)));
        };
    }

    @Test
    void takesOverOnlyAfterTheHeartbeatIsStaleAndOnlyOnce() throws Exception {
        List<Instant> takeovers = new ArrayList<>();
        AtomicReference<Instant> now = new AtomicReference<>();
        PeerWatch watch = new PeerWatch("nodec@ebs", primaryDyingAt(T0.plusSeconds(10)), d -> takeovers.add(now.get()));
        for (int s = 0; s <= 60; s++) {
            now.set(T0.plusSeconds(s));
            watch.run(now.get());
        }
        // dead at 10 s, heartbeat stale once more than 12 s old: the first run after 22 s.
        assertThat(takeovers).containsExactly(T0.plusSeconds(23));
        assertThat(watch.tookOver()).isTrue();
    }

    @Test
    void aFailedTakeoverIsTriedAgainAtTheNextRun() throws Exception {
        List<FailoverDecision> attempts = new ArrayList<>();
        PeerWatch watch = new PeerWatch("nodec@ebs", primaryDyingAt(T0), d -> {
            attempts.add(d);
            if (attempts.size() == 1) {
                throw new IllegalStateException("drbdadm primary timed out");
            }
        });
        assertThatThrownBy(() -> watch.run(T0.plusSeconds(20))).hasMessageContaining("timed out");
        assertThat(watch.tookOver()).isFalse();
        watch.run(T0.plusSeconds(21));
        assertThat(attempts).hasSize(2);
        assertThat(watch.tookOver()).isTrue();
    }

    @Test
    void aWitnessThatCannotBeReadMeansStay() throws Exception {
        List<FailoverDecision> taken = new ArrayList<>();
        PeerWatch watch = new PeerWatch("nodec@ebs", now -> new FailoverEvidence(now, false, Optional.empty(), DOWN_TIME, false,
                List.of(new ReplicaView("v1", false, true, false))), taken::add);
        watch.run(T0.plusSeconds(100));
        assertThat(taken).isEmpty();
    }

    @Test
    void aRearmedWatchLooksAgain() throws Exception {
        List<FailoverDecision> taken = new ArrayList<>();
        PeerWatch watch = new PeerWatch("nodec@ebs", primaryDyingAt(T0), taken::add);
        watch.markTakenOver();
        watch.run(T0.plusSeconds(100));
        assertThat(taken).isEmpty();
        watch.rearm();
        watch.run(T0.plusSeconds(101));
        assertThat(taken).hasSize(1);
    }
}
