package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DrbdAdm} against recorded DRBD answers (this host has no drbd module): the argument
 * lists it passes, and how each recorded failure is typed.
 */
class DrbdAdmReplayTest {

    private static final String RES = DrbdResourceConfigTest.RESOURCE;

    @TempDir
    Path dir;

    private ReplayedDrbd replay(Recorded... answers) throws Exception {
        ReplayedDrbd replay = new ReplayedDrbd(dir);
        for (Recorded r : answers) {
            replay.then(r);
        }
        return replay;
    }

    @Test
    void eachOperationRunsTheDrbdadmCommandForTheResource() throws Exception {
        Recorded ok = Recorded.lab84("adjust-unchanged");
        ReplayedDrbd replay = replay(ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok);
        DrbdAdm adm = replay.adm();
        adm.createMetadata(RES);
        adm.up(RES);
        adm.forcePrimary(RES);
        adm.primary(RES);
        adm.secondary(RES);
        adm.adjust(RES);
        adm.resize(RES);
        adm.disconnect(RES);
        adm.connect(RES);
        adm.connectDiscardingMyData(RES);
        adm.down(RES);
        adm.wipeMetadata(RES);
        assertThat(List.of(replay.call(1), replay.call(2), replay.call(3), replay.call(4), replay.call(5), replay.call(6),
                replay.call(7), replay.call(8), replay.call(9), replay.call(10), replay.call(11), replay.call(12))).containsExactly(
                List.of("drbdadm", "create-md", "--force", RES),
                List.of("drbdadm", "up", RES),
                List.of("drbdadm", "primary", "--force", RES),
                List.of("drbdadm", "primary", RES),
                List.of("drbdadm", "secondary", RES),
                List.of("drbdadm", "adjust", RES),
                List.of("drbdadm", "resize", RES),
                List.of("drbdadm", "disconnect", RES),
                List.of("drbdadm", "connect", RES),
                List.of("drbdadm", "connect", "--discard-my-data", RES),
                List.of("drbdadm", "down", RES),
                List.of("drbdadm", "--", "--force", "wipe-md", RES));
    }

    @Test
    void aResourceNameLikeAnOptionIsRefusedBeforeAnythingRuns() throws Exception {
        ReplayedDrbd replay = replay();
        assertThatThrownBy(() -> replay.adm().up("--all")).isInstanceOf(InvalidDrbdConfigException.class);
        assertThat(replay.calls()).isZero();
    }

