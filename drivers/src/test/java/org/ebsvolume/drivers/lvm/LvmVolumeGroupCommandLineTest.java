package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.DriverException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ebsvolume.drivers.lvm.FakeLvm.VG;
import static org.ebsvolume.drivers.lvm.FakeLvm.lv;
import static org.ebsvolume.drivers.lvm.FakeLvm.lvNotFound;
import static org.ebsvolume.drivers.lvm.FakeLvm.lvs;
import static org.ebsvolume.drivers.lvm.FakeLvm.vgs;

/**
 * The exact lvm command lines and sequences Cinder's LVM driver runs, for the operations this
 * host cannot run for real (thin, snapshots, merge, activation states): lvm is replaced by
 * {@link FakeLvm}, an in-memory executor that records the argument lists {@link LvmVolumeGroup} passes.
 * The thick operations also run against real lvm in {@link LvmVolumeGroupOnLoopDeviceTest}.
 */
class LvmVolumeGroupCommandLineTest {

    private static final String VOL = "volume-5b7e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String SNAP = "_snapshot-0f1e2d3c-4b5a-4697-8887-a9b8c7d6e5f4";
    private static final String POOL = VG + "-pool";
    private static final long GIB = 1L << 30;
    private static final String TRANSIENT = "  Can't remove open logical volume \"x\".\n";

    private FakeLvm lvm;
    private LvmVolumeGroup group;

    @BeforeEach
    void fakeLvm() throws Exception {
        lvm = new FakeLvm();
        group = lvm.group();
    }

    // ---- create ----

    @Test
    void createThickRunsCindersLvcreate() throws Exception {
        group.createThick(VOL, 10);
        assertThat(lvm.calls()).containsExactly(List.of("lvcreate", "-n", VOL, VG, "-L", "10g"));
    }

    @Test
    void createThinRunsCindersLvcreateInTheVgsPool() throws Exception {
        group.createThin(VOL, 10);
        assertThat(lvm.calls()).containsExactly(List.of("lvcreate", "-T", "-V", "10g", "-n", VOL, VG + "/" + POOL));
    }

    @Test
    void aReplicatedVolumesLvIsCreatedWithItsRoomForDrbdInBytes() throws Exception {
        group.createOfBytes(VOL, 1_075_838_976L, true);
        group.createOfBytes(VOL, 1_075_838_976L, false);
        assertThat(lvm.calls()).containsExactly(
                List.of("lvcreate", "-T", "-V", "1075838976b", "-n", VOL, VG + "/" + POOL),
                List.of("lvcreate", "-n", VOL, VG, "-L", "1075838976b"));
        assertThatThrownBy(() -> group.createOfBytes(VOL, 0, true)).hasMessageContaining("positive");
    }

    // ---- thin pool ----

    @Test
    void aMissingThinPoolIsCreatedWith95PercentOfTheFreeGibAndActivated() throws Exception {
        lvm.fail("lvs", 1, 5, lvNotFound(POOL))
                .answer("vgs", vgs(4_290_772_992L, 4_081_057_792L, 0))
                .answer("lvs", 2, lvs(lv(POOL, 3_879_731_200L, "twi-a-tz--")));
        LogicalVolume pool = group.ensureThinPool();
        assertThat(pool.kind()).isEqualTo(LogicalVolume.Kind.THIN_POOL);
        assertThat(lvm.calls("lvcreate")).containsExactly(List.of("lvcreate", "-T", "-L", "3.61g", VG + "/" + POOL));
        assertThat(lvm.calls("lvchange")).containsExactly(List.of("lvchange", "-a", "y", "--yes", "-K", VG + "/" + POOL));
    }

    @Test
    void anExistingThinPoolIsOnlyActivated() throws Exception {
        lvm.answer("lvs", lvs(lv(POOL, 10 * GIB, "twi-aotz--")));
        group.ensureThinPool();
        assertThat(lvm.calls("lvcreate")).isEmpty();
        assertThat(lvm.calls("lvchange")).hasSize(1);
    }

