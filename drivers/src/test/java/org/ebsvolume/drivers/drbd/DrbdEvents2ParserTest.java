package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code drbdsetup events2} on DRBD 8.4 (recorded in the project's lab) and DRBD 9 (written in its
 * format): the {@code --now} dump and the live stream.
 */
class DrbdEvents2ParserTest {

    private static final String LAB = DrbdResourceConfigTest.RESOURCE;
    private static final String V9 = "volume-8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

    private static DrbdResourceState lab84(String capture) throws Exception {
        Map<String, DrbdResourceState> all = DrbdEvents2Parser.currentState(Recorded.lab84(capture).stdout());
        assertThat(all).containsOnlyKeys(LAB);
        return all.get(LAB);
    }

    private static DrbdResourceState drbd9(String fixture) throws Exception {
        return DrbdEvents2Parser.currentState(Recorded.text("drbd9/" + fixture + ".txt")).get(V9);
    }

    @Test
    void readsRolesDisksAndConnectionOfAnUpToDatePrimaryOn84() throws Exception {
        DrbdResourceState s = lab84("resolved-primary.events2-now");
        assertThat(s.role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(s.device().orElseThrow()).isEqualTo(new DrbdDevice(0, OptionalInt.of(1000), DrbdDiskState.UP_TO_DATE, OptionalLong.empty()));
        DrbdPeer peer = s.onlyPeer().orElseThrow();
        assertThat(peer.name()).isEqualTo("peer");   // drbd-utils' 8.4 emulation names every connection "peer"
        assertThat(peer.peerNodeId()).hasValue(0);
        assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTED);
        assertThat(peer.role()).isEqualTo(DrbdRole.SECONDARY);
        DrbdPeerDevice pd = peer.devices().get(0);
        assertThat(pd.replication()).isEqualTo(DrbdReplicationState.ESTABLISHED);
        assertThat(pd.peerDisk()).isEqualTo(DrbdDiskState.UP_TO_DATE);
        assertThat(pd.donePercent()).isEmpty();
    }

    @Test
    void statisticsAddSizeAndOutOfSyncOn84() throws Exception {
        DrbdResourceState s = lab84("resolved-primary.events2-now-statistics");
        assertThat(s.device().orElseThrow().sizeKib()).hasValue(65496);
        assertThat(s.onlyPeer().orElseThrow().devices().get(0).outOfSyncKib()).hasValue(0);
    }

    @Test
    void syncProgressOn84IsComputedFromOutOfSyncAndSize() throws Exception {
        // 8.4's events2 has no done:, only out-of-sync:52516 of size:65496 (drbdadm status said done:20.70 a moment earlier)
        DrbdPeerDevice pd = lab84("syncsource.events2-now-statistics").onlyPeer().orElseThrow().devices().get(0);
        assertThat(pd.replication()).isEqualTo(DrbdReplicationState.SYNC_SOURCE);
        assertThat(pd.peerDisk()).isEqualTo(DrbdDiskState.INCONSISTENT);
        assertThat(pd.donePercent().getAsDouble()).isCloseTo(100.0 * (65496 - 52516) / 65496, within(0.001));
    }

    @Test
    void syncProgressIsUnknownWithoutStatistics() throws Exception {
        assertThat(lab84("syncsource.events2-now").onlyPeer().orElseThrow().devices().get(0).donePercent()).isEmpty();
    }

    @Test
    void drbd9DoneIsTakenAsDrbdPrintsIt() throws Exception {
        DrbdPeerDevice pd = drbd9("events2-now-statistics-synctarget").onlyPeer().orElseThrow().devices().get(0);
        assertThat(pd.replication()).isEqualTo(DrbdReplicationState.SYNC_TARGET);
        assertThat(pd.donePercent()).hasValue(41.27);
    }

    @Test
    void drbd9KeysAndPathLinesAreIgnored() throws Exception {
        DrbdResourceState s = drbd9("events2-now-statistics-uptodate-primary");
        assertThat(s.role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(s.peers()).containsOnlyKeys("store-2");
        assertThat(s.onlyPeer().orElseThrow().peerNodeId()).hasValue(1);
        assertThat(s.device().orElseThrow().minor()).hasValue(1003);
    }

    @Test
    void peerLostOn84IsConnectingWithPeerDiskUnknown() throws Exception {
        DrbdResourceState s = lab84("peer-lost-secondary.events2-now");
        DrbdPeer peer = s.onlyPeer().orElseThrow();
        assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTING);
        assertThat(peer.role()).isEqualTo(DrbdRole.UNKNOWN);
        assertThat(peer.devices().get(0).replication()).isEqualTo(DrbdReplicationState.OFF);
        assertThat(peer.devices().get(0).peerDisk()).isEqualTo(DrbdDiskState.D_UNKNOWN);
    }