    @Test
    void currentStateReadsEvents2NowWithStatistics() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("resync-synctarget.events2-now-statistics"));
        DrbdHealth health = DrbdHealth.of(RES, replay.adm().currentState(RES));
        assertThat(replay.call(1)).containsExactly("drbdsetup", "events2", "--now", "--statistics", RES);
        assertThat(health.kind()).isEqualTo(DrbdHealth.Kind.SYNCING);
        assertThat(health.syncPercent().getAsDouble()).isBetween(90.0, 100.0);
    }

    @Test
    void currentStatesReadsEveryResourceFromOneEvents2DumpOfAll() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("two-resources.events2-now-statistics-all"));
        var states = replay.adm().currentStates();
        assertThat(replay.calls()).isEqualTo(1);
        assertThat(replay.call(1)).containsExactly("drbdsetup", "events2", "--now", "--statistics", "all");
        assertThat(states).containsOnlyKeys("volume-r1", "volume-r2");
        assertThat(DrbdHealth.of(states.get("volume-r1")).kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
        assertThat(states.get("volume-r1").role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(states.get("volume-r2").onlyPeer().orElseThrow().connection()).isNotEqualTo(DrbdConnectionState.CONNECTED);
    }

    @Test
    void aResourceThatIsDownIsAbsentFromCurrentStates() throws Exception {
        assertThat(replay(Recorded.lab84("one-down.events2-now-statistics-all")).adm().currentStates())
                .containsOnlyKeys("volume-r1");
    }

    @Test
    void noResourceUpMeansNoCurrentStates() throws Exception {
        assertThat(replay(Recorded.lab84("none-up.events2-now-statistics-all")).adm().currentStates()).isEmpty();
    }

    @Test
    void aResourceThatIsDownHasNoStateAndIsUnconfigured() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("err-events2-now-down"));
        assertThat(replay.adm().health(RES).kind()).isEqualTo(DrbdHealth.Kind.UNCONFIGURED);
    }

    @Test
    void statusParsesDrbdadmStatus() throws Exception {
        DrbdResourceState s = replay(Recorded.lab84("peer-lost-primary.status")).adm().status(RES);
        assertThat(s.role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(DrbdHealth.of(s).kind()).isEqualTo(DrbdHealth.Kind.DEGRADED_PEER_LOST);
    }

    @Test
    void kernelVersionOfTheLabsModuleChoosesThe84Dialect() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("version-drbdadm"));
        assertThat(replay.adm().dialect()).isEqualTo(DrbdDialect.V84);
        assertThat(replay.call(1)).containsExactly("drbdadm", "--version");
    }

    @Test
    void noLoadedModuleIsModuleUnavailable() throws Exception {
        ReplayedDrbd replay = replay(Recorded.parse(Recorded.text("host-drbd-utils/host-drbdadm-version-no-module.txt")));
        assertThatThrownBy(() -> replay.adm().kernelVersion()).isInstanceOf(DrbdModuleUnavailableException.class)
                .hasMessageContaining("DRBD_KERNEL_VERSION_CODE=0x000000");
    }

    @Test
    void writeResourceFileWritesTheRenderedFileInTheDirectory() throws Exception {
        DrbdAdm adm = replay().adm();
        Path written = adm.writeResourceFile(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
        assertThat(written).hasContent(DrbdResourceConfigTest.labConfig().render(DrbdDialect.V84));
        assertThat(adm.deleteResourceFile(RES)).isTrue();
    }

    // ---- recorded failures, each typed -------------------------------------------------------

    @Test
    void secondPrimaryIsPeerIsPrimary() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("err-second-primary"), Recorded.lab84("err-second-primary-force"));
        assertThatThrownBy(() -> replay.adm().primary(RES)).isInstanceOf(DrbdPeerIsPrimaryException.class);
        assertThatThrownBy(() -> replay.adm().forcePrimary(RES)).isInstanceOf(DrbdPeerIsPrimaryException.class);
    }

    @Test
    void primaryWithoutUpToDateDataIsNoUpToDateData() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("err-primary-inconsistent"), Recorded.lab84("err-primary-outdated-disconnected"));
        assertThatThrownBy(() -> replay.adm().primary(RES)).isInstanceOf(DrbdNoUpToDateDataException.class);
        assertThatThrownBy(() -> replay.adm().primary(RES)).isInstanceOf(DrbdNoUpToDateDataException.class);
    }

    @Test
    void primaryRefusedByFencingIsPeerNotOutdated() throws Exception {
        assertThatThrownBy(() -> replay(Recorded.lab84("err-primary-fence-peer-fails")).adm().primary(RES))
                .isInstanceOf(DrbdPeerNotOutdatedException.class)
                .hasMessageContaining("(-7) Refusing to be Primary while peer is not outdated");
    }

    @Test
    void secondaryOrDownWhileHeldOpenIsDeviceHeldOpen() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("err-secondary-held-open"), Recorded.lab84("err-down-held-open"));
        assertThatThrownBy(() -> replay.adm().secondary(RES)).isInstanceOf(DrbdDeviceHeldOpenException.class);
        assertThatThrownBy(() -> replay.adm().down(RES)).isInstanceOf(DrbdDeviceHeldOpenException.class);
    }

    @Test
    void upTwiceIsAlreadyConfigured() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("err-up-twice"), Recorded.drbd9("err-up-twice"));
        assertThatThrownBy(() -> replay.adm().up(RES)).isInstanceOf(DrbdAlreadyConfiguredException.class);
        assertThatThrownBy(() -> replay.adm().up(RES)).isInstanceOf(DrbdAlreadyConfiguredException.class);
    }

    @Test
    void createMdOnAnUpResourceIsAlreadyConfigured() throws Exception {
        assertThatThrownBy(() -> replay(Recorded.lab84("err-create-md-while-up")).adm().createMetadata(RES))
                .isInstanceOf(DrbdAlreadyConfiguredException.class);
    }

    @Test
    void connectWhileConnectedIsAddressInUse() throws Exception {
        assertThatThrownBy(() -> replay(Recorded.lab84("err-connect-while-connected")).adm().connect(RES))
                .isInstanceOf(DrbdAddressInUseException.class);
    }

    @Test
    void unknownOrDownResourceIsResourceUnknown() throws Exception {
        ReplayedDrbd replay = replay(Recorded.lab84("err-up-unknown"), Recorded.lab84("err-status-down"),
                Recorded.lab84("err-primary-down"), Recorded.drbd9("err-primary-unknown-resource"));
        assertThatThrownBy(() -> replay.adm().up(RES)).isInstanceOf(DrbdResourceUnknownException.class);
        assertThatThrownBy(() -> replay.adm().status(RES)).isInstanceOf(DrbdResourceUnknownException.class);
        assertThatThrownBy(() -> replay.adm().primary(RES)).isInstanceOf(DrbdResourceUnknownException.class);
        assertThatThrownBy(() -> replay.adm().primary(RES)).isInstanceOf(DrbdResourceUnknownException.class);
    }

    @Test
    void aRejectedConfigFileIsConfigFileError() throws Exception {
        assertThatThrownBy(() -> replay(Recorded.lab84("v9-dialect-file-on-84-parser")).adm().up(RES))
                .isInstanceOf(DrbdConfigFileException.class).hasMessageContaining("but got 'auto-promote'");
    }

    @Test
    void anUnknownFailureKeepsTheCommandAndStderr() throws Exception {
        Recorded maxPeers = Recorded.lab84("err-create-md-max-peers");
        DrbdException e = org.junit.jupiter.api.Assertions.assertThrows(DrbdException.class,
                () -> replay(maxPeers).adm().createMetadata(RES));
        assertThat(e).isInstanceOf(DrbdCommandException.class);
        assertThat(e.exitCode()).isEqualTo(1);
        assertThat(e.stderr()).isEqualTo(maxPeers.stderr());
        assertThat(e.command()).endsWith("drbdadm create-md --force " + RES);
        assertThat(e.cinderClass()).isEqualTo("VolumeBackendAPIException");
        assertThat(e.getMessage()).contains("unrecognized option '--max-peers=1'").contains("exit code 1");
    }
}
