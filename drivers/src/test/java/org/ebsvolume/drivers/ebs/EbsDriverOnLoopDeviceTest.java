package org.ebsvolume.drivers.ebs;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.copy.BlockDeviceCopier;
import org.ebsvolume.drivers.lvm.DeviceMapperUnavailableException;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.target.TgtAdmTarget;
import org.ebsvolume.drivers.testing.LoopVolumeGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The EBS driver's volume lifecycle on real lvm2 (thick, metadata only: this host has no device-mapper). */
class EbsDriverOnLoopDeviceTest {

    private static LoopVolumeGroup loop;
    private static EbsDriver driver;
    private static LvmVolumeGroup group;

    @BeforeAll
    static void createTheBackend() throws Exception {
        loop = LoopVolumeGroup.create(3L << 30);
        group = loop.group();
        TgtAdmTarget tgt = new TgtAdmTarget(TgtAdmTarget.Settings.defaults(Files.createTempDirectory("ebs-tgt-")),
                new CommandRunner(Set.of("tgtadm", "tgt-admin"), List.of(), Duration.ofSeconds(30)));
        driver = new EbsDriver(thickSettings("hci-0001"), group, tgt, copier(), null, null);
        driver.initialize();
    }

    @AfterAll
    static void removeTheBackend() {
        if (loop != null) {
            loop.close();
        }
    }

    /** Thick volumes, no wiping on delete: this host has no device-mapper to write through. */
    private static EbsDriver.Settings thickSettings(String hostname) {
        return new EbsDriver.Settings("EBS", "ebs", hostname,
                new EbsDriver.Lvm(EbsDriver.Provisioning.THICK, 0, EbsDriver.VolumeClear.NONE, 0),
                new EbsDriver.Target("iqn.2010-10.org.openstack:", "127.0.0.1", List.of(), 3260),
                new EbsDriver.Capacity(0, "20.0"));
    }

    private static BlockDeviceCopier copier() {
        return new BlockDeviceCopier(new CommandRunner(BlockDeviceCopier.REQUIRED_BINARIES, List.of(), Duration.ofSeconds(30)),
                "1M", Duration.ofSeconds(30));
    }

    private static VolumeRef volume(int gb) {
        String id = UUID.randomUUID().toString();
        return new VolumeRef(id, id, gb, "hci-0001@EBS#ebs", null, null, null, false);
    }

    @Test
    void aMissingVolumeGroupKeepsTheDriverUninitialized() throws Exception {
        EbsDriver orphan = new EbsDriver(thickSettings("h"),
                new LvmVolumeGroup("no-such-vg", new CommandRunner(LvmVolumeGroup.REQUIRED_BINARIES, List.of(), Duration.ofSeconds(30)),
                        loop.options()), null, copier(), null, null);
        assertThatThrownBy(orphan::initialize).isInstanceOf(DriverException.class).hasMessageContaining("no-such-vg");
    }

    @Test
    void createsAThickVolumeNamedAfterItsId() throws Exception {
        VolumeRef v = volume(1);
        driver.createVolume(v);
        assertThat(group.find("volume-" + v.id())).get().satisfies(lv -> assertThat(lv.sizeBytes()).isEqualTo(1L << 30));
        driver.deleteVolume(v);
        assertThat(group.find("volume-" + v.id())).isEmpty();
    }

    @Test
    void extendGrowsTheLogicalVolume() throws Exception {
        VolumeRef v = volume(1);
        driver.createVolume(v);
        driver.extendVolume(v, 2);
        assertThat(group.find("volume-" + v.id()).orElseThrow().sizeBytes()).isEqualTo(2L << 30);
        driver.deleteVolume(v);
    }

    @Test
    void deletingAVolumeWhoseLvIsGoneSucceeds() throws Exception {
        driver.deleteVolume(volume(1));
    }