    @Test
    void aResourceThatIsDownPrintsOnlyTheEndMark() throws Exception {
        assertThat(DrbdEvents2Parser.currentState(Recorded.lab84("err-events2-now-down").stdout())).isEmpty();
    }

    @Test
    void theStreamAcrossAFailoverOn84EndsPrimaryWithThePeerOutdated() throws Exception {
        // nodeb's stream over the lab session: initial sync, nodea's power cut, fence-peer, promotion, ...
        String stream = Recorded.text("lab-drbd84/events2-stream.nodeb.txt");
        DrbdStateTracker tracker = new DrbdStateTracker();
        List<DrbdEvent> events = DrbdEvents2Parser.parse(stream);
        int promoted = -1;
        for (int i = 0; i < events.size(); i++) {
            tracker.apply(events.get(i));
            if (promoted < 0 && tracker.resource(LAB).orElseThrow().role() == DrbdRole.PRIMARY) {
                promoted = i;
                DrbdPeer peer = tracker.resource(LAB).orElseThrow().onlyPeer().orElseThrow();
                assertThat(peer.connection()).isEqualTo(DrbdConnectionState.CONNECTING);
                assertThat(peer.devices().get(0).peerDisk()).as("fence-peer answered 5: peer outdated").isEqualTo(DrbdDiskState.OUTDATED);
            }
        }
        assertThat(promoted).isPositive();
        assertThat(events.get(0).timestamp()).contains(OffsetDateTime.parse("2026-11-24T02:03:29.376442+00:00"));
        assertThat(events).anyMatch(e -> e.object().equals("helper") && e.field("helper").orElse("").equals("fence-peer"));
    }

    @Test
    void changeLinesCarryOnlyWhatChanged() throws Exception {
        DrbdStateTracker tracker = new DrbdStateTracker();
        for (DrbdEvent e : DrbdEvents2Parser.parse(Recorded.lab84("uptodate-secondary.events2-now").stdout())) {
            tracker.apply(e);
        }
        tracker.apply(DrbdEvents2Parser.parseLine("change connection name:" + LAB + " peer-node-id:0 conn-name:peer connection:NetworkFailure role:Unknown", 1).orElseThrow());
        DrbdResourceState s = tracker.resource(LAB).orElseThrow();
        assertThat(s.role()).isEqualTo(DrbdRole.SECONDARY);
        assertThat(s.device().orElseThrow().disk()).isEqualTo(DrbdDiskState.UP_TO_DATE);
        assertThat(s.onlyPeer().orElseThrow().connection()).isEqualTo(DrbdConnectionState.NETWORK_FAILURE);
    }

    @Test
    void destroyedConnectionIsForgottenAndCreatedAgain() throws Exception {
        // recorded: "drbdadm disconnect" on 8.4 destroys the connection, "connect" creates it StandAlone, then Connecting
        DrbdStateTracker tracker = new DrbdStateTracker();
        boolean sawNoPeer = false;
        for (DrbdEvent e : DrbdEvents2Parser.parse(Recorded.text("lab-drbd84/events2-stream.nodeb.txt"))) {
            tracker.apply(e);
            if (e.kind() == DrbdEvent.Kind.DESTROY && e.object().equals("connection")) {
                assertThat(tracker.resource(LAB).orElseThrow().peers()).isEmpty();
                sawNoPeer = true;
            }
        }
        assertThat(sawNoPeer).isTrue();
        assertThat(tracker.resource(LAB).orElseThrow().peers()).containsOnlyKeys("peer");
    }