    @Test
    void aThinPoolCreatedByAnotherProcessMeanwhileIsUsed() throws Exception {
        lvm.fail("lvs", 1, 5, lvNotFound(POOL))
                .answer("vgs", vgs(4_290_772_992L, 4_081_057_792L, 0))
                .fail("lvcreate", 5, "  Logical Volume \"" + POOL + "\" already exists in volume group \"" + VG + "\"\n")
                .answer("lvs", lvs(lv(POOL, 3_879_731_200L, "twi-a-tz--")));
        assertThatCode(() -> group.ensureThinPool()).doesNotThrowAnyException();
    }

    @Test
    void anLvNamedLikeThePoolThatIsNoPoolIsRefused() throws Exception {
        lvm.answer("lvs", lvs(lv(POOL, GIB, "-wi-a-----")));
        assertThatThrownBy(() -> group.ensureThinPool()).isInstanceOf(DriverException.class).hasMessageContaining("not a thin pool");
        assertThat(lvm.calls("lvcreate")).isEmpty();
    }

    @Test
    void theThinPoolSizeIsCindersNumberPrintedExactly() {
        assertThat(LvmVolumeGroup.thinPoolSize(4_081_057_792L)).isEqualTo("3.61g");   // 3.80078125 GiB free → 3.80
        assertThat(LvmVolumeGroup.thinPoolSize(2_143_289_344L)).isEqualTo("1.9g");    // 1.99609375 → 2.00
        assertThat(LvmVolumeGroup.thinPoolSize(5107L << 22)).isEqualTo("18.9525g");   // 19.94921875 → 19.95
    }

    // ---- snapshots ----

