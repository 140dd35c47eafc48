package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** lvm's failures sorted by its own words; the texts are what lvm2 2.03.16 prints on stderr. */
class LvmErrorClassificationTest {

    private static final String ACTIVATION_DISABLED = "  WARNING: Activation disabled. No device-mapper interaction will be attempted.\n";

    @Test
    void aMissingVolumeGroupIsVolumeGroupNotFound() {
        LvmException e = classify("lvs novg", 5, ACTIVATION_DISABLED
                + "  Volume group \"novg\" not found\n  Cannot process volume group novg\n");
        assertThat(e).isInstanceOf(VolumeGroupNotFoundException.class);
        assertThat(e.cinderClass()).isEqualTo("VolumeGroupNotFound");
    }

    @Test
    void anLvOperationInAMissingVolumeGroupIsAlsoVolumeGroupNotFound() {
        assertThat(classify("lvremove -f novg/volume-a", 5, "  Volume group \"novg\" not found\n  Cannot process volume group novg\n"))
                .isInstanceOf(VolumeGroupNotFoundException.class);
    }

    @Test
    void everyWayLvmSaysAnLvIsMissingIsLogicalVolumeNotFound() {
        String[] texts = {
                "  Failed to find logical volume \"ebsvg/nolv\"\n",                           // lvs, lvremove, lvchange, lvconvert
                "  Logical volume thin1 not found in volume group ebsvg.\n",                  // lvextend
                "  Existing logical volume \"thin2\" not found in volume group \"ebsvg\"\n",  // lvrename
                "  Snapshot origin LV thin1 not found in Volume group ebsvg.\n",              // lvcreate --snapshot
                "  Pool pool0 not found in Volume group ebsvg.\n",                            // lvcreate -T -V
        };
        for (String text : texts) {
            LvmException e = classify("lvm-tool", 5, ACTIVATION_DISABLED + text);
            assertThat(e).as(text).isInstanceOf(LogicalVolumeNotFoundException.class);
            assertThat(e.cinderClass()).isEqualTo("VolumeDeviceNotFound");
        }
    }

    @Test
    void bothInsufficientSpaceTextsAreInsufficientSpace() {
        assertThat(classify("lvcreate -n toobig ebsvg -L 100g", 5, ACTIVATION_DISABLED
                + "  WARNING: Skipping zeroing and wipping, compiled without activation support.\n"
                + "  Volume group \"ebsvg\" has insufficient free space (973 extents): 25600 required.\n"))
                .isInstanceOf(InsufficientSpaceException.class);
        assertThat(classify("lvextend -L 3g ebsvg/volume-a", 5, ACTIVATION_DISABLED
                + "  Insufficient free space: 512 extents needed, but only 255 available\n"))
                .isInstanceOf(InsufficientSpaceException.class);
    }

    @Test
    void aTakenNameIsLogicalVolumeExists() {
        assertThat(classify("lvcreate -n vol1 ebsvg -L 100m", 5, ACTIVATION_DISABLED
                + "  Logical Volume \"vol1\" already exists in volume group \"ebsvg\"\n"))
                .isInstanceOf(LogicalVolumeExistsException.class);
    }

    @Test
    void theNoDeviceMapperTextsAreDeviceMapperUnavailable() {
        String thinPool = ACTIVATION_DISABLED
                + "  Thin pool volume with chunk size 64.00 KiB can address at most <15.88 TiB of data.\n"
                + "  WARNING: Logical volume ebsvg/lvol0 not zeroed.\n"
                + "  Can't create thin-pool without using device-mapper kernel driver.\n";
        String snapshot = ACTIVATION_DISABLED + "  Rounding up size to full physical extent 52.00 MiB\n"
                + "  Can't create snapshot without using device-mapper kernel driver.\n";
        String noControl = "  /dev/mapper/control: open failed: No such device\n"
                + "  Failure to communicate with kernel device-mapper driver.\n"
                + "  Check that device-mapper is available in the kernel.\n"
                + "  striped: Required device-mapper target(s) not detected in your kernel.\n";
        assertThat(classify("lvcreate -T -L 200m ebsvg/pool0", 5, thinPool)).isInstanceOf(DeviceMapperUnavailableException.class);
        assertThat(classify("lvcreate -s -L 50m -n s ebsvg/vol1", 5, snapshot)).isInstanceOf(DeviceMapperUnavailableException.class);
        assertThat(classify("lvcreate -L 100m -n v ebsvg", 3, noControl))
                .isInstanceOf(DeviceMapperUnavailableException.class)
                .isInstanceOf(LvmCommandException.class);
    }

    @Test
    void aMissingLvOnAHostWithoutDeviceMapperIsStillLogicalVolumeNotFound() {
        assertThat(classify("lvremove -f ebsvg/x", 5, "  /dev/mapper/control: open failed: No such device\n"
                + "  Failure to communicate with kernel device-mapper driver.\n"
                + "  Failed to find logical volume \"ebsvg/x\"\n"))
                .isInstanceOf(LogicalVolumeNotFoundException.class);
    }

    @Test
    void anyOtherFailureIsLvmCommandException() {
        LvmException e = classify("lvextend -L +64m ebsvg/volume-thick2", 5,
                "  Snapshot origin volumes can be resized only while inactive: try lvchange -an.\n");
        assertThat(e.getClass()).isEqualTo(LvmCommandException.class);
        assertThat(e.cinderClass()).isEqualTo("VolumeBackendAPIException");
    }

    @Test
    void theExceptionKeepsCommandExitCodeAndFullStderr() {
        String stderr = ACTIVATION_DISABLED + "  Failed to find logical volume \"ebsvg/nolv\"\n";
        LvmException e = classify("lvs ebsvg/nolv", 5, stderr);
        assertThat(e.command()).isEqualTo("lvs ebsvg/nolv");
        assertThat(e.exitCode()).isEqualTo(5);
        assertThat(e.stderr()).isEqualTo(stderr);
        assertThat(e.getCause()).isInstanceOf(CommandFailedException.class);
    }

    @Test
    void theMessageHasLvmsWordsAndTheCommandButNotItsWarnings() {
        LvmException e = classify("lvs ebsvg/nolv", 5, ACTIVATION_DISABLED + "  Failed to find logical volume \"ebsvg/nolv\"\n");
        assertThat(e.getMessage())
                .contains("Failed to find logical volume \"ebsvg/nolv\"")
                .contains("lvs ebsvg/nolv")
                .contains("exit code 5")
                .doesNotContain("WARNING");
    }

    @Test
    void aCommandThatTimedOutIsLvmCommandExceptionWithTheRunnersReason() {
        LvmException e = LvmException.from(new CommandFailedException("lvremove -f ebsvg/x", -1,
                "  Failed to find logical volume \"ebsvg/x\"\n", "timed out after PT10M"));
        assertThat(e.getClass()).isEqualTo(LvmCommandException.class);
        assertThat(e.getMessage()).contains("timed out");
    }

    private static LvmException classify(String command, int exitCode, String stderr) {
        return LvmException.from(new CommandFailedException(command, exitCode, stderr, "exit code " + exitCode));
    }
}