    @Test
    void drbd9StreamWithHelpersAndPathsFollowsTheFailover() throws Exception {
        DrbdStateTracker tracker = new DrbdStateTracker();
        for (DrbdEvent e : DrbdEvents2Parser.parse(Recorded.text("drbd9/events2-stream-failover.txt"))) {
            tracker.apply(e);
        }
        DrbdResourceState s = tracker.resource(V9).orElseThrow();
        assertThat(s.role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(s.onlyPeer().orElseThrow().connection()).isEqualTo(DrbdConnectionState.CONNECTED);
        assertThat(s.onlyPeer().orElseThrow().devices().get(0).replication()).isEqualTo(DrbdReplicationState.ESTABLISHED);
        assertThat(DrbdHealth.of(s).kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
    }

    @Test
    void destroyedResourceIsForgotten() throws Exception {
        DrbdStateTracker tracker = new DrbdStateTracker();
        for (DrbdEvent e : DrbdEvents2Parser.parse(Recorded.lab84("resolved-primary.events2-now").stdout())) {
            tracker.apply(e);
        }
        tracker.apply(DrbdEvents2Parser.parseLine("destroy resource name:" + LAB, 1).orElseThrow());
        assertThat(tracker.snapshot()).isEmpty();
    }

    @Test
    void handMadeEventsWithoutIdentityAreIgnoredByTheTracker() {
        DrbdStateTracker tracker = new DrbdStateTracker();
        tracker.apply(new DrbdEvent(java.util.Optional.empty(), DrbdEvent.Kind.EXISTS, "device", Map.of("disk", "UpToDate")));
        tracker.apply(new DrbdEvent(java.util.Optional.empty(), DrbdEvent.Kind.EXISTS, "peer-device", Map.of("name", "r1")));
        assertThat(tracker.snapshot()).isEmpty();
    }

    @Test
    void unknownKeysAndObjectsAreIgnored() throws Exception {
        String text = "exists resource name:r1 role:Secondary future-key:42\n"
                + "exists teleporter name:r1 warp:9\n"
                + "exists device name:r1 volume:0 minor:7 disk:UpToDate shiny:yes\n"
                + "exists -\n";
        DrbdResourceState s = DrbdEvents2Parser.currentState(text).get("r1");
        assertThat(s.role()).isEqualTo(DrbdRole.SECONDARY);
        assertThat(s.device().orElseThrow().disk()).isEqualTo(DrbdDiskState.UP_TO_DATE);
    }

    @Test
    void anUnknownStateWordIsKeptAsUnrecognized() throws Exception {
        DrbdResourceState s = DrbdEvents2Parser.currentState("exists device name:r1 volume:0 disk:Shiny\nexists resource name:r1 role:Secondary\n").get("r1");
        assertThat(s.device().orElseThrow().disk()).isEqualTo(DrbdDiskState.UNRECOGNIZED);
    }

    @Test
    void aWordWithoutColonIsAParseErrorNamingTheLine() {
        assertThatThrownBy(() -> DrbdEvents2Parser.parse("exists -\nchange resource name:r1 role Primary\n"))
                .isInstanceOf(DrbdParseException.class)
                .hasMessageContaining("'role' is not key:value")
                .hasMessageContaining("line 2")
                .satisfies(e -> assertThat(((DrbdParseException) e).line()).isEqualTo("change resource name:r1 role Primary"));
    }

    @Test
    void anUnknownEventKindIsAParseError() {
        assertThatThrownBy(() -> DrbdEvents2Parser.parse("vanish resource name:r1\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("unknown events2 event 'vanish'");
    }

    @Test
    void aDeviceWithoutVolumeIsAParseError() {
        assertThatThrownBy(() -> DrbdEvents2Parser.parse("exists device name:r1 minor:1 disk:UpToDate\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("without 'volume:'");
    }

    @Test
    void aNonNumericVolumeIsAParseError() {
        assertThatThrownBy(() -> DrbdEvents2Parser.parse("exists device name:r1 volume:zero disk:UpToDate\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("'volume:zero' is not a number");
    }

    @Test
    void aBadTimestampIsAParseError() {
        assertThatThrownBy(() -> DrbdEvents2Parser.parse("2026-13-45T99:00 exists -\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("timestamp");
    }

    @Test
    void controlCharactersInTheOffendingLineAreEscapedInTheMessage() {
        assertThatThrownBy(() -> DrbdEvents2Parser.parse("exists resource name:r1 \u001b[31mred\n"))
                .isInstanceOf(DrbdParseException.class).hasMessageContaining("\\x1b[31mred");
    }
}