    @Test
    void aThickSnapshotGetsTheOriginsSizeInBytes() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, 3 * GIB, "-wi-a-----")));
        group.createSnapshot(SNAP, VOL);
        assertThat(lvm.calls("lvcreate"))
                .containsExactly(List.of("lvcreate", "--name", SNAP, "--snapshot", VG + "/" + VOL, "-L", (3 * GIB) + "b"));
    }

    @Test
    void aThinSnapshotGetsNoSize() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, 3 * GIB, "Vwi-a-tz--", "", POOL)));
        group.createSnapshot(SNAP, VOL);
        assertThat(lvm.calls("lvcreate")).containsExactly(List.of("lvcreate", "--name", SNAP, "--snapshot", VG + "/" + VOL));
    }

    @Test
    void aSnapshotOfAMissingOriginIsLogicalVolumeNotFoundAndCreatesNothing() throws Exception {
        lvm.fail("lvs", 5, lvNotFound(VOL));
        assertThatThrownBy(() -> group.createSnapshot(SNAP, VOL)).isInstanceOf(LogicalVolumeNotFoundException.class);
        assertThat(lvm.calls("lvcreate")).isEmpty();
    }

    @Test
    void aFailedSnapshotCreationIsTriedThreeTimes() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----"))).fail("lvcreate", 5, TRANSIENT);
        assertThatThrownBy(() -> group.createSnapshot(SNAP, VOL)).isExactlyInstanceOf(LvmCommandException.class);
        assertThat(lvm.calls("lvcreate")).hasSize(3);
    }

    @Test
    void aSnapshotWithoutDeviceMapperIsNotRetried() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----")))
                .fail("lvcreate", 5, "  Can't create snapshot without using device-mapper kernel driver.\n");
        assertThatThrownBy(() -> group.createSnapshot(SNAP, VOL)).isInstanceOf(DeviceMapperUnavailableException.class);
        assertThat(lvm.calls("lvcreate")).hasSize(1);
    }

    // ---- extend ----

    @Test
    void extendRunsLvextendWithTheNewSizeInGib() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----")));
        group.extend(VOL, 2);
        assertThat(lvm.calls("lvextend")).containsExactly(List.of("lvextend", "-L", "2g", VG + "/" + VOL));
        assertThat(lvm.calls("lvchange")).isEmpty();
    }

    @Test
    void anOriginWithSnapshotsIsDeactivatedExtendedAndActivatedAgain() throws Exception {
        lvm.answer("lvs", 1, lvs(lv(VOL, GIB, "owi-a-s---"))).answer("lvs", lvs(lv(VOL, GIB, "owi---s---")));
        group.extend(VOL, 2);
        assertThat(lvm.calls()).extracting(c -> String.join(" ", c)).containsExactly(
                "lvs --reportformat json --units b --nosuffix -o " + LvmReport.LV_FIELDS + " " + VG + "/" + VOL,
                "lvchange -a n " + VG + "/" + VOL,
                "lvs --reportformat json --units b --nosuffix -o " + LvmReport.LV_FIELDS + " " + VG + "/" + VOL,
                "lvextend -L 2g " + VG + "/" + VOL,
                "lvchange -a y --yes -K " + VG + "/" + VOL);
    }

    @Test
    void extendWaitsUntilLvmReportsTheOriginInactive() throws Exception {
        lvm.answer("lvs", 1, lvs(lv(VOL, GIB, "owi-a-s---")))
                .answer("lvs", 2, lvs(lv(VOL, GIB, "owi-a-s---")))
                .answer("lvs", 3, lvs(lv(VOL, GIB, "owi-a-s---")))
                .answer("lvs", lvs(lv(VOL, GIB, "owi---s---")));
        group.extend(VOL, 2);
        assertThat(lvm.calls("lvs")).hasSize(4);
        assertThat(lvm.calls("lvextend")).hasSize(1);
    }

    @Test
    void anOriginThatStaysActiveIsVolumeNotDeactivatedAfterFiveLooks() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "owi-a-s---")));
        assertThatThrownBy(() -> group.extend(VOL, 2))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("VolumeNotDeactivated"));
        assertThat(lvm.calls("lvs")).hasSize(1 + 5);
        assertThat(lvm.calls("lvextend")).isEmpty();
    }

    @Test
    void theOriginIsActivatedAgainEvenWhenLvextendFails() throws Exception {
        lvm.answer("lvs", 1, lvs(lv(VOL, GIB, "owi-a-s---"))).answer("lvs", lvs(lv(VOL, GIB, "owi---s---")))
                .fail("lvextend", 5, "  Insufficient free space: 512 extents needed, but only 255 available\n");
        assertThatThrownBy(() -> group.extend(VOL, 3)).isInstanceOf(InsufficientSpaceException.class);
        assertThat(lvm.calls("lvchange")).extracting(c -> c.get(2)).containsExactly("n", "y");
    }

    @Test
    void extendingToTheCurrentSizeDoesNothing() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, 2 * GIB, "-wi-a-----")));
        group.extend(VOL, 2);
        assertThat(lvm.calls("lvextend")).isEmpty();
    }

    @Test
    void extendingToASmallerSizeIsRefused() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, 2 * GIB, "-wi-a-----")));
        assertThatThrownBy(() -> group.extend(VOL, 1))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"));
        assertThat(lvm.calls("lvextend")).isEmpty();
    }

    // ---- rename ----

    @Test
    void renameRunsLvrenameWithVgOldAndNewName() throws Exception {
        group.rename("volume-old", VOL);
        assertThat(lvm.calls()).containsExactly(List.of("lvrename", VG, "volume-old", VOL));
    }

    // ---- remove ----

    @Test
    void removeRunsLvremoveWithCindersRetryDeactivationConfig() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----")));
        group.remove(VOL);
        assertThat(lvm.calls("lvremove"))
                .containsExactly(List.of("lvremove", "--config", "activation { retry_deactivation = 1 }", "-f", VG + "/" + VOL));
    }

    @Test
    void aFailedLvremoveIsFollowedByUdevSettleAndALvremoveIgnoringSuspendedDevices() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----"))).fail("lvremove", 1, 5, TRANSIENT);
        group.remove(VOL);
        assertThat(lvm.calls().subList(1, 4)).containsExactly(
                List.of("lvremove", "--config", "activation { retry_deactivation = 1 }", "-f", VG + "/" + VOL),
                List.of("udevadm", "settle"),
                List.of("lvremove", "--config", "activation { retry_deactivation = 1 } devices { ignore_suspended_devices = 1 }",
                        "-f", VG + "/" + VOL));
    }

    @Test
    void removeGivesUpAfterThreeRoundsOfTwoLvremoves() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----"))).fail("lvremove", 5, TRANSIENT);
        assertThatThrownBy(() -> group.remove(VOL)).isExactlyInstanceOf(LvmCommandException.class).hasMessageContaining("open logical volume");
        assertThat(lvm.calls("lvremove")).hasSize(6);
        assertThat(lvm.calls("udevadm")).hasSize(3);
    }

    @Test
    void anLvThatDisappearsDuringTheRetriesCountsAsRemoved() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-a-----")))
                .fail("lvremove", 1, 5, TRANSIENT)
                .fail("lvremove", 2, 5, lvNotFound(VOL));
        assertThatCode(() -> group.remove(VOL)).doesNotThrowAnyException();
    }

    @Test
    void removingAMissingLvIsLogicalVolumeNotFound() throws Exception {
        lvm.fail("lvs", 5, lvNotFound(VOL));
        assertThatThrownBy(() -> group.remove(VOL)).isInstanceOf(LogicalVolumeNotFoundException.class);
        assertThat(lvm.calls("lvremove")).isEmpty();
    }

    @Test
    void aThickOriginWithSnapshotsIsNotRemovedBecauseLvremoveWouldTakeTheSnapshotsToo() throws Exception {
        lvm.answer("lvs", lvs(lv(VOL, GIB, "owi-a-s---")));
        assertThatThrownBy(() -> group.remove(VOL))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("VolumeIsBusy"));
        assertThat(lvm.calls("lvremove")).isEmpty();
    }

    @Test
    void aThinPoolHoldingThinVolumesIsNotRemoved() throws Exception {
        lvm.answer("lvs", 1, lvs(lv(POOL, 10 * GIB, "twi-aotz--")))
                .answer("lvs", lvs(lv(POOL, 10 * GIB, "twi-aotz--"), lv(VOL, GIB, "Vwi-a-tz--", "", POOL)));
        assertThatThrownBy(() -> group.remove(POOL))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("VolumeIsBusy"))
                .hasMessageContaining(VOL);
        assertThat(lvm.calls("lvremove")).isEmpty();
    }

    // ---- revert ----

    @Test
    void revertMergesCyclesTheVolumesActivationAndRecreatesTheThickSnapshot() throws Exception {
        lvm.answer("lvs", 1, lvs(lv(SNAP, GIB, "swi-a-s---", VOL, "")))      // the snapshot, before the merge
                .answer("lvs", 2, lvs(lv(VOL, GIB, "-wi-------")))            // the volume, inactive
                .fail("lvs", 3, 5, lvNotFound(SNAP))                          // the merge consumed the snapshot
                .answer("lvs", 4, lvs(lv(VOL, GIB, "-wi-a-----")));           // the origin, for the new snapshot's size
        group.revertToSnapshot(VOL, SNAP);
        assertThat(lvm.calls()).filteredOn(c -> !c.get(0).equals("lvs")).containsExactly(
                List.of("lvconvert", "--merge", VG + "/" + SNAP),
                List.of("lvchange", "-a", "n", VG + "/" + VOL),
                List.of("lvchange", "-a", "y", "--yes", "-K", VG + "/" + VOL),
                List.of("lvcreate", "--name", SNAP, "--snapshot", VG + "/" + VOL, "-L", GIB + "b"));
    }

    @Test
    void revertRecreatesAThinSnapshotWithoutSize() throws Exception {
        lvm.answer("lvs", 1, lvs(lv(SNAP, GIB, "Vwi---tz-k", VOL, POOL)))
                .answer("lvs", 2, lvs(lv(VOL, GIB, "Vwi---tz--", "", POOL)))
                .fail("lvs", 3, 5, lvNotFound(SNAP))
                .answer("lvs", 4, lvs(lv(VOL, GIB, "Vwi-a-tz--", "", POOL)));
        group.revertToSnapshot(VOL, SNAP);
        assertThat(lvm.calls("lvcreate")).containsExactly(List.of("lvcreate", "--name", SNAP, "--snapshot", VG + "/" + VOL));
    }

    @Test
    void revertRefusesASnapshotOfAnotherVolume() throws Exception {
        lvm.answer("lvs", lvs(lv(SNAP, GIB, "swi-a-s---", "volume-other", "")));
        assertThatThrownBy(() -> group.revertToSnapshot(VOL, SNAP))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"))
                .hasMessageContaining("volume-other");
        assertThat(lvm.calls("lvconvert")).isEmpty();
    }

    @Test
    void aMergeLvmPostponedFailsTheRevertInsteadOfRecreatingTheSnapshot() throws Exception {
        lvm.answer("lvs", 2, lvs(lv(VOL, GIB, "Owi---s---")))
                .answer("lvs", lvs(lv(SNAP, GIB, "Swi-a-s---", VOL, "")));
        assertThatThrownBy(() -> group.revertToSnapshot(VOL, SNAP)).isInstanceOf(DriverException.class).hasMessageContaining("not been merged");
        assertThat(lvm.calls("lvcreate")).isEmpty();
    }

    // ---- activation ----

    @Test
    void activationIsTriedFiveTimes() throws Exception {
        lvm.fail("lvchange", 5, TRANSIENT);
        assertThatThrownBy(() -> group.activate(VOL)).isInstanceOf(LvmCommandException.class);
        assertThat(lvm.calls("lvchange")).hasSize(5);
    }

    @Test
    void permanentActivationDropsTheActivationSkipFlag() throws Exception {
        group.activatePermanently(VOL);
        assertThat(lvm.calls()).containsExactly(List.of("lvchange", "-a", "y", "--yes", "-k", "n", VG + "/" + VOL));
    }

    // ---- every command ----

    @Test
    void theConfigOverrideIsOneConfigArgumentJoinedWithTheOperationsOwn() throws Exception {
        LvmVolumeGroup testHost = lvm.group(List.of("global {activation=0}", "devices {filter=[\"a|^/dev/loop7$|\",\"r|.*|\"]}"));
        lvm.answer("lvs", lvs(lv(VOL, GIB, "-wi-XX----")));
        testHost.remove(VOL);
        String override = "global {activation=0} devices {filter=[\"a|^/dev/loop7$|\",\"r|.*|\"]}";
        assertThat(lvm.calls()).containsExactly(
                List.of("lvs", "--config", override, "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LvmReport.LV_FIELDS,
                        VG + "/" + VOL),
                List.of("lvremove", "--config", override + " activation { retry_deactivation = 1 }", "-f", VG + "/" + VOL));
    }

    @Test
    void anLvmCrashWithExitCode139IsRunAgain() throws Exception {
        lvm.fail("lvcreate", 1, 139, "Segmentation fault\n");
        group.createThick(VOL, 1);
        assertThat(lvm.calls("lvcreate")).hasSize(2);
    }

    @Test
    void theVolumeGroupIsReadFromARecordedVgsReport() throws Exception {
        lvm.answer("vgs", LvmReportTest.fixture("vgs-one-group.json"));
        assertThat(group.info()).isEqualTo(new VolumeGroup(VG, 21470642176L, 1077936128L, 5, 2, 4194304L));
        assertThat(lvm.calls()).containsExactly(
                List.of("vgs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LvmReport.VG_FIELDS, VG));
    }

    @Test
    void theVolumesAreListedFromARecordedLvsReport() throws Exception {
        lvm.answer("lvs", LvmReportTest.fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(group.listVolumes()).extracting(LogicalVolume::name)
                .containsExactlyElementsOf(LvmReport.logicalVolumes(LvmReportTest.fixture("lvs-thin-pool-thin-volumes-snapshots.json"))
                        .stream().map(LogicalVolume::name).toList())
                .contains(POOL);
    }

    @Test
    void anLvsReportThatExitedZeroButListsNothingIsAnErrorNamingTheCommand() throws Exception {
        // lvm answers a missing LV with exit 5 and "Failed to find"; an empty report is not that answer.
        lvm.answer("lvs", LvmReportTest.fixture("lvs-missing.json"));
        assertThatThrownBy(() -> group.find(VOL))
                .isInstanceOfSatisfying(LvmCommandException.class, e -> {
                    assertThat(e.getMessage()).startsWith("lvs exited 0 but its report does not list " + VG + "/" + VOL)
                            .endsWith(VG + "/" + VOL + "\", exit code 0)");
                    assertThat(e.command()).startsWith("lvs --reportformat json");
                    assertThat(e.exitCode()).isZero();
                });
    }

    @Test
    void crashRetriesWaitHalfThenAQuarterOfTheRetryUnit() throws Exception {
        lvm.fail("lvcreate", 1, 139, "Segmentation fault\n").fail("lvcreate", 2, 139, "Segmentation fault\n");
        lvm.group(new LvmOptions(List.of(), Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(1)))
                .createThick(VOL, 1);
        assertThat(lvm.calls("lvcreate")).hasSize(3);
        assertThat(lvm.pauses()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(250));
    }

    @Test
    void aBadNameIsRejectedBeforeAnyCommandRuns() throws Exception {
        String bad = "bad name!";
        List<ThrowingOperation> operations = List.of(
                () -> group.createThick(bad, 1), () -> group.createThin(bad, 1), () -> group.createSnapshot(bad, VOL),
                () -> group.createSnapshot(SNAP, "-rf"), () -> group.extend(bad, 2), () -> group.rename(VOL, "snapshot-1"),
                () -> group.rename("--force", VOL), () -> group.remove(bad), () -> group.revertToSnapshot(VOL, bad),
                () -> group.activate(bad), () -> group.find(bad));
        for (ThrowingOperation operation : operations) {
            assertThatThrownBy(operation::run)
                    .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"));
        }
        assertThat(lvm.calls()).isEmpty();
    }

    @Test
    void aSizeBelowOneGibIsRejectedBeforeAnyCommandRuns() throws Exception {
        assertThatThrownBy(() -> group.createThick(VOL, 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> group.createThin(VOL, -1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> group.extend(VOL, 0)).hasMessageContaining("positive");
        assertThat(lvm.calls()).isEmpty();
    }

    @Test
    void aBadVolumeGroupNameIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new LvmVolumeGroup("-vg", null, LvmOptions.production()))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"));
    }

    @Test
    void existsIsFalseForAMissingGroupButOtherFailuresAreThrown() throws Exception {
        lvm.fail("vgs", 1, 5, "  Volume group \"" + VG + "\" not found\n  Cannot process volume group " + VG + "\n")
                .fail("vgs", 2, 5, "  Internal error: something else\n");
        assertThat(group.exists()).isFalse();
        assertThatThrownBy(() -> group.exists()).isExactlyInstanceOf(LvmCommandException.class);
    }

    @FunctionalInterface
    private interface ThrowingOperation {
        void run() throws Exception;
    }
}
