package org.ebsvolume.worker;

import com.fasterxml.jackson.databind.JsonNode;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.Lab;
import org.ebsvolume.worker.testing.LabVolumes;
import org.ebsvolume.worker.testing.LabVolumes.Attachment;
import org.ebsvolume.worker.testing.LabWorker;
import org.ebsvolume.worker.testing.LabWorker.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ebsvolume.worker.testing.LabVolumes.field;
import static org.ebsvolume.worker.testing.LabVolumes.sha256;

/**
 * A volume's life on a real storage host: the Java worker runs inside lab node {@code nodea}
 * (real kernel: LVM thin pool, LIO, iSCSI) against the real Cinder control plane on the host
 * (cinder-api, cinder-scheduler, MariaDB, RabbitMQ), everything driven by the real {@code cinder}
 * CLI; {@code nodeb} is the compute host that logs in with iscsiadm and CHAP and moves real data.
 * The worker is installed and run as an operator runs it: the project's Debian package
 * ({@code scripts/build-deb}, {@code dpkg -i}) and {@code systemctl start ebs-volume}, root with
 * the unit's hardening.
 *
 * <p>Backends on nodea: {@code ebs} (lvm_type = thin, VG {@code cinder-volumes} on /dev/vdb, the
 * driver makes the pool) and {@code ebs-thick} (lvm_type = default, VG {@code cinder-volumes-thick}
 * on /dev/vdc); volume types {@code thin} and {@code thick} pick them. The methods run in order and
 * build on each other.
 *
 * <p>Needs root and the lab (lab/README.md): {@code scripts/test-lab -Dtest=LabSingleHostLifecycleTest}, or
 * {@code mvn -B -ntp -pl worker -am test -Dgroups=lab -DexcludedGroups= -Dtest=LabSingleHostLifecycleTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code -Debs.lab.reuse=true} keeps the nodes between runs (faster
 * iterations: storage and cinder DB are wiped at the start anyway; {@code lab/lab.sh clean} by hand at the end).
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabSingleHostLifecycleTest {

    private static final String NODEA = "nodea";
    private static final String NODEB = "nodeb";
    private static final Backend THIN = Backend.thin("ebs");
    private static final Backend THICK = Backend.thick("ebs-thick");
    private static final long GIB = 1L << 30;
    private static final int DATA_MIB = 16;

    private final Map<String, String> timings = new LinkedHashMap<>();
    private final String logLabel = LabWorker.label("lab-single-host");
    private Lab lab;
    private ControlPlane cp;
    private CinderDb db;
    private LabWorker worker;
    private LabVolumes vols;
    private long stepStart;

    // State carried from one step to the next.
    private String thinId;
    private String thickId;
    private String dataChecksum;
    private Attachment current;

    @BeforeAll
    void bootTheLabStartTheControlPlaneAndTheWorkerInNodea() {
        lab = Lab.fromEnvironment();
        boolean reuse = Boolean.getBoolean("ebs.lab.reuse");
        if (!reuse) {
            lab.clean();
        }
        // The control plane starts on the host while the nodes boot.
        CompletableFuture<ControlPlane> plane = CompletableFuture.supplyAsync(() -> ControlPlane.start(Map.of(
                "EBS_CINDER_SERVICE_DOWN_TIME", "30", "EBS_CINDER_REPORT_INTERVAL", "5",
                "EBS_CINDER_SCHEDULER_INIT_WAIT", "2", "EBS_CINDER_EXTRA_CONF", ControlPlane.labExtraConf().toString()), "--reset-db"));
        long t0 = System.nanoTime();
        AssertionError bootFailure = null;
        try {
            lab.up(NODEA, NODEB);
        } catch (AssertionError e) {
            bootFailure = e;
        }
        timings.put("boot nodea+nodeb (lab.sh up" + (reuse ? ", reused" : "") + ")", since(t0) + " (to sshd: nodea "
                + lab.bootSeconds(NODEA).orElse(Double.NaN) + " s, nodeb " + lab.bootSeconds(NODEB).orElse(Double.NaN) + " s)");
        try {
            cp = plane.join(); // also when the boot failed: @AfterAll stops what started
        } catch (CompletionException e) {
            if (bootFailure == null) {
                throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
            }
        }
        if (bootFailure != null) {
            throw bootFailure;
        }
        db = cp.db();
        for (String[] type : List.of(new String[]{"thin", THIN.volumeBackendName()}, new String[]{"thick", THICK.volumeBackendName()})) {
            cp.cinder("type-create", type[0]).requireSuccess();
            cp.cinder("type-key", type[0], "set", "volume_backend_name=" + type[1]).requireSuccess();
        }

        t0 = System.nanoTime();
        // Stats only at start-up and after a delete (as Cinder's LVM driver after delete_volume):
        // the out-of-space test needs the scheduler to keep its view while the VG fills behind it.
        // Installed and run as an operator does: the project's Debian package, `systemctl start ebs-volume`.
        LabWorker.Settings settings = LabWorker.Settings.defaults().withBackends(THIN, THICK).withStatsPollingInterval(600)
                .withDebianPackage();
        if (reuse) {
            // The cinder DB starts empty: so must the storage the nodes kept from an earlier run.
            LabWorker.wipeStorage(lab, settings);
            lab.exec(NODEB, "bash", "-c", "iscsiadm -m node --logoutall=all; iscsiadm -m node --op delete; true");
        }
        worker = LabWorker.deploy(lab, cp, settings);
        timings.put("worker deploy (package install, VG, cinder.conf)", since(t0));
        vols = new LabVolumes(lab, cp, db, NODEB, () -> worker.log());
        Duration started = worker.start();
        timings.put("worker start until nodea@ebs and nodea@ebs-thick up with pools", seconds(started));
    }

    @AfterAll
    void collectLogsAndStopEverything() {
        Path logs = null;
        try {
            if (worker != null) {
                logs = worker.collectLogs(logLabel);
                worker.stop();
            }
        } finally {
            try {
                if (lab != null && !Boolean.getBoolean("ebs.lab.reuse")) {
                    lab.clean();
                }
            } finally {
                if (db != null) {
                    db.close();
                }
                if (cp != null) {
                    cp.stop();
                }
                StringBuilder report = new StringBuilder("lab timings:\n");
                timings.forEach((k, v) -> report.append(String.format("  %-90s %s%n", k, v)));
                System.out.print(report);
                if (logs != null) {
                    try {
                        Files.createDirectories(logs);
                        Files.writeString(logs.resolve("timings.txt"), report);
                    } catch (IOException ignored) {
                        // the timings are in the test output too
                    }
                    System.out.println("lab logs: " + logs);
                }
            }
        }
    }

    @BeforeEach
    void startClock() {
        stepStart = System.nanoTime();
    }

    @AfterEach
    void stopClock(TestInfo info) {
        timings.put(info.getDisplayName(), since(stepStart));
    }

    // ------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aThinVolumeCreatedWithTheCinderCliIsAThinLogicalVolumeOfTheRequestedSizeInThePool() {
        thinId = field(cp.cinder("create", "--volume-type", "thin", "--name", "lab-thin", "1").requireSuccess(), "id");

        awaitVolumeStatus(thinId, "available");
        Map<String, Object> row = volume(thinId);
        assertThat(row).containsEntry("host", worker.pool(THIN)).containsEntry("size", 1).containsEntry("attach_status", "detached");
        assertThat(row.get("launched_at")).isNotNull();
        assertThat(field(cp.cinder("show", thinId).requireSuccess(), "status")).isEqualTo("available");

        JsonNode lv = lv(THIN, thinId);
        assertThat(lv).as("LV of %s in %s", thinId, lvs(THIN)).isNotNull();
        assertThat(lv.path("lv_size").asLong()).isEqualTo(GIB);
        assertThat(lv.path("pool_lv").asText()).isEqualTo(THIN.volumeGroup() + "-pool");
        assertThat(lv.path("lv_attr").asText()).startsWith("V"); // thin volume
        assertThat(lv.path("lv_layout").asText()).contains("thin");
        // The driver made the pool at start-up, as Cinder's LVM driver does (95 % of the VG).
        assertThat(lvs(THIN).get(THIN.volumeGroup() + "-pool").path("lv_attr").asText()).startsWith("twi-a");
    }

    @Test
    @Order(2)
    void attachmentCreateWithAConnectorExportsTheVolumeOverLioWithChapForThatInitiatorOnly() {
        Attachment a = attach(thinId);
        current = a; // the next steps use it even if a check below fails

        assertThat(a.iqn()).isEqualTo("iqn.2010-10.org.openstack:volume-" + thinId);
        assertThat(a.portal()).isEqualTo(worker.nodeIp() + ":3260");
        assertThat(a.info()).containsEntry("driver_volume_type", "iscsi").containsEntry("auth_method", "CHAP")
                .containsEntry("target_lun", "0").containsEntry("volume_id", thinId);
        assertThat(a.user()).isNotBlank();
        assertThat(a.password()).hasSizeGreaterThanOrEqualTo(12);

        // Cinder's attachment_update: the attachment records the connector and is 'attaching', as is the volume.
        Map<String, Object> att = db.single("SELECT * FROM volume_attachment WHERE id = ?", a.id());
        assertThat(att).containsEntry("attach_status", "attaching").containsEntry("attached_host", NODEB)
                .containsEntry("mountpoint", "/dev/vdb").containsEntry("volume_id", thinId);
        assertThat((String) att.get("connector")).contains(Lab.initiatorName(NODEB));
        assertThat(volume(thinId)).containsEntry("status", "attaching");
        assertThat((String) volume(thinId).get("provider_auth")).isEqualTo("CHAP " + a.user() + " " + a.password());

        // LIO in nodea: the target with LUN 0 on the LV, a portal on the lab address, one ACL (nodeb) with the CHAP user.
        String tpg = LabVolumes.CONFIGFS + "/iscsi/" + a.iqn() + "/tpgt_1";
        assertThat(lab.execOk(NODEA, "ls", tpg + "/acls")).isEqualTo(Lab.initiatorName(NODEB) + "\n");
        assertThat(lab.execOk(NODEA, "cat", tpg + "/acls/" + Lab.initiatorName(NODEB) + "/auth/userid").strip()).isEqualTo(a.user());
        assertThat(lab.execOk(NODEA, "ls", tpg + "/np")).isEqualTo(a.portal() + "\n");
        assertThat(lab.execOk(NODEA, "cat", tpg + "/attrib/authentication").strip()).isEqualTo("1");
        assertThat(lab.execOk(NODEA, "cat", tpg + "/enable").strip()).isEqualTo("1");
        assertThat(lab.execOk(NODEA, "bash", "-c", "readlink -f " + tpg + "/lun/lun_0/*/ | xargs -n1 basename"))
                .contains("iqn.2010-10.org.openstack:volume-" + thinId);
        assertThat(lab.execOk(NODEA, "bash", "-c", "cat " + LabVolumes.CONFIGFS + "/core/iblock_*/*/udev_path"))
                .contains("/dev/" + THIN.volumeGroup() + "/volume-" + thinId);
    }

    @Test
    @Order(3)
    void theTargetRefusesAnInitiatorThatPresentsAWrongChapSecret() {
        Attachment a = current;
        assertThat(discover()).contains(a.portal() + ",1 " + a.iqn());
        CliResult login = lab.exec(NODEB, "bash", "-c", LabVolumes.LOGIN_SCRIPT, "login", a.portal(), a.iqn(), a.user(), "wrongSecret1234");
        assertThat(login.exitCode()).as(login.describe()).isEqualTo(24); // iSCSI login failed due to authorization failure
        assertThat(login.stderr()).contains("authorization failure");
        lab.exec(NODEB, "iscsiadm", "-m", "node", "-T", a.iqn(), "-p", a.portal(), "--op", "delete");
    }

    @Test
    @Order(4)
    void theComputeNodeLogsInWithTheChapCredentialsAndWritesDataThatLandsOnTheLogicalVolume() {
        Attachment a = current;
        String device = login(a);
        assertThat(lab.execOk(NODEB, "blockdev", "--getsize64", device).strip()).isEqualTo(String.valueOf(GIB));
        dataChecksum = sha256(lab.execOk(NODEB, "bash", "-c", "dd if=/dev/urandom of=\"$1\" bs=1M count=" + DATA_MIB
                + " oflag=direct status=none && dd if=\"$1\" bs=1M count=" + DATA_MIB + " iflag=direct status=none | sha256sum",
                "write", device));
        assertThat(sha256(lab.execOk(NODEA, "bash", "-c", "dd if=/dev/" + THIN.volumeGroup() + "/volume-" + thinId + " bs=1M count=" + DATA_MIB
                + " iflag=direct status=none | sha256sum"))).as("the bytes nodeb wrote, read from the LV on nodea").isEqualTo(dataChecksum);

        // Nova marks the attachment complete once the host is connected.
        cp.cinder("--os-volume-api-version", "3.44", "attachment-complete", a.id()).requireSuccess();
        assertThat(volume(thinId)).containsEntry("status", "in-use").containsEntry("attach_status", "attached");
        assertThat(db.single("SELECT attach_status FROM volume_attachment WHERE id = ?", a.id())).containsEntry("attach_status", "attached");
        logout(a);
    }

    @Test
    @Order(5)
    void theDataReadsBackTheSameAfterANewLogin() {
        Attachment a = current;
        String device = login(a);
        assertThat(checksumOf(device)).isEqualTo(dataChecksum);
        logout(a);
    }

    @Test
    @Order(6)
    void attachmentDeleteLeavesTheVolumeAvailableAndRemovesItsLioTargetAndBackstore() {
        Attachment a = current;
        cp.cinder("attachment-delete", a.id()).requireSuccess();
        awaitVolumeStatus(thinId, "available");
        assertThat(volume(thinId)).containsEntry("attach_status", "detached");
        assertThat(db.single("SELECT deleted, attach_status FROM volume_attachment WHERE id = ?", a.id()))
                .containsEntry("deleted", 1).containsEntry("attach_status", "detached");
        // Cinder's LIO target: terminate_connection drops the ACL, remove_export (no attachment left) the target and backstore.
        awaitNoLioObjectsOf(thinId);
        // With its last target gone nodea serves no portal: discovery from nodeb meets a closed port.
        assertThat(lab.execOk(NODEA, "ss", "-Hltn", "sport = :3260")).isBlank();
        current = null;
    }

    @Test
    @Order(7)
    void extendingADetachedVolumeGrowsItsLogicalVolumeAndKeepsItsData() {
        cp.cinder("extend", thinId, "2").requireSuccess();
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(volume(thinId)).containsEntry("status", "available").containsEntry("size", 2));
        assertThat(lv(THIN, thinId).path("lv_size").asLong()).isEqualTo(2 * GIB);

        Attachment a = attach(thinId);
        String device = login(a);
        assertThat(lab.execOk(NODEB, "blockdev", "--getsize64", device).strip()).isEqualTo(String.valueOf(2 * GIB));
        assertThat(checksumOf(device)).as("first %d MiB after the extend", DATA_MIB).isEqualTo(dataChecksum);
        cp.cinder("--os-volume-api-version", "3.44", "attachment-complete", a.id()).requireSuccess();
        logout(a);
        cp.cinder("attachment-delete", a.id()).requireSuccess();
        awaitVolumeStatus(thinId, "available");
        awaitNoLioObjectsOf(thinId);
    }

    @Test
    @Order(8)
    void aThickVolumeIsAFullyAllocatedLinearLogicalVolumeOnTheThickBackend() {
        thickId = field(cp.cinder("create", "--volume-type", "thick", "--name", "lab-thick", "1").requireSuccess(), "id");
        awaitVolumeStatus(thickId, "available");
        assertThat(volume(thickId)).containsEntry("host", worker.pool(THICK)).containsEntry("size", 1);
        JsonNode lv = lv(THICK, thickId);
        assertThat(lv).as("LV of %s in %s", thickId, lvs(THICK)).isNotNull();
        assertThat(lv.path("lv_size").asLong()).isEqualTo(GIB);
        assertThat(lv.path("pool_lv").asText()).isEmpty();
        assertThat(lv.path("lv_attr").asText()).startsWith("-wi-a");
        assertThat(lv.path("lv_layout").asText()).isEqualTo("linear");
    }

    @Test
    @Order(9)
    void deletingVolumesSoftDeletesTheirRowsAndLeavesNoLogicalVolumeNorLioObject() {
        for (String id : List.of(thinId, thickId)) {
            cp.cinder("delete", id).requireSuccess();
        }
        for (String id : List.of(thinId, thickId)) {
            Backend backend = id.equals(thinId) ? THIN : THICK;
            await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(db.single("SELECT status, deleted FROM volumes WHERE id = ?", id))
                            .as("volume %s", id).containsEntry("deleted", 1));
            Map<String, Object> row = db.single("SELECT * FROM volumes WHERE id = ?", id);
            assertThat(row).containsEntry("status", "deleted");
            assertThat(row.get("deleted_at")).isNotNull();
            assertThat(cp.cinder("show", id).requireFailure().stderr()).contains("No volume with a name or ID of '" + id + "' exists.");
            assertThat(lv(backend, id)).as("LV of deleted volume %s", id).isNull();
        }
        String lio = lab.execOk(NODEA, "bash", "-c", "ls " + LabVolumes.CONFIGFS + "/iscsi; ls " + LabVolumes.CONFIGFS + "/core/iblock_* 2>/dev/null; "
                + "cat /etc/rtslib-fb-target/saveconfig.json 2>/dev/null || true");
        assertThat(lio).doesNotContain(thinId).doesNotContain(thickId);
    }

    @Test
    @Order(10)
    void aVolumeLargerThanTheVolumeGroupEndsInErrorWithTheSchedulersUserMessageAndNoLogicalVolume() {
        String id = field(cp.cinder("create", "--volume-type", "thick", "--name", "lab-too-big", "50").requireSuccess(), "id");
        awaitVolumeStatus(id, "error");
        assertThat(userMessages(id)).contains("schedule allocate volume:Could not find any available weighted backend.");
        assertThat(lv(THICK, id)).isNull();
        deleteErrorVolume(id);
    }

    @Test
    @Order(11)
    void aCreateThatTheVolumeGroupCannotHoldAnyMoreFailsOnTheNodeWithAUserMessageAndLeavesNoLogicalVolume() {
        // Someone else takes the VG's free space; the scheduler still believes the last report.
        lab.execOk(NODEA, "lvcreate", "-q", "-l", "100%FREE", "-n", "lab-filler", THICK.volumeGroup());
        String id;
        try {
            id = field(cp.cinder("create", "--volume-type", "thick", "--name", "lab-no-room", "2").requireSuccess(), "id");
            awaitVolumeStatus(id, "error");
            assertThat(volume(id)).containsEntry("host", worker.pool(THICK)); // it was the node that failed, not the scheduler
            assertThat(userMessages(id)).contains("create volume from backend storage:Driver failed to create the volume.");
            assertThat(lv(THICK, id)).isNull();
        } finally {
            lab.execOk(NODEA, "lvremove", "-q", "-y", THICK.volumeGroup() + "/lab-filler");
        }
        deleteErrorVolume(id);
    }

    // ------------------------------------------------------------------------------------------------
    // helpers: LabVolumes, with nodeb as the compute host

    private Attachment attach(String volumeId) {
        return vols.attach(volumeId);
    }

    private String discover() {
        return vols.discover(worker.nodeIp());
    }

    private String login(Attachment a) {
        return vols.login(a);
    }

    private void logout(Attachment a) {
        vols.logout(a);
    }

    private String checksumOf(String device) {
        return vols.checksumOf(device, DATA_MIB);
    }

    private void awaitNoLioObjectsOf(String volumeId) {
        vols.awaitNoLioObjectsOf(NODEA, volumeId);
    }

    private Map<String, Object> volume(String id) {
        return vols.volume(id);
    }

    private void awaitVolumeStatus(String id, String status) {
        vols.awaitVolumeStatus(id, status);
    }

    private void deleteErrorVolume(String id) {
        cp.cinder("delete", id).requireSuccess();
        vols.awaitVolumeDeleted(id);
    }

    private String userMessages(String id) {
        return vols.userMessages(id);
    }

    /** {@code lvs --reportformat json} of the backend's VG in nodea, by LV name. */
    private Map<String, JsonNode> lvs(Backend backend) {
        return vols.lvs(NODEA, backend.volumeGroup());
    }

    private JsonNode lv(Backend backend, String volumeId) {
        return lvs(backend).get("volume-" + volumeId);
    }

    private static String since(long t0) {
        return seconds(Duration.ofNanos(System.nanoTime() - t0));
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
