package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Health verdicts on the states recorded in the lab (8.4) and written in DRBD 9's format. */
class DrbdHealthTest {

    private static final String LAB = DrbdResourceConfigTest.RESOURCE;

    private static DrbdHealth lab84(String capture) throws Exception {
        return DrbdHealth.of(LAB, Optional.ofNullable(DrbdEvents2Parser.currentState(Recorded.lab84(capture).stdout()).get(LAB)));
    }

    private static DrbdHealth drbd9(String fixture) throws Exception {
        return DrbdHealth.of(DrbdEvents2Parser.currentState(Recorded.text("drbd9/" + fixture + ".txt")).values().iterator().next());
    }

    private static DrbdHealth of(String events2) throws Exception {
        return DrbdHealth.of(DrbdEvents2Parser.currentState(events2).values().iterator().next());
    }

    @Test
    void connectedWithBothUpToDateIsUpToDate() throws Exception {
        assertThat(lab84("resolved-primary.events2-now").kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
        assertThat(lab84("uptodate-secondary.events2-now").kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
        assertThat(drbd9("events2-now-statistics-uptodate-primary").kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
    }

    @Test
    void resyncIsSyncingWithItsPercent() throws Exception {
        DrbdHealth source = lab84("syncsource.events2-now-statistics");
        assertThat(source.kind()).isEqualTo(DrbdHealth.Kind.SYNCING);
        assertThat(source.syncPercent().getAsDouble()).isCloseTo(19.82, within(0.01));
        assertThat(lab84("synctarget.events2-now-statistics").kind()).isEqualTo(DrbdHealth.Kind.SYNCING);
        assertThat(drbd9("events2-now-statistics-synctarget").syncPercent()).hasValue(41.27);
    }

    @Test
    void syncingWithoutStatisticsHasNoPercent() throws Exception {
        DrbdHealth h = lab84("syncsource.events2-now");
        assertThat(h.kind()).isEqualTo(DrbdHealth.Kind.SYNCING);
        assertThat(h.syncPercent()).isEmpty();
        assertThat(h.evidence()).contains("progress unknown");
    }

    @Test
    void peerLostWhileUpToDateIsDegraded() throws Exception {
        assertThat(lab84("peer-lost-secondary.events2-now").kind()).isEqualTo(DrbdHealth.Kind.DEGRADED_PEER_LOST);
        assertThat(lab84("peer-lost-primary.events2-now-statistics").kind()).isEqualTo(DrbdHealth.Kind.DEGRADED_PEER_LOST);
        assertThat(lab84("primary-alone.events2-now-statistics").kind()).isEqualTo(DrbdHealth.Kind.DEGRADED_PEER_LOST);
        assertThat(drbd9("events2-now-peer-lost").kind()).isEqualTo(DrbdHealth.Kind.DEGRADED_PEER_LOST);
    }

    @Test
    void peerLostWhileLocalCopyIsNotUpToDateIsNotUpToDate() throws Exception {
        // DRBD 9 shows disk:Consistent for a moment after NetworkFailure (shared samples)
        assertThat(of("exists resource name:r1 role:Secondary\n"
                + "exists connection name:r1 peer-node-id:0 conn-name:a connection:NetworkFailure role:Unknown\n"
                + "exists device name:r1 volume:0 minor:1 disk:Consistent\n"
                + "exists peer-device name:r1 peer-node-id:0 conn-name:a volume:0 replication:Off peer-disk:DUnknown\n").kind())
                .isEqualTo(DrbdHealth.Kind.NOT_UP_TO_DATE);
    }

    @Test
    void standAloneIsSplitBrain() throws Exception {
        assertThat(lab84("split-brain.nodea.events2-now").kind()).isEqualTo(DrbdHealth.Kind.SPLIT_BRAIN);
        assertThat(drbd9("events2-now-standalone").kind()).isEqualTo(DrbdHealth.Kind.SPLIT_BRAIN);
        assertThat(lab84("disconnected-standalone.events2-now").evidence()).contains("StandAlone");
    }

    @Test
    void bothPrimaryIsSplitBrain() throws Exception {
        assertThat(of("exists resource name:r1 role:Primary\n"
                + "exists connection name:r1 peer-node-id:0 conn-name:a connection:Connected role:Primary\n"
                + "exists device name:r1 volume:0 disk:UpToDate\n"
                + "exists peer-device name:r1 peer-node-id:0 conn-name:a volume:0 replication:Established peer-disk:UpToDate\n").kind())
                .isEqualTo(DrbdHealth.Kind.SPLIT_BRAIN);
    }

    @Test
    void disklessIsDisklessOrFailed() throws Exception {
        for (String disk : new String[] {"Diskless", "Failed", "Detaching"}) {
            assertThat(of("exists resource name:r1 role:Secondary\n"
                    + "exists connection name:r1 peer-node-id:0 conn-name:a connection:Connected role:Primary\n"
                    + "exists device name:r1 volume:0 disk:" + disk + "\n").kind()).as(disk).isEqualTo(DrbdHealth.Kind.DISKLESS_OR_FAILED);
        }
    }

    @Test
    void aResourceThatIsDownIsUnconfigured() throws Exception {
        DrbdHealth h = lab84("err-events2-now-down");
        assertThat(h.kind()).isEqualTo(DrbdHealth.Kind.UNCONFIGURED);
        assertThat(h.evidence()).contains(LAB);
    }

    @Test
    void bothInconsistentBeforeTheFirstPromotionIsNotUpToDate() throws Exception {
        assertThat(lab84("connected-inconsistent.events2-now").kind()).isEqualTo(DrbdHealth.Kind.NOT_UP_TO_DATE);
    }

    @Test
    void anUnrecognizedStateIsNeverUpToDate() throws Exception {
        assertThat(of("exists resource name:r1 role:Secondary\n"
                + "exists connection name:r1 peer-node-id:0 conn-name:a connection:Connected role:Primary\n"
                + "exists device name:r1 volume:0 disk:UpToDate\n"
                + "exists peer-device name:r1 peer-node-id:0 conn-name:a volume:0 replication:Teleporting peer-disk:UpToDate\n").kind())
                .isEqualTo(DrbdHealth.Kind.NOT_UP_TO_DATE);
    }

    @Test
    void evidenceKeepsTheStateInDrbdWords() throws Exception {
        assertThat(lab84("peer-lost-secondary.events2-now").evidence()).isEqualTo(LAB
                + " role:Secondary disk:UpToDate | peer connection:Connecting role:Unknown replication:Off peer-disk:DUnknown"
                + " => connection to peer lost (Connecting), local copy UpToDate");
    }
}
