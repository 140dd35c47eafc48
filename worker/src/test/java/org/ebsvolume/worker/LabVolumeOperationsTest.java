package org.ebsvolume.worker;

import com.fasterxml.jackson.databind.JsonNode;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.Lab;
import org.ebsvolume.worker.testing.LabVolumes;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ebsvolume.worker.testing.LabVolumes.field;

/**
 * Issue #4's volume operations on real kernels, through the real {@code cinder} CLI: the Java
 * worker runs in {@code nodea} with a thin backend ({@code ebs}, VG cinder-volumes on /dev/vdb)
 * and a thick one ({@code ebs-thick}, VG cinder-volumes-thick on /dev/vdc); {@code nodeb} runs a
 * second worker (thin backend {@code ebs}: the destination of a migration to another node) and is
 * the compute host that logs in with iscsiadm and CHAP to read the data back. Every operation is
 * checked in the cinder DB and on the node (lvs JSON, LIO's configfs); every operation that must
 * keep data is followed by a checksum read over iSCSI.
 *
 * <p>Not here yet: a volume from a Glance image and upload-to-image (the lab image had no
 * qemu-img until commit "lab image: install qemu-utils in the guest"; the test is in this file's
 * history, commit 96adeae, to bring back once it has run on the new image).
 *
 * <p>The methods run in order and build on each other (the volumes of one step are the sources
 * of the next). nodeb's backend is disabled in Cinder until the migration step, so that the
 * scheduler places every other volume on nodea.
 *
 * <p>Run: {@code flock /tmp/ebs-lab-stage.lock mvn -B -ntp -pl worker -am test -Dgroups=lab -DexcludedGroups=
 * -Dtest=LabVolumeOperationsTest -Dsurefire.failIfNoSpecifiedTests=false -Debs.lab.run=/tmp/ebs-lab-ops
 * -Debs.lab.portBase=26500} ({@code -Debs.lab.reuse=true} keeps the nodes between runs).
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabVolumeOperationsTest {

    private static final String NODEA = "nodea";
    private static final String NODEB = "nodeb";
    private static final Backend THIN = Backend.thin("ebs");
    private static final Backend THICK = Backend.thick("ebs-thick");
    /** nodeb's backend: same volume_backend_name as nodea's thin one, so a thin volume may migrate there. */
    private static final Backend NODEB_THIN = Backend.thin("ebs");
    private static final long GIB = 1L << 30;
    private static final int DATA_MIB = 8;

    private final Map<String, String> timings = new LinkedHashMap<>();
    private final String logLabel = LabWorker.label("lab-volume-operations");
    private Lab lab;
    private ControlPlane cp;
    private CinderDb db;
    private LabWorker worker;
    private LabWorker workerB;
    /** Attaches from nodeb (the compute host). */
    private LabVolumes vols;
    /** Attaches from nodea: reads a volume that lives on nodeb. */
    private LabVolumes fromA;
    private long stepStart;
    private String thinTypeId;
    private String thickTypeId;

    // State carried from one step to the next.
    private String thinId;
    private String thickId;
    private String thinData;
    private String thickData;
    private String thinSnap;
    private String thickSnap;
    private String retypedId;
    private String retypedData;

    @BeforeAll
    void bootTheLabStartTheControlPlaneAndAWorkerInEachNode() {
        // vdc (12G, lab.sh's default) holds the thick backend: thick snapshots take their origin's full size.
        lab = Lab.fromEnvironment();
        boolean reuse = Boolean.getBoolean("ebs.lab.reuse");
        if (!reuse) {
            lab.clean();
        }
        CompletableFuture<ControlPlane> plane = CompletableFuture.supplyAsync(() -> ControlPlane.start(Map.of(
                "EBS_CINDER_SERVICE_DOWN_TIME", "30", "EBS_CINDER_REPORT_INTERVAL", "5",
                "EBS_CINDER_SCHEDULER_INIT_WAIT", "2", "EBS_CINDER_EXTRA_CONF", ControlPlane.labExtraConf().toString()), "--reset-db"));
        long t0 = System.nanoTime();
        try {
            lab.up(NODEA, NODEB);
        } finally {
            timings.put("boot nodea+nodeb" + (reuse ? " (reused)" : ""), since(t0));
        }
        try {
            cp = plane.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        }
        db = cp.db();
        for (String[] type : List.of(new String[]{"thin", THIN.volumeBackendName()}, new String[]{"thick", THICK.volumeBackendName()})) {
            cp.cinder("type-create", type[0]).requireSuccess();
            cp.cinder("type-key", type[0], "set", "volume_backend_name=" + type[1]).requireSuccess();
        }
        thinTypeId = (String) db.scalar("SELECT id FROM volume_types WHERE name = 'thin' AND deleted = 0");
        thickTypeId = (String) db.scalar("SELECT id FROM volume_types WHERE name = 'thick' AND deleted = 0");

        t0 = System.nanoTime();
        LabWorker.Settings settingsA = LabWorker.Settings.defaults().withBackends(THIN, THICK).withStatsPollingInterval(600);
        LabWorker.Settings settingsB = LabWorker.Settings.defaults().withNode(NODEB).withBackends(NODEB_THIN).withStatsPollingInterval(600);
        if (reuse) {
            for (String node : List.of(NODEA, NODEB)) {
                lab.exec(node, "bash", "-c", "iscsiadm -m node --logoutall=all; iscsiadm -m node --op delete; true");
            }
            LabWorker.wipeStorage(lab, settingsA);
            LabWorker.wipeStorage(lab, settingsB);
        }
        CompletableFuture<LabWorker> deployB = CompletableFuture.supplyAsync(() -> LabWorker.deploy(lab, cp, settingsB));
        worker = LabWorker.deploy(lab, cp, settingsA);
        workerB = deployB.join();
        timings.put("deploy both workers", since(t0));
        t0 = System.nanoTime();
        CompletableFuture<Duration> startB = CompletableFuture.supplyAsync(workerB::start);
        worker.start();
        startB.join();
        // Until the migration step, the scheduler must put every new volume on nodea.
        cp.cinder("service-disable", workerB.serviceHost(NODEB_THIN.name()), "cinder-volume").requireSuccess();
        timings.put("start both workers", since(t0));
        vols = new LabVolumes(lab, cp, db, NODEB, this::logs);
        fromA = new LabVolumes(lab, cp, db, NODEA, this::logs);
    }

    private String logs() {
        return worker.log() + (workerB == null ? "" : "\n===== nodeb\n" + workerB.log());
    }

    @AfterAll
    void collectLogsAndStopEverything() {
        Path logs = null;
        try {
            for (LabWorker w : new LabWorker[]{worker, workerB}) {
                if (w != null) {
                    logs = w.collectLogs(logLabel);
                    w.stop();
                }
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
                timings.forEach((k, v) -> report.append(String.format("  %-110s %s%n", k, v)));
                System.out.print(report);
                if (logs != null) {
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
    void aSnapshotOfAThinVolumeIsAThinSnapshotLvAndOfAThickVolumeAThickOneOfTheOriginsSize() {
        thinId = createVolume("thin", "ops-thin", 1);
        thickId = createVolume("thick", "ops-thick", 1);
        thinData = vols.writeRandom(NODEA, device(THIN, thinId), DATA_MIB);
        thickData = vols.writeRandom(NODEA, device(THICK, thickId), DATA_MIB);

        thinSnap = createSnapshot(thinId, "ops-thin-snap");
        thickSnap = createSnapshot(thickId, "ops-thick-snap");

        JsonNode thinLv = lvs(NODEA, THIN).get("_snapshot-" + thinSnap);
        assertThat(thinLv).as("thin snapshot LV in %s", lvs(NODEA, THIN)).isNotNull();
        assertThat(thinLv.path("lv_attr").asText()).startsWith("V");
        assertThat(thinLv.path("pool_lv").asText()).isEqualTo(THIN.volumeGroup() + "-pool");
        assertThat(thinLv.path("origin").asText()).isEqualTo("volume-" + thinId);
        JsonNode thickLv = lvs(NODEA, THICK).get("_snapshot-" + thickSnap);
        assertThat(thickLv).as("thick snapshot LV in %s", lvs(NODEA, THICK)).isNotNull();
        assertThat(thickLv.path("lv_attr").asText()).startsWith("s");
        assertThat(thickLv.path("origin").asText()).isEqualTo("volume-" + thickId);
        assertThat(thickLv.path("lv_size").asLong()).isEqualTo(GIB);
        assertThat(vols.snapshot(thinSnap)).containsEntry("progress", "100%").containsEntry("volume_size", 1);
    }

    @Test
    @Order(2)
    void aVolumeFromASnapshotMayBeLargerAndReadsTheSnapshotsDataThenReadableSpace() {
        String id = field(cp.cinder("create", "--snapshot-id", thinSnap, "--name", "ops-from-snap", "2").requireSuccess(), "id");
        vols.awaitVolumeStatus(id, "available");
        assertThat(vols.volume(id)).containsEntry("size", 2).containsEntry("snapshot_id", thinSnap).containsEntry("host", worker.pool(THIN));
        JsonNode lv = lvs(NODEA, THIN).get("volume-" + id);
        assertThat(lv).isNotNull();
        assertThat(lv.path("lv_size").asLong()).isEqualTo(2 * GIB);

        String[] read = vols.overIscsi(NODEA, id, dev -> new String[]{
                lab.execOk(NODEB, "blockdev", "--getsize64", dev).strip(),
                vols.checksumOf(dev, DATA_MIB),
                LabVolumes.sha256(lab.execOk(NODEB, "bash", "-c",
                        "dd if=\"$1\" bs=1M skip=2040 count=8 iflag=direct status=none | sha256sum", "tail", dev))});
        assertThat(read[0]).isEqualTo(String.valueOf(2 * GIB));
        assertThat(read[1]).as("the snapshot's data").isEqualTo(thinData);
        assertThat(read[2]).as("the last 8 MiB (grown space) read as zeros").isEqualTo(zerosSha256(8));
        deleteVolume(id);
    }

    @Test
    @Order(3)
    void aThinCloneIsASnapshotOfItsSourceAndAThickCloneACopyWithoutTemporarySnapshotLeft() {
        String thinClone = field(cp.cinder("create", "--source-volid", thinId, "--name", "ops-thin-clone", "1").requireSuccess(), "id");
        String thickClone = field(cp.cinder("create", "--source-volid", thickId, "--name", "ops-thick-clone", "1").requireSuccess(), "id");
        vols.awaitVolumeStatus(thinClone, "available");
        vols.awaitVolumeStatus(thickClone, "available");
        assertThat(vols.volume(thinClone)).containsEntry("source_volid", thinId).containsEntry("volume_type_id", thinTypeId);
        assertThat(vols.volume(thickClone)).containsEntry("source_volid", thickId).containsEntry("host", worker.pool(THICK));

        JsonNode thinLv = lvs(NODEA, THIN).get("volume-" + thinClone);
        assertThat(thinLv.path("origin").asText()).isEqualTo("volume-" + thinId);
        assertThat(thinLv.path("lv_attr").asText()).startsWith("V").doesNotEndWith("k"); // activation-skip removed
        Map<String, JsonNode> thick = lvs(NODEA, THICK);
        assertThat(thick.get("volume-" + thickClone).path("lv_layout").asText()).isEqualTo("linear");
        assertThat(thick.get("volume-" + thickClone).path("origin").asText()).isEmpty();
        assertThat(thick.keySet()).noneMatch(n -> n.startsWith("clone-snap"));

        assertThat(readOverIscsi(vols, NODEA, thinClone)).isEqualTo(thinData);
        assertThat(readOverIscsi(vols, NODEA, thickClone)).isEqualTo(thickData);
        deleteVolume(thinClone);
        deleteVolume(thickClone);
    }

    @Test
    @Order(4)
    void revertingToTheLatestSnapshotBringsBackItsDataKeepsTheSnapshotAndRemovesTheBackupSnapshot() {
        for (Backend backend : List.of(THIN, THICK)) {
            String id = backend == THIN ? thinId : thickId;
            String a = vols.writeRandom(NODEA, device(backend, id), DATA_MIB);
            String snap = createSnapshot(id, "ops-revert-" + backend.name());
            String b = vols.writeRandom(NODEA, device(backend, id), DATA_MIB);
            assertThat(b).isNotEqualTo(a);

            cp.cinder("--os-volume-api-version", "3.40", "revert-to-snapshot", snap).requireSuccess();
            vols.awaitVolumeStatus(id, "available");
            vols.awaitSnapshotStatus(snap, "available");
            assertThat(lvs(NODEA, backend)).as("the snapshot LV is still there").containsKey("_snapshot-" + snap);
            // The backup snapshot goes after the volume is available again (Cinder's order).
            String backupName = "[revert] volume " + id + " backup snapshot";
            await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(db.query("SELECT id, status, deleted FROM snapshots WHERE display_name = ?", backupName))
                            .as("the revert's backup snapshot rows").isNotEmpty().allSatisfy(r -> assertThat(r).containsEntry("deleted", 1)));
            List<Map<String, Object>> backups = db.query("SELECT id FROM snapshots WHERE display_name = ?", backupName);
            for (Map<String, Object> backup : backups) {
                assertThat(lvs(NODEA, backend)).doesNotContainKey("_snapshot-" + backup.get("id"));
            }
            assertThat(readOverIscsi(vols, NODEA, id)).as("%s volume after revert", backend.name())
                    .isEqualTo(a);
            if (backend == THIN) {
                thinData = a;
            } else {
                thickData = a;
            }
        }
    }

    @Test
    @Order(5)
    void extendingAThickVolumeThatHasSnapshotsGrowsItAndKeepsItsDataAndSnapshots() {
        cp.cinder("extend", thickId, "2").requireSuccess();
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Object> row = vols.volume(thickId);
            assertThat((String) row.get("status")).isNotEqualTo("error_extending");
            assertThat(row).containsEntry("status", "available").containsEntry("size", 2);
        });
        Map<String, JsonNode> thick = lvs(NODEA, THICK);
        assertThat(thick.get("volume-" + thickId).path("lv_size").asLong()).isEqualTo(2 * GIB);
        assertThat(thick.get("volume-" + thickId).path("lv_attr").asText()).startsWith("owi-a"); // origin, active again
        assertThat(thick.get("_snapshot-" + thickSnap).path("origin").asText()).isEqualTo("volume-" + thickId);
        String[] read = vols.overIscsi(NODEA, thickId, dev -> new String[]{
                lab.execOk(NODEB, "blockdev", "--getsize64", dev).strip(), vols.checksumOf(dev, DATA_MIB)});
        assertThat(read[0]).isEqualTo(String.valueOf(2 * GIB));
        assertThat(read[1]).isEqualTo(thickData);
    }

    @Test
    @Order(6)
    void retypingThinToThickAndBackMovesTheLvBetweenTheVolumeGroupsAndKeepsTheData() {
        retypedId = createVolume("thin", "ops-retype", 1);
        retypedData = vols.writeRandom(NODEA, device(THIN, retypedId), DATA_MIB);

        retype(retypedId, "thick", thickTypeId, THICK);
        assertThat(lvs(NODEA, THIN)).doesNotContainKey("volume-" + retypedId);
        JsonNode thickLv = lvs(NODEA, THICK).get("volume-" + retypedId);
        assertThat(thickLv).as("LV in %s", THICK.volumeGroup()).isNotNull();
        assertThat(thickLv.path("lv_layout").asText()).isEqualTo("linear");
        assertThat(vols.checksumOn(NODEA, device(THICK, retypedId), DATA_MIB)).isEqualTo(retypedData);

        retype(retypedId, "thin", thinTypeId, THIN);
        assertThat(lvs(NODEA, THICK)).doesNotContainKey("volume-" + retypedId);
        assertThat(lvs(NODEA, THIN).get("volume-" + retypedId).path("pool_lv").asText()).isEqualTo(THIN.volumeGroup() + "-pool");
        assertThat(readOverIscsi(vols, NODEA, retypedId)).isEqualTo(retypedData);
    }

    private void retype(String id, String type, String typeId, Backend to) {
        cp.cinder("retype", "--migration-policy", "on-demand", id, type).requireSuccess();
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Object> row = vols.volume(id);
            if ("error".equals(row.get("migration_status"))) {
                throw new AssertionError("retype of " + id + " to " + type + " failed: " + row + "\n" + logs());
            }
            assertThat(row).containsEntry("status", "available").containsEntry("volume_type_id", typeId)
                    .containsEntry("host", worker.pool(to));
        });
    }

    @Test
    @Order(7)
    void manageTakesAnExistingLvUnderTheVolumesNameAndUnmanageLeavesItOnTheNode() {
        lab.execOk(NODEA, "lvcreate", "-q", "-L", "1g", "-n", "ops-existing", THICK.volumeGroup());
        String data = vols.writeRandom(NODEA, "/dev/" + THICK.volumeGroup() + "/ops-existing", DATA_MIB);
        String id = field(cp.cinder("manage", "--name", "ops-managed", "--volume-type", "thick", worker.pool(THICK), "ops-existing")
                .requireSuccess(), "id");
        vols.awaitVolumeStatus(id, "available");
        assertThat(vols.volume(id)).containsEntry("size", 1).containsEntry("host", worker.pool(THICK));
        Map<String, JsonNode> thick = lvs(NODEA, THICK);
        assertThat(thick).containsKey("volume-" + id).doesNotContainKey("ops-existing");
        assertThat(readOverIscsi(vols, NODEA, id)).isEqualTo(data);

        cp.cinder("unmanage", id).requireSuccess();
        vols.awaitVolumeDeleted(id);
        assertThat(lvs(NODEA, THICK)).as("unmanage keeps the LV").containsKey("volume-" + id);
        assertThat(vols.checksumOn(NODEA, device(THICK, id), DATA_MIB)).isEqualTo(data);
        lab.execOk(NODEA, "lvremove", "-q", "-y", THICK.volumeGroup() + "/volume-" + id);
    }

    @Test
    @Order(9)
    void cloneFromSnapshotAndRevertThatTheFullVolumeGroupCannotHoldEndInErrorWithoutLeftoverLvs() {
        // Someone else takes the thick VG's free space; the scheduler keeps its last view (stats every 600 s).
        // The thick volume is 2 GiB since the extend: Cinder reverts only to a snapshot of the same size.
        String revertSnap = createSnapshot(thickId, "ops-revert-no-room");
        lab.execOk(NODEA, "lvcreate", "-q", "-y", "-l", "100%FREE", "-n", "ops-filler", THICK.volumeGroup());
        try {
            Map<String, JsonNode> before = lvs(NODEA, THICK);
            String clone = field(cp.cinder("create", "--source-volid", thickId, "--name", "ops-clone-no-room", "2").requireSuccess(), "id");
            vols.awaitVolumeStatus(clone, "error");
            assertThat(vols.volume(clone)).containsEntry("host", worker.pool(THICK));
            assertThat(vols.userMessages(clone)).contains("Driver failed to create the volume.");

            String fromSnap = field(cp.cinder("create", "--snapshot-id", thickSnap, "--name", "ops-from-snap-no-room", "2")
                    .requireSuccess(), "id");
            vols.awaitVolumeStatus(fromSnap, "error");
            assertThat(vols.userMessages(fromSnap)).contains("Driver failed to create the volume.");
            assertThat(lvs(NODEA, THICK).keySet()).as("no LV left by the failed clone / from-snapshot")
                    .containsExactlyInAnyOrderElementsOf(before.keySet());

            // A revert takes a backup snapshot first (the origin's size): no room for it, the revert fails.
            cp.cinder("--os-volume-api-version", "3.40", "revert-to-snapshot", revertSnap).requireSuccess();
            vols.awaitVolumeStatus(thickId, "error");
            vols.awaitSnapshotStatus(revertSnap, "available");
            assertThat(db.query("SELECT status FROM snapshots WHERE display_name = ? AND deleted = 0",
                    "[revert] volume " + thickId + " backup snapshot")).as("the failed backup snapshot row")
                    .allSatisfy(r -> assertThat(r).containsEntry("status", "error"));
            assertThat(lvs(NODEA, THICK).keySet()).as("no LV left by the failed revert").containsExactlyInAnyOrderElementsOf(before.keySet());
            for (String id : List.of(clone, fromSnap)) {
                cp.cinder("delete", id).requireSuccess();
                vols.awaitVolumeDeleted(id);
            }
        } finally {
            lab.execOk(NODEA, "lvremove", "-q", "-y", THICK.volumeGroup() + "/ops-filler");
        }
    }

    @Test
    @Order(10)
    void migratingToTheOtherNodeCopiesOverIscsiSwapsTheRowsAndRenamesTheLvToTheVolumesName() {
        cp.cinder("service-enable", workerB.serviceHost(NODEB_THIN.name()), "cinder-volume").requireSuccess();
        String destination = workerB.pool(NODEB_THIN);
        cp.cinder("migrate", retypedId, destination).requireSuccess();
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Object> row = vols.volume(retypedId);
            if ("error".equals(row.get("migration_status"))) {
                throw new AssertionError("migration of " + retypedId + " failed: " + row + "\n" + logs());
            }
            assertThat(row).containsEntry("migration_status", "success").containsEntry("host", destination)
                    .containsEntry("status", "available");
        });
        Map<String, Object> row = vols.volume(retypedId);
        assertThat(row.get("_name_id")).as("the LV took the volume's own name").isNull();
        assertThat(lvs(NODEB, NODEB_THIN)).containsKey("volume-" + retypedId);
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(lvs(NODEA, THIN)).as("the source LV on nodea").doesNotContainKey("volume-" + retypedId));
        // The temporary row is gone (soft-deleted) once the source side deleted the old copy.
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(db.query("SELECT id FROM volumes WHERE deleted = 0 AND (status LIKE 'migrat%' OR migration_status LIKE 'target:%')"))
                        .isEmpty());
        assertThat(lab.exec(NODEA, "iscsiadm", "-m", "session").stdout()).as("nodea logged out of nodeb's target").doesNotContain(retypedId);
        assertThat(readOverIscsi(fromA, NODEB, retypedId)).isEqualTo(retypedData);
    }

    @Test
    @Order(11)
    void deletingEverySnapshotAndVolumeLeavesNoLvNoLioObjectAndNoIscsiSessionOnEitherNode() {
        for (Map<String, Object> s : db.query("SELECT id FROM snapshots WHERE deleted = 0")) {
            cp.cinder("snapshot-delete", (String) s.get("id")).requireSuccess();
        }
        for (Map<String, Object> s : db.query("SELECT id FROM snapshots WHERE deleted = 0")) {
            vols.awaitSnapshotDeleted((String) s.get("id"));
        }
        for (Map<String, Object> v : db.query("SELECT id, status FROM volumes WHERE deleted = 0")) {
            if (!"available".equals(v.get("status")) && !"error".equals(v.get("status"))) {
                cp.cinder("reset-state", "--state", "available", (String) v.get("id")).requireSuccess();
            }
            cp.cinder("delete", (String) v.get("id")).requireSuccess();
        }
        for (Map<String, Object> v : db.query("SELECT id FROM volumes WHERE deleted = 0")) {
            vols.awaitVolumeDeleted((String) v.get("id"));
        }
        assertThat(lvs(NODEA, THIN).keySet()).containsExactly(THIN.volumeGroup() + "-pool");
        assertThat(lvs(NODEA, THICK)).isEmpty();
        assertThat(lvs(NODEB, NODEB_THIN).keySet()).containsExactly(NODEB_THIN.volumeGroup() + "-pool");
        for (String node : List.of(NODEA, NODEB)) {
            assertThat(lab.execOk(node, "bash", "-c", "ls " + LabVolumes.CONFIGFS + "/iscsi " + LabVolumes.CONFIGFS + "/core/ 2>&1"))
                    .as("LIO on %s", node).doesNotContain("iqn.").doesNotContain("iblock_");
            CliResult sessions = lab.exec(node, "iscsiadm", "-m", "session");
            assertThat(sessions.stdout()).as("iscsiadm sessions on %s", node).isBlank();
        }
    }

    // ------------------------------------------------------------------------------------------------

    private String createVolume(String type, String name, int sizeGb) {
        String id = field(cp.cinder("create", "--volume-type", type, "--name", name, String.valueOf(sizeGb)).requireSuccess(), "id");
        vols.awaitVolumeStatus(id, "available");
        return id;
    }

    private String createSnapshot(String volumeId, String name) {
        String id = field(cp.cinder("snapshot-create", "--name", name, volumeId).requireSuccess(), "id");
        vols.awaitSnapshotStatus(id, "available");
        return id;
    }

    private void deleteVolume(String id) {
        cp.cinder("delete", id).requireSuccess();
        vols.awaitVolumeDeleted(id);
        assertThat(lvs(NODEA, THIN)).doesNotContainKey("volume-" + id);
        assertThat(lvs(NODEA, THICK)).doesNotContainKey("volume-" + id);
    }

    /** The first DATA_MIB MiB of the volume, read by the LabVolumes' compute node over iSCSI (attach, login, read, detach). */
    private static String readOverIscsi(LabVolumes from, String storageNode, String volumeId) {
        return from.overIscsi(storageNode, volumeId, dev -> from.checksumOf(dev, DATA_MIB));
    }

    private static String device(Backend backend, String volumeId) {
        return "/dev/" + backend.volumeGroup() + "/volume-" + volumeId;
    }

    private Map<String, JsonNode> lvs(String node, Backend backend) {
        return vols.lvs(node, backend.volumeGroup());
    }

    private static String zerosSha256(int mib) {
        return sha256Hex(new byte[mib << 20]);
    }

    private static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String since(long t0) {
        return String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
    }
}