    @Test
    void statsReportTheGroupsCapacityAndProvisioning() throws Exception {
        VolumeRef v = volume(1);
        driver.createVolume(v);
        try {
            Map<String, Object> stats = driver.stats();
            @SuppressWarnings("unchecked")
            Map<String, Object> pool = ((List<Map<String, Object>>) stats.get("pools")).get(0);
            assertThat(stats).containsEntry("volume_backend_name", "ebs").containsEntry("storage_protocol", "iSCSI");
            assertThat((double) pool.get("total_capacity_gb")).isEqualTo(3.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat((double) pool.get("provisioned_capacity_gb")).isEqualTo(1.0);
            assertThat(pool).containsEntry("thick_provisioning_support", true).containsEntry("total_volumes", 1)
                    .containsEntry("location_info", "LVMVolumeDriver:hci-0001:" + loop.name() + ":default:0");
        } finally {
            driver.deleteVolume(v);
        }
    }

    @Test
    void aSnapshotWithoutDeviceMapperFailsWithTheTypedError() throws Exception {
        VolumeRef v = volume(1);
        driver.createVolume(v);
        try {
            assertThatThrownBy(() -> driver.createSnapshot(new SnapshotRef(UUID.randomUUID().toString(), v, 1, null)))
                    .isInstanceOf(DeviceMapperUnavailableException.class);
        } finally {
            driver.deleteVolume(v);
        }
    }

    @Test
    void managingAnLvRenamesItAndRoundsItsSizeUp() throws Exception {
        group.createThick("legacy-data", 1);
        group.extend("legacy-data", 1); // no-op: stays 1 GiB
        VolumeRef v = volume(0);
        Map<String, Object> ref = Map.of("source-name", "legacy-data");
        assertThat(driver.manageExistingSize(v, ref)).isEqualTo(1);
        driver.manageExisting(v, ref);
        assertThat(group.find("legacy-data")).isEmpty();
        assertThat(group.find("volume-" + v.id())).isPresent();
        driver.deleteVolume(v);
    }

    @Test
    void managingAMissingLvIsAnInvalidReference() {
        assertThatThrownBy(() -> driver.manageExistingSize(volume(0), Map.of("source-name", "nothing-here")))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("ManageExistingInvalidReference"));
    }

    @Test
    void aVolumeFromAMissingSnapshotIsSnapshotNotFoundAndCreatesNothing() throws Exception {
        VolumeRef source = volume(1);
        VolumeRef v = volume(1);
        int before = group.listVolumes().size();
        assertThatThrownBy(() -> driver.createVolumeFromSnapshot(v, new SnapshotRef(UUID.randomUUID().toString(), source, 1, null)))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("SnapshotNotFound"));
        assertThat(group.listVolumes()).hasSize(before);
    }

    @Test
    void aCloneOfAMissingVolumeIsVolumeNotFoundAndCreatesNothing() throws Exception {
        int before = group.listVolumes().size();
        assertThatThrownBy(() -> driver.createClonedVolume(volume(1), volume(1)))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("VolumeNotFound"));
        assertThat(group.listVolumes()).hasSize(before);
    }

    @Test
    void aThickCloneThatCannotSnapshotItsSourceLeavesNoLv() throws Exception {
        VolumeRef source = volume(1);
        driver.createVolume(source);
        try {
            VolumeRef clone = volume(1);
            assertThatThrownBy(() -> driver.createClonedVolume(clone, source)).isInstanceOf(DeviceMapperUnavailableException.class);
            assertThat(group.find("volume-" + clone.id())).isEmpty();
            assertThat(group.find("clone-snap-" + clone.id())).isEmpty();
        } finally {
            driver.deleteVolume(source);
        }
    }

    @Test
    void migrationToAnotherNodeIsLeftToTheGenericPath() throws Exception {
        VolumeRef v = volume(1);
        assertThat(driver.migrateVolume(v, "other@ebs#ebs", Map.of("location_info", "LVMVolumeDriver:other-node:" + loop.name() + ":default:0")))
                .isEmpty();
        assertThat(driver.migrateVolume(v, "other@nfs#nfs", Map.of("location_info", "NfsDriver:10.0.0.1:/export"))).isEmpty();
        assertThat(driver.migrateVolume(v, "other@x#x", Map.of())).isEmpty();
    }

    @Test
    void migrationToAVolumeGroupThisNodeDoesNotHaveIsLeftToTheGenericPath() throws Exception {
        assertThat(driver.migrateVolume(volume(1), "hci-0001@thin#thin",
                Map.of("location_info", "LVMVolumeDriver:hci-0001:no-such-vg:thin:0"))).isEmpty();
    }

    @Test
    void migrationIntoTheSameVolumeGroupIsRefused() {
        assertThatThrownBy(() -> driver.migrateVolume(volume(1), "hci-0001@EBS#ebs",
                Map.of("location_info", "LVMVolumeDriver:hci-0001:" + loop.name() + ":default:0")))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.getMessage()).contains("same Volume Group"));
    }

    @Test
    void theLocalPathIsCindersDeviceMapperName() throws Exception {
        VolumeRef v = volume(1);
        assertThat(driver.localPath(v)).isEqualTo("/dev/mapper/" + loop.name().replace("-", "--") + "-volume--" + v.id().replace("-", "--"));
    }
}
