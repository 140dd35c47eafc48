package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.command.CommandRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real lvm2 on a loop device. This host has no device-mapper, so lvm runs with
 * {@code global {activation=0}}: metadata operations (thick create, extend, rename, remove,
 * reports) are real, nothing is activated, and thin pools and snapshots fail the way lvm fails
 * them without device-mapper. Each lvm call also gets a device filter accepting only this test's
 * loop device (lvm never scans the host's disks) and backup/archive directories in the test's
 * temporary directory (the host's /etc/lvm stays untouched).
 *
 * <p>Needs root and the Debian packages {@code lvm2} and {@code mount} (losetup). Missing ones make
 * the tests fail, never skip.
 */
class LvmVolumeGroupOnLoopDeviceTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    /** A 3 GiB PV holds 3068 MiB of extents: 3 GiB never fits, 2 GiB does. */
    private static final long PV_FILE_BYTES = 3 * GIB;

    private static final CommandRunner SETUP = new CommandRunner(
            Set.of("losetup", "pvcreate", "vgcreate", "vgremove", "pvremove", "lvremove"), List.of(), Duration.ofSeconds(60));

    private static Path workDir;
    private static String loopDevice;
    private static String vgName;
    private static boolean pvCreated;
    private static boolean vgCreated;
    private static LvmOptions options;
    private static LvmVolumeGroup group;

    @BeforeAll
    static void createAVolumeGroupOnALoopDevice() throws Exception {
        workDir = Files.createTempDirectory("ebs-lvm-test-");
        Path backing = workDir.resolve("pv.img");
        try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
            file.setLength(PV_FILE_BYTES); // sparse: costs no disk space
        }
        loopDevice = setup("losetup (Debian package 'mount'; needs root and /dev/loop-control)",
                "losetup", "-f", "--show", backing.toString()).stdout().strip();
        assertThat(loopDevice).as("losetup -f --show printed the loop device").startsWith("/dev/loop");

        Path lvmMetadata = Files.createDirectories(workDir.resolve("lvm-backup"));
        options = new LvmOptions(List.of(
                "global {activation=0}",
                "devices {filter=[\"a|^" + loopDevice + "$|\",\"r|.*|\"] use_devicesfile=0}",
                "backup {backup_dir=\"" + lvmMetadata + "\" archive_dir=\"" + lvmMetadata + "\"}"),
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ZERO);
        String config = String.join(" ", options.configOverride());

        vgName = "ebs-test-" + UUID.randomUUID().toString().substring(0, 8);
        setup("pvcreate (Debian package 'lvm2')", "pvcreate", "--config", config, loopDevice);
        pvCreated = true;
        setup("vgcreate (Debian package 'lvm2')", "vgcreate", "--config", config, vgName, loopDevice);
        vgCreated = true;
        group = groupNamed(vgName);
    }

    @AfterEach
    void removeEveryLvTheTestLeft() throws Exception {
        if (vgCreated) {
            setup("lvremove", "lvremove", "--config", String.join(" ", options.configOverride()), "-f", vgName);
        }
    }

    /** Every step is attempted even when one fails, so a broken run leaves no loop device behind. */
    @AfterAll
    static void removeTheVolumeGroupAndTheLoopDevice() throws Exception {
        List<Exception> failures = new ArrayList<>();
        String config = options == null ? "" : String.join(" ", options.configOverride());
        if (vgCreated) {
            attempt(failures, () -> setup("vgremove", "vgremove", "--config", config, "-f", vgName));
        }
        if (loopDevice != null) {
            if (pvCreated) {
                attempt(failures, () -> setup("pvremove", "pvremove", "--config", config, loopDevice));
            }
            attempt(failures, () -> setup("losetup -d", "losetup", "-d", loopDevice));
        }
        if (workDir != null) {
            attempt(failures, () -> {
                try (Stream<Path> paths = Files.walk(workDir)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                return null;
            });
        }
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    // ---- reading ----

    @Test
    void infoReportsTheLoopBackedGroupInBytes() throws Exception {
        VolumeGroup info = group.info();
        assertThat(info.name()).isEqualTo(vgName);
        assertThat(info.pvCount()).isEqualTo(1);
        assertThat(info.lvCount()).isZero();
        assertThat(info.extentSizeBytes()).isEqualTo(4 * MIB);
        // 3 GiB minus lvm's 1 MiB metadata area, in whole 4 MiB extents.
        assertThat(info.sizeBytes()).isEqualTo(3068 * MIB);
        assertThat(info.freeBytes()).isEqualTo(info.sizeBytes());
    }

    @Test
    void theGroupExistsAndAnotherDoesNot() throws Exception {
        assertThat(group.exists()).isTrue();
        assertThat(groupNamed("ebs-test-no-such-vg").exists()).isFalse();
    }

    @Test
    void aMissingVolumeGroupIsVolumeGroupNotFound() throws Exception {
        LvmVolumeGroup missing = groupNamed("ebs-test-no-such-vg");
        assertThatThrownBy(missing::info).isInstanceOfSatisfying(VolumeGroupNotFoundException.class, e -> {
            assertThat(e.stderr()).contains("Volume group \"ebs-test-no-such-vg\" not found");
            assertThat(e.exitCode()).isEqualTo(5);
            assertThat(e.cinderClass()).isEqualTo("VolumeGroupNotFound");
        });
        assertThatThrownBy(() -> missing.createThick(volumeName(), 1)).isInstanceOf(VolumeGroupNotFoundException.class);
        assertThatThrownBy(() -> missing.find(volumeName())).isInstanceOf(VolumeGroupNotFoundException.class);
    }

    @Test
    void listVolumesReturnsEveryVolumeOfTheGroup() throws Exception {
        String a = volumeName();
        String b = volumeName();
        group.createThick(a, 1);
        group.createThick(b, 1);
        assertThat(group.listVolumes()).extracting(LogicalVolume::name).containsExactlyInAnyOrder(a, b);
        assertThat(group.info().lvCount()).isEqualTo(2);
    }

    // ---- thick volumes ----

    @Test
    void createThickMakesAnLvOfExactlyTheRequestedGib() throws Exception {
        String name = volumeName();
        group.createThick(name, 1);
        LogicalVolume lv = group.find(name).orElseThrow();
        assertThat(lv.sizeBytes()).isEqualTo(GIB);
        assertThat(lv.kind()).isEqualTo(LogicalVolume.Kind.THICK);
        assertThat(lv.vg()).isEqualTo(vgName);
        // Activation is disabled here: lvm cannot know the kernel state and prints X.
        assertThat(lv.attr()).isEqualTo("-wi-XX----");
        assertThat(group.info().freeBytes()).isEqualTo(3068 * MIB - GIB);
    }

    @Test
    void extendGrowsAThickVolume() throws Exception {
        String name = volumeName();
        group.createThick(name, 1);
        group.extend(name, 2);
        assertThat(group.find(name).orElseThrow().sizeBytes()).isEqualTo(2 * GIB);
    }

    @Test
    void renameMovesTheVolumeToItsNewName() throws Exception {
        String before = volumeName();
        String after = volumeName();
        group.createThick(before, 1);
        group.rename(before, after);
        assertThat(group.find(before)).isEmpty();
        assertThat(group.find(after)).hasValueSatisfying(lv -> assertThat(lv.sizeBytes()).isEqualTo(GIB));
    }

    @Test
    void removeDeletesTheVolumeAndFreesItsSpace() throws Exception {
        String name = volumeName();
        group.createThick(name, 1);
        group.remove(name);
        assertThat(group.find(name)).isEmpty();
        assertThat(group.info().freeBytes()).isEqualTo(group.info().sizeBytes());
    }

    @Test
    void activationSucceedsWithActivationDisabled() throws Exception {
        String name = volumeName();
        group.createThick(name, 1);
        group.activate(name);
        assertThat(group.find(name)).isPresent();
    }

    // ---- error paths ----

    @Test
    void aMissingLvIsLogicalVolumeNotFoundForEveryOperation() throws Exception {
        String missing = volumeName();
        assertThat(group.find(missing)).isEmpty();
        List<ThrowingOperation> operations = List.of(
                () -> group.extend(missing, 2), () -> group.rename(missing, volumeName()), () -> group.remove(missing),
                () -> group.activate(missing), () -> group.createSnapshot(LvmNames.snapshot(UUID.randomUUID().toString()), missing),
                () -> group.revertToSnapshot(volumeName(), LvmNames.snapshot(UUID.randomUUID().toString())));
        for (ThrowingOperation operation : operations) {
            assertThatThrownBy(operation::run).isInstanceOfSatisfying(LogicalVolumeNotFoundException.class, e -> {
                assertThat(e.stderr()).containsPattern("Failed to find logical volume|not found in volume group");
                assertThat(e.cinderClass()).isEqualTo("VolumeDeviceNotFound");
            });
        }
    }

    @Test
    void aVolumeLargerThanTheFreeSpaceIsInsufficientSpace() throws Exception {
        String name = volumeName();
        assertThatThrownBy(() -> group.createThick(name, 3)).isInstanceOfSatisfying(InsufficientSpaceException.class, e -> {
            assertThat(e.stderr()).contains("insufficient free space");
            assertThat(e.command()).startsWith("lvcreate --config ").endsWith("-n " + name + " " + vgName + " -L 3g");
            assertThat(e.exitCode()).isEqualTo(5);
        });
        assertThat(group.find(name)).isEmpty();
    }

    @Test
    void extendingBeyondTheFreeSpaceIsInsufficientSpaceAndKeepsTheSize() throws Exception {
        String name = volumeName();
        group.createThick(name, 1);
        assertThatThrownBy(() -> group.extend(name, 3)).isInstanceOfSatisfying(InsufficientSpaceException.class,
                e -> assertThat(e.stderr()).contains("Insufficient free space"));
        assertThat(group.find(name).orElseThrow().sizeBytes()).isEqualTo(GIB);
    }

    @Test
    void creatingATakenNameIsLogicalVolumeExists() throws Exception {
        String name = volumeName();
        group.createThick(name, 1);
        assertThatThrownBy(() -> group.createThick(name, 1)).isInstanceOfSatisfying(LogicalVolumeExistsException.class,
                e -> assertThat(e.stderr()).contains("already exists in volume group \"" + vgName + "\""));
    }

    @Test
    void renamingOntoATakenNameIsLogicalVolumeExistsAndKeepsBoth() throws Exception {
        String a = volumeName();
        String b = volumeName();
        group.createThick(a, 1);
        group.createThick(b, 1);
        assertThatThrownBy(() -> group.rename(a, b)).isInstanceOf(LogicalVolumeExistsException.class);
        assertThat(group.listVolumes()).extracting(LogicalVolume::name).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void aBadNameIsRejectedBeforeAnythingRuns() throws Exception {
        for (String bad : List.of("bad name!", "snapshot-1", "-n", "x_tmeta")) {
            assertThatThrownBy(() -> group.createThick(bad, 1))
                    .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"))
                    .isNotInstanceOf(LvmException.class);
        }
        assertThat(group.listVolumes()).isEmpty();
    }

    // ---- what needs device-mapper ----

    @Test
    void theThinPoolCannotBeCreatedWithoutDeviceMapperAndNothingIsLeftBehind() throws Exception {
        assertThatThrownBy(() -> group.ensureThinPool()).isInstanceOfSatisfying(DeviceMapperUnavailableException.class, e -> {
            assertThat(e.stderr()).contains("Can't create thin-pool without using device-mapper kernel driver.");
            assertThat(e.getMessage()).contains("Can't create thin-pool without using device-mapper kernel driver.");
            assertThat(e.command()).contains("lvcreate --config").contains(" -T -L 2.85g " + vgName + "/" + group.thinPoolName());
        });
        assertThat(group.listVolumes()).isEmpty();
    }

    @Test
    void aThickSnapshotCannotBeCreatedWithoutDeviceMapper() throws Exception {
        String origin = volumeName();
        group.createThick(origin, 1);
        String snapshot = LvmNames.snapshot(UUID.randomUUID().toString());
        assertThatThrownBy(() -> group.createSnapshot(snapshot, origin)).isInstanceOfSatisfying(DeviceMapperUnavailableException.class,
                e -> assertThat(e.stderr()).contains("Can't create snapshot without using device-mapper kernel driver."));
        assertThat(group.find(snapshot)).isEmpty();
    }

    @Test
    void aThinVolumeWithoutThePoolIsLogicalVolumeNotFound() throws Exception {
        assertThatThrownBy(() -> group.createThin(volumeName(), 1)).isInstanceOfSatisfying(LogicalVolumeNotFoundException.class,
                e -> assertThat(e.stderr()).contains("Pool " + group.thinPoolName() + " not found in Volume group " + vgName));
    }

    // ---- helpers ----

    private static String volumeName() throws DriverException {
        return LvmNames.volume(UUID.randomUUID().toString());
    }

    private static LvmVolumeGroup groupNamed(String name) throws DriverException {
        return new LvmVolumeGroup(name, new CommandRunner(LvmVolumeGroup.REQUIRED_BINARIES, List.of(), Duration.ofSeconds(60)), options);
    }

    /** Runs a setup command; a failure names the step (and the Debian package) so a missing tool is obvious. */
    private static CommandResult setup(String what, String... argv) {
        try {
            return SETUP.run(List.of(argv));
        } catch (CommandFailedException e) {
            throw new IllegalStateException("test setup step '" + what + "' failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface ThrowingOperation {
        void run() throws Exception;
    }

    private interface Step {
        Object run() throws Exception;
    }

    private static void attempt(List<Exception> failures, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            failures.add(e);
        }
    }
}
