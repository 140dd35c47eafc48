package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code drbdadm status} text, DRBD 8.4 (recorded) and DRBD 9 (its format). */
class DrbdStatusParserTest {

    private static final String LAB = DrbdResourceConfigTest.RESOURCE;
    private static final String V9 = "volume-8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

    private static DrbdResourceState lab84(String capture) throws Exception {
        return DrbdStatusParser.parse(Recorded.lab84(capture).stdout()).get(LAB);
    }

    private static DrbdResourceState drbd9(String fixture) throws Exception {
        return DrbdStatusParser.parse(Recorded.text("drbd9/" + fixture + ".txt")).get(V9);
    }

    @Test
    void plainStatusOn84NamesThePeerPeerAndPrintsReplication() throws Exception {
        DrbdResourceState s = lab84("resolved-primary.status");
        assertThat(s.role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(s.device().orElseThrow().disk()).isEqualTo(DrbdDiskState.UP_TO_DATE);
        DrbdPeer peer = s.peers().get("peer");
        assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTED);
        assertThat(peer.role()).isEqualTo(DrbdRole.SECONDARY);
        assertThat(peer.devices().get(0).replication()).isEqualTo(DrbdReplicationState.ESTABLISHED);
        assertThat(peer.devices().get(0).peerDisk()).isEqualTo(DrbdDiskState.UP_TO_DATE);
    }

    @Test
    void statusAndEvents2AgreeOnEveryRecordedState() throws Exception {
        for (String state : new String[] {"connected-inconsistent", "resolved-primary", "uptodate-secondary", "peer-lost-secondary",
                "primary-alone", "peer-lost-primary", "disconnected-standalone"}) {
            DrbdResourceState fromStatus = lab84(state + ".status");
            DrbdResourceState fromEvents = DrbdEvents2Parser.currentState(Recorded.lab84(state + ".events2-now").stdout()).get(LAB);
            assertThat(fromStatus.role()).as(state).isEqualTo(fromEvents.role());
            assertThat(fromStatus.device().orElseThrow().disk()).as(state).isEqualTo(fromEvents.device().orElseThrow().disk());
            assertThat(DrbdHealth.of(fromStatus).kind()).as(state).isEqualTo(DrbdHealth.of(fromEvents).kind());
        }
    }

    @Test
    void syncingStatusCarriesDrbdsDonePercent() throws Exception {
        DrbdPeerDevice pd = lab84("syncsource.status").peers().get("peer").devices().get(0);
        assertThat(pd.replication()).isEqualTo(DrbdReplicationState.SYNC_SOURCE);
        assertThat(pd.donePercent()).hasValue(20.70);
    }

    @Test
    void verboseStatisticsStatusWithWrappedLinesOn84() throws Exception {
        DrbdResourceState s = lab84("syncsource.status-verbose-statistics");
        assertThat(s.device().orElseThrow().minor()).hasValue(1000);
        assertThat(s.device().orElseThrow().sizeKib()).hasValue(65496);
        DrbdPeerDevice pd = s.peers().get("peer").devices().get(0);
        assertThat(pd.donePercent()).hasValue(21.49);
        assertThat(pd.outOfSyncKib()).hasValue(51424);   // on the continuation line
    }

    @Test
    void peerLostStatusHasNoPeerRoleAndNoPeerDevice() throws Exception {
        DrbdPeer peer = lab84("peer-lost-secondary.status").peers().get("peer");
        assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTING);
        assertThat(peer.role()).isEqualTo(DrbdRole.UNKNOWN);
        assertThat(peer.devices()).isEmpty();
    }

    @Test
    void drbd9LeavesOutConnectedAndEstablished() throws Exception {
        DrbdResourceState s = drbd9("status-uptodate-primary");
        DrbdPeer peer = s.peers().get("store-2");
        assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTED);
        assertThat(peer.devices().get(0).replication()).isEqualTo(DrbdReplicationState.ESTABLISHED);
        assertThat(DrbdHealth.of(s).kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
    }

    @Test
    void drbd9StandAloneStatus() throws Exception {
        assertThat(drbd9("status-standalone").peers().get("store-2").connection()).isEqualTo(DrbdConnectionState.STAND_ALONE);
    }

    @Test
    void drbd9VerboseStatusWithNodeIdsAndWrappedConnectionLine() throws Exception {
        DrbdResourceState s = drbd9("status-verbose-statistics-syncsource");
        DrbdPeer peer = s.peers().get("store-2");
        assertThat(peer.peerNodeId()).hasValue(1);
        assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTED);
        assertThat(peer.devices().get(0).donePercent()).hasValue(58.73);
        assertThat(s.device().orElseThrow().sizeKib()).hasValue(1048576);
    }

    @Test
    void severalResourcesAreSeparatedByBlankLines() throws Exception {
        Map<String, DrbdResourceState> all = DrbdStatusParser.parse(Recorded.text("drbd9/status-two-resources.txt"));
        assertThat(all).containsOnlyKeys(V9, "volume-0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e");
        assertThat(DrbdHealth.of(all.get("volume-0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")).kind()).isEqualTo(DrbdHealth.Kind.SPLIT_BRAIN);
    }

    @Test
    void theCommandEchoOfVerboseDrbdadmStatusIsRefused() {
        assertThatThrownBy(() -> DrbdStatusParser.parse("drbdsetup-84 status volume-1\nvolume-1 role:Primary\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("'status' is not key:value").hasMessageContaining("line 1");
    }

    @Test
    void anIndentedLineBeforeAnyResourceIsAParseError() {
        assertThatThrownBy(() -> DrbdStatusParser.parse("  disk:UpToDate\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("before any resource line");
    }

    @Test
    void oddIndentationIsAParseError() {
        assertThatThrownBy(() -> DrbdStatusParser.parse("r1 role:Primary\n   disk:UpToDate\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("unexpected indentation 3");
    }
}
