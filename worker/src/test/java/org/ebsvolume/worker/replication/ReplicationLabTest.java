package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.databind.JsonNode;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.worker.replication.ReplicationScenario.PowerCut;
import org.ebsvolume.worker.replication.ReplicationScenario.WriterOnNodee;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ebsvolume.worker.replication.ReplicationScenario.AUTOMATIC_FAILBACK_DONE;
import static org.ebsvolume.worker.replication.ReplicationScenario.JSON;
import static org.ebsvolume.worker.replication.ReplicationScenario.NODEC;
import static org.ebsvolume.worker.replication.ReplicationScenario.NODED;
import static org.ebsvolume.worker.replication.ReplicationScenario.OPERATION;
import static org.ebsvolume.worker.replication.ReplicationScenario.SECRET;
import static org.ebsvolume.worker.replication.ReplicationScenario.STARTING_PORT;
import static org.ebsvolume.worker.replication.ReplicationScenario.VG;
import static org.ebsvolume.worker.replication.ReplicationScenario.awaitFast;
import static org.ebsvolume.worker.replication.ReplicationScenario.awaitTrue;

/**
 * Replication on real kernels: two lab nodes ({@code nodec}, {@code noded}, DRBD 8.4.11, LVM
 * thin), a Java worker in each against the real Cinder control plane on the host, each the other's
 * backup ({@code replication_device} with a shared secret). A volume of a replicated type is
 * created with the real {@code cinder} CLI on nodec and must come out as one DRBD resource,
 * Connected, UpToDate on both nodes, nodec Primary; data written on nodec is read back on noded
 * after a manual demote/promote; extend grows both sides; delete leaves no LV, resource file or
 * port on either node. A backup whose worker is down makes the create end {@code error} with
 * nothing left behind.
 *
 * <p>Needs root and the lab; excluded by default (tag {@code lab}). The control plane and the lab
 * CPU are shared, so run it under the lab lock:
 * <pre>
 * flock /tmp/ebs-lab-stage.lock mvn -B -ntp -pl worker -am test -Dgroups=replication-lab -DexcludedGroups=
 * </pre>
 * (its own tag selects it alone across the reactor; {@code -Dtest} would fail the upstream
 * modules, which have no such test).
 * {@code -Debs.lab.keep=true} leaves the nodes up afterwards (otherwise {@code lab.sh clean}).
 */
@Tag("lab")
@Tag("replication-lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationLabTest {

    /**
     * {@code replication_mode} of both workers: {@code -Debs.lab.replicationMode=async|semi-sync|full-sync}
     * (default full-sync, DRBD protocol C). Under A and B a power cut may lose acknowledged writes:
     * the failover test then reports how many instead of requiring none.
     */
    private static final String MODE = System.getProperty("ebs.lab.replicationMode", "full-sync");
    private static final String PROTOCOL = ReplicationScenario.protocolOf("ebs.lab.replicationMode", MODE);

    private final ReplicationLab lab = new ReplicationLab();
    private final ReplicationScenario scenario = new ReplicationScenario(lab, MODE);
    // The scenario's control plane, database and addresses, under the short names the steps use.
    private ControlPlane cp;
    private CinderDb db;
    private String ipC;
    private String ipD;

    private String volumeId;
    private int minor;
    private String checksum;

    @BeforeAll
    void bootTwoNodesStartTheControlPlaneAndAWorkerOnEach() {
        scenario.bootNodesAndStartTheControlPlane();
        cp = scenario.cp();
        db = scenario.db();
        ipC = scenario.ipC();
        ipD = scenario.ipD();
        scenario.wipeStorageAndDeployWorkers();
        scenario.writeConfigsAndStartWorkers("");
        scenario.createReplicatedType();
    }

    /** A failed step prints both workers' logs as they were then: later steps overwrite the tail. */
    @RegisterExtension
    final TestWatcher workerLogsOnFailure = ReplicationScenario.workerLogsOnFailure(lab);

    @AfterAll
    void stopWorkersAndCleanTheLab() {
        scenario.stopWorkersAndCleanTheLab("replication");
    }

    @Test
    @Order(1)
    void capabilitiesNameTheBackupAndTheServicesAreReplicationEnabled() {
        String pools = cp.cinder("get-pools", "--detail").requireSuccess().stdout();
        assertThat(pools).contains("replication_targets", "['" + NODED + "']", "replication_type", PROTOCOL.equals("C") ? "sync" : "async");
        assertThat(pools).doesNotContain(SECRET);
        Map<String, Object> service = db.single("SELECT replication_status FROM services WHERE host = ? AND deleted = 0", NODEC + "@ebs");
        assertThat(service.get("replication_status")).isEqualTo("enabled");
    }

    @Test
    @Order(2)
    void aReplicatedVolumeIsPrimaryOnNodecAndUpToDateOnBothNodes() throws Exception {
        volumeId = scenario.createVolume("repl-1", 1);
        Map<String, Object> row = db.single("SELECT host, replication_status, replication_driver_data FROM volumes WHERE id = ?", volumeId);
        assertThat(row.get("host")).isEqualTo(NODEC + "@ebs#ebs-" + NODEC);
        assertThat(row.get("replication_status")).isEqualTo("enabled");
        JsonNode data = JSON.readTree((String) row.get("replication_driver_data"));
        assertThat(data.path("backend_id").asText()).isEqualTo(NODED);
        assertThat(data.path("port").asInt()).isEqualTo(STARTING_PORT);
        minor = data.path("minor").asInt();

        DrbdResourceState c = awaitState(NODEC, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        DrbdResourceState d = awaitState(NODED, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        assertThat(c.role()).isEqualTo(DrbdRole.PRIMARY);
        assertThat(d.role()).isEqualTo(DrbdRole.SECONDARY);
        assertThat(c.onlyPeer().orElseThrow().connection()).isEqualTo(DrbdConnectionState.CONNECTED);
        assertThat(d.device().orElseThrow().disk()).isEqualTo(DrbdDiskState.UP_TO_DATE);
        // A blank volume on thin LVs on both nodes skipped the initial sync: nothing was resynced.
        String log = lab.execOk(NODEC, "grep", "-a", "-c", "initial sync skipped", ReplicationLab.LOG_DIR + "/ebs-volume.log");
        assertThat(Integer.parseInt(log.strip())).isGreaterThanOrEqualTo(1);
        for (String node : List.of(NODEC, NODED)) {
            assertThat(lab.execOk(node, "lvs", "--noheadings", "-o", "lv_name", VG)).contains(resource());
            assertThat(lab.execOk(node, "cat", "/etc/drbd.d/ebs-" + resource() + ".res")).contains("protocol " + PROTOCOL + ";", "on \"nodec\"",
                    "on \"noded\"", "address " + ipC + ":" + STARTING_PORT, "address " + ipD + ":" + STARTING_PORT);
        }
    }

    @Test
    @Order(3)
    void dataWrittenOnThePrimaryIsReadOnTheBackupAfterDemoteAndPromote() {
        String device = "/dev/drbd" + minor;
        lab.execOk(NODEC, "dd", "if=/dev/urandom", "of=/root/data", "bs=1M", "count=8", "status=none");
        checksum = lab.execOk(NODEC, "sha256sum", "/root/data").split(" ")[0];
        lab.execOk(NODEC, "dd", "if=/root/data", "of=" + device, "bs=1M", "oflag=direct", "status=none");
        lab.execOk(NODEC, "drbdadm", "secondary", resource());
        lab.execOk(NODED, "drbdadm", "primary", resource());
        String read = lab.execOk(NODED, "bash", "-c", "dd if=\"$1\" bs=1M count=8 iflag=direct status=none | sha256sum", "read", device);
        assertThat(read.split(" ")[0]).isEqualTo(checksum);
        // and back, as it was: nodec Primary
        lab.execOk(NODED, "drbdadm", "secondary", resource());
        lab.execOk(NODEC, "drbdadm", "primary", resource());
        assertThat(awaitState(NODEC, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE).role()).isEqualTo(DrbdRole.PRIMARY);
    }

    @Test
    @Order(4)
    void extendGrowsBothSidesAndTheDrbdDevice() {
        cp.cinder("extend", volumeId, "2").requireSuccess();
        awaitTrue("volume extended", OPERATION, () -> "available".equals(scenario.status(volumeId))
                && ((Number) db.single("SELECT size FROM volumes WHERE id = ?", volumeId).get("size")).intValue() == 2);
        for (String node : List.of(NODEC, NODED)) {
            long lvBytes = Long.parseLong(lab.execOk(node, "lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_size",
                    VG + "/" + resource()).strip());
            assertThat(lvBytes).as(node).isGreaterThan(2L << 30);
        }
        long deviceBytes = Long.parseLong(lab.execOk(NODEC, "blockdev", "--getsize64", "/dev/drbd" + minor).strip());
        assertThat(deviceBytes).isGreaterThanOrEqualTo(2L << 30);
        String read = lab.execOk(NODEC, "bash", "-c", "dd if=\"$1\" bs=1M count=8 iflag=direct status=none | sha256sum", "read",
                "/dev/drbd" + minor);
        assertThat(read.split(" ")[0]).isEqualTo(checksum);
    }

    @Test
    @Order(5)
    void deleteLeavesNoLvResourceOrPortOnEitherNode() {
        scenario.deleteVolume(volumeId);
        scenario.assertNothingLeft(resource());
    }

    @Test
    @Order(6)
    void aCloneIsFullySyncedFromThePrimary() {
        String source = scenario.createVolume("repl-src", 1);
        String clone = scenario.createVolume("repl-clone", 1, "--source-volid", source);
        scenario.awaitState(NODED, "volume-" + clone, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        String log = lab.execOk(NODEC, "grep", "-a", "-c", "full sync from this node", ReplicationLab.LOG_DIR + "/ebs-volume.log");
        assertThat(Integer.parseInt(log.strip())).isGreaterThanOrEqualTo(1);
        scenario.deleteVolume(clone);
        scenario.deleteVolume(source);
        scenario.assertNothingLeft("volume-" + clone);
        scenario.assertNothingLeft("volume-" + source);
    }

    /**
     * A retype on nodec's backend turns replication off and on again: off, DRBD goes on both nodes
     * and the replica with it, the data stays in nodec's LV; on, the LV goes under DRBD again and
     * is sent to noded in full. Both through the CLI, migration policy never (same backend).
     */
    @Test
    @Order(7)
    void retypeTurnsReplicationOffAndOnAndKeepsTheData() {
        cp.cinder("type-create", "plain").requireSuccess();
        cp.cinder("type-key", "plain", "set", "volume_backend_name=ebs-" + NODEC).requireSuccess();
        String id = scenario.createVolume("repl-retype", 1);
        String res = "volume-" + id;
        scenario.awaitState(NODED, res, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        String lv = "/dev/" + VG + "/" + res;
        lab.execOk(NODEC, "bash", "-c", "dd if=/dev/urandom of=/dev/drbd\"$1\" bs=1M count=8 oflag=direct status=none",
                "write", Integer.toString(minorOf(id)));
        String sum = lab.execOk(NODEC, "bash", "-c", "dd if=\"$1\" bs=1M count=8 iflag=direct status=none | sha256sum", "read",
                "/dev/drbd" + minorOf(id)).split(" ")[0];

        cp.cinder("retype", "--migration-policy", "never", id, "plain").requireSuccess();
        awaitTrue("retyped to plain", OPERATION, () -> "available".equals(scenario.status(id)) && "plain".equals(typeName(id)));
        assertThat(db.single("SELECT replication_status, replication_driver_data FROM volumes WHERE id = ?", id))
                .containsEntry("replication_status", "disabled").containsEntry("replication_driver_data", null);
        scenario.assertNothingLeftOn(NODED, res);
        assertThat(lab.exec(NODEC, "test", "-e", "/etc/drbd.d/ebs-" + res + ".res").ok()).as("nodec resource file").isFalse();
        assertThat(lab.execOk(NODEC, "bash", "-c", "dd if=\"$1\" bs=1M count=8 iflag=direct status=none | sha256sum", "read", lv)
                .split(" ")[0]).as("the data, now in the plain LV").isEqualTo(sum);

        cp.cinder("retype", "--migration-policy", "never", id, "replicated").requireSuccess();
        awaitTrue("retyped to replicated", OPERATION, () -> "available".equals(scenario.status(id)) && "replicated".equals(typeName(id)));
        assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", id).get("replication_status")).isEqualTo("enabled");
        scenario.awaitState(NODED, res, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        assertThat(lab.execOk(NODED, "bash", "-c", "dd if=\"$1\" bs=1M count=8 iflag=direct status=none | sha256sum", "read", lv)
                .split(" ")[0]).as("the data, sent to noded in full").isEqualTo(sum);
        scenario.deleteVolume(id);
        scenario.assertNothingLeft(res);
    }

    private String typeName(String volumeId) {
        return (String) db.single("SELECT t.name FROM volumes v JOIN volume_types t ON t.id = v.volume_type_id WHERE v.id = ?",
                volumeId).get("name");
    }

    private int minorOf(String volumeId) {
        try {
            return scenario.drbdMinor(volumeId);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(8)
    void anUnreachableBackupLeavesTheVolumeInErrorAndNothingBehind() {
        lab.stopWorker(NODED);
        String id = createVolumeExpecting("repl-nobackup", "error", Duration.ofMinutes(5));
        scenario.assertNothingLeftOn(NODEC, "volume-" + id);
        assertThat(lab.execOk(NODEC, "grep", "-a", "-c", "could not be replicated to " + NODED, ReplicationLab.LOG_DIR + "/ebs-volume.log").strip())
                .isNotEqualTo("0");
        lab.startWorker(NODED);
        scenario.awaitServicesUp();
        cp.cinder("delete", id).requireSuccess();
        awaitTrue("errored volume deleted", OPERATION, () -> db.query("SELECT id FROM volumes WHERE id = ? AND deleted = 0", id).isEmpty());
    }

    /** Power cuts of the repeated test: {@code -Debs.lab.powerCuts=10} for the report the issue asks for. */
    private static final int POWER_CUTS = Integer.getInteger("ebs.lab.powerCuts", 2);

    private String haVolume;
    /** The first power cut's writes: where, how many were acknowledged, which the backup had. */
    private PowerCut first;

    /**
     * nodec serves haVolume: nodee attaches it through nodec and writes from block {@code base};
     * nodec is power-cut (SIGKILL of its QEMU); noded must take over by itself; nodee attaches
     * again (now through noded) and reads which acknowledged writes are there, within the limits.
     */
    private PowerCut powerCutNodecWhileWriting(long base) throws Exception {
        PowerCut cut = scenario.cutNodecsPowerWhileWriting(haVolume, base);
        scenario.assertWithinTheLimits(cut);
        return cut;
    }

    /** nodec boots again and rejoins as Secondary; then failback and thaw through the CLI. */
    private void restartNodec() {
        lab.lab(Duration.ofMinutes(10), "start", NODEC).requireSuccess();
        lab.startWorker(NODEC);
        DrbdResourceState c = scenario.awaitState(NODEC, "volume-" + haVolume, s -> s.role() == DrbdRole.SECONDARY
                && DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        assertThat(c.onlyPeer().orElseThrow().role()).isEqualTo(DrbdRole.PRIMARY);
    }

    private void failBackAndThaw() {
        cp.cinder("failover-host", NODEC + "@ebs", "--backend_id", "default").requireSuccess();
        awaitTrue("nodec@ebs failed back", OPERATION, () -> "enabled".equals(scenario.serviceRow(NODEC).get("replication_status")));
        scenario.awaitState(NODEC, "volume-" + haVolume, s -> s.role() == DrbdRole.PRIMARY && DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        cp.cinder("thaw-host", NODEC + "@ebs").requireSuccess();
        awaitTrue("nodec@ebs thawed", OPERATION, () -> "".equals(scenario.serviceRow(NODEC).get("disabled_reason")));
        awaitTrue("nodec@ebs up (served by nodec)", Duration.ofMinutes(1),
                () -> cp.serviceState("cinder-volume", NODEC + "@ebs").map("up"::equals).orElse(false));
    }

    @Test
    @Order(9)
    void aPowerCutPrimaryIsTakenOverByTheBackupWithEveryAcknowledgedWrite() throws Exception {
        haVolume = scenario.createVolume("repl-ha", 1);
        scenario.awaitState(NODED, "volume-" + haVolume, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        first = powerCutNodecWhileWriting(0);
        Map<String, Object> service = scenario.serviceRow(NODEC);
        assertThat(service.get("replication_status")).isEqualTo("failed-over");
        assertThat(service.get("active_backend_id")).isEqualTo(NODED);
        assertThat(String.valueOf(service.get("frozen"))).isIn("1", "true");
        assertThat(String.valueOf(service.get("disabled"))).isIn("1", "true");
        assertThat(service.get("disabled_reason")).isEqualTo("failed-over");
        assertThat(db.single("SELECT host FROM volumes WHERE id = ?", haVolume).get("host")).isEqualTo(NODEC + "@ebs#ebs-" + NODEC);
        assertThat(lab.execOk(NODED, "grep", "-a", "-c", "TAKE OVER", ReplicationLab.LOG_DIR + "/ebs-volume.log").strip()).isNotEqualTo("0");
    }

    @Test
    @Order(10)
    void theReturningPrimaryRejoinsAsSecondaryAndResyncsWithoutServingItsIdentity() {
        restartNodec();
        assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + haVolume)).startsWith("Primary");
        awaitTrue("nodec's worker says it does not serve its identity", Duration.ofMinutes(2), () -> lab.exec(NODEC, "grep", "-a", "-c",
                "This host does not serve it", ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout().strip().matches("[1-9][0-9]*"));
        Map<String, Object> service = scenario.serviceRow(NODEC);
        assertThat(service.get("replication_status")).isEqualTo("failed-over");
        assertThat(service.get("active_backend_id")).isEqualTo(NODED);
    }

    @Test
    @Order(11)
    void failbackThroughTheCliHandsTheVolumesBackToTheOldPrimaryWithTheirData() {
        cp.cinder("failover-host", NODEC + "@ebs", "--backend_id", "default").requireSuccess();
        awaitTrue("nodec@ebs failed back", OPERATION, () -> "enabled".equals(scenario.serviceRow(NODEC).get("replication_status")));
        Map<String, Object> service = scenario.serviceRow(NODEC);
        assertThat(service.get("active_backend_id")).isEqualTo("");
        // still frozen (the automatic failover froze it): disabled with reason 'frozen', as Cinder's failback leaves it
        assertThat(String.valueOf(service.get("disabled"))).isIn("1", "true");
        assertThat(service.get("disabled_reason")).isEqualTo("frozen");
        assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", haVolume).get("replication_status")).isEqualTo("enabled");
        scenario.awaitState(NODEC, "volume-" + haVolume, s -> s.role() == DrbdRole.PRIMARY && DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + haVolume)).startsWith("Secondary");

        cp.cinder("thaw-host", NODEC + "@ebs").requireSuccess();
        awaitTrue("nodec@ebs thawed", OPERATION, () -> "".equals(scenario.serviceRow(NODEC).get("disabled_reason")));
        service = scenario.serviceRow(NODEC);
        assertThat(String.valueOf(service.get("frozen"))).isIn("0", "false");
        assertThat(String.valueOf(service.get("disabled"))).isIn("0", "false");
        awaitTrue("nodec@ebs up (served by nodec)", Duration.ofMinutes(1),
                () -> cp.serviceState("cinder-volume", NODEC + "@ebs").map("up"::equals).orElse(false));

        // Failback copied the backup's data back: every write the backup had is on nodec again.
        assertTheBackupsWritesAreOnNodec(first);
    }

    /** Attached through nodec again, the volume holds every write of {@code cut} that the backup had. */
    private void assertTheBackupsWritesAreOnNodec(PowerCut cut) {
        scenario.assertHoldsTheWritesTheBackupHad(haVolume, ipC, cut);
    }

    @Test
    @Order(12)
    void anUnknownTargetIsRefusedAndNothingMoves() {
        cp.cinder("failover-host", NODEC + "@ebs", "--backend_id", "no-such-backend").requireSuccess();
        awaitTrue("the worker refused the target", OPERATION, () -> lab.exec(NODEC, "grep", "-a", "-c", "InvalidReplicationTarget",
                ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout().strip().matches("[1-9][0-9]*"));
        awaitTrue("replication_status back to enabled", OPERATION, () -> "enabled".equals(scenario.serviceRow(NODEC).get("replication_status")));
        assertThat(lab.execOk(NODEC, "drbdadm", "role", "volume-" + haVolume)).startsWith("Primary");
    }

    @Test
    @Order(13)
    void aManualFailoverHostMovesTheVolumesToTheBackupAndFreezeThawFollowTheSpec() throws Exception {
        // A snapshot taken while both copies are in sync is taken on both nodes.
        String snapshot = createSnapshot("repl-ha-snap", haVolume);
        for (String node : List.of(NODEC, NODED)) {
            assertThat(lab.execOk(node, "lvs", "--noheadings", "-o", "lv_name,origin", VG)).as(node)
                    .containsPattern("_snapshot-" + snapshot + "\\s+volume-" + haVolume);
        }

        cp.cinder("failover-host", NODEC + "@ebs", "--backend_id", NODED).requireSuccess();
        awaitTrue("nodec@ebs failed over by hand", OPERATION, () -> "failed-over".equals(scenario.serviceRow(NODEC).get("replication_status")));
        Map<String, Object> service = scenario.serviceRow(NODEC);
        assertThat(service.get("active_backend_id")).isEqualTo(NODED);
        assertThat(String.valueOf(service.get("disabled"))).isIn("1", "true");
        assertThat(service.get("disabled_reason")).isEqualTo("failed-over");
        assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", haVolume).get("replication_status"))
                .isEqualTo("failed-over");
        scenario.awaitState(NODED, "volume-" + haVolume, s -> s.role() == DrbdRole.PRIMARY);
        assertThat(lab.execOk(NODEC, "drbdadm", "role", "volume-" + haVolume)).startsWith("Secondary");
        awaitTrue("nodec@ebs up (served by noded)", Duration.ofMinutes(1),
                () -> cp.serviceState("cinder-volume", NODEC + "@ebs").map("up"::equals).orElse(false));

        cp.cinder("freeze-host", NODEC + "@ebs").requireSuccess();
        awaitTrue("frozen", OPERATION, () -> "frozen".equals(scenario.serviceRow(NODEC).get("disabled_reason")));
        assertThat(String.valueOf(scenario.serviceRow(NODEC).get("frozen"))).isIn("1", "true");
        CliResult refused = cp.cinder("delete", haVolume);
        assertThat(refused.stdout() + refused.stderr()).containsIgnoringCase("frozen");
        cp.cinder("thaw-host", NODEC + "@ebs").requireSuccess();
        awaitTrue("thawed", OPERATION, () -> "".equals(scenario.serviceRow(NODEC).get("disabled_reason")));

        // The snapshot survived the failover: noded makes a volume from its own copy of it.
        assertThat(db.single("SELECT status FROM snapshots WHERE id = ?", snapshot).get("status")).isEqualTo("available");
        String fromSnapshot = scenario.createVolume("repl-from-snap", 1, "--snapshot-id", snapshot);
        assertThat(db.single("SELECT host FROM volumes WHERE id = ?", fromSnapshot).get("host")).isEqualTo(NODEC + "@ebs#ebs-" + NODEC);
        assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + fromSnapshot)).startsWith("Primary");
        scenario.assertHoldsTheWritesTheBackupHad(fromSnapshot, ipD, first);
        scenario.awaitState(NODEC, "volume-" + fromSnapshot, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);

        cp.cinder("failover-host", NODEC + "@ebs", "--backend_id", "default").requireSuccess();
        awaitTrue("failed back", OPERATION, () -> "enabled".equals(scenario.serviceRow(NODEC).get("replication_status")));
        scenario.awaitState(NODEC, "volume-" + haVolume, s -> s.role() == DrbdRole.PRIMARY);
        assertThat(scenario.serviceRow(NODEC).get("active_backend_id")).isEqualTo("");

        // The volume made on the identity while noded served it went back with the others.
        scenario.awaitState(NODEC, "volume-" + fromSnapshot, s -> s.role() == DrbdRole.PRIMARY);
        assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + fromSnapshot)).startsWith("Secondary");
        assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", fromSnapshot).get("replication_status"))
                .isEqualTo("enabled");
        scenario.assertHoldsTheWritesTheBackupHad(fromSnapshot, ipC, first);
        int port = scenario.drbdPort(fromSnapshot);
        scenario.deleteVolume(fromSnapshot);
        scenario.assertNothingLeftOn(NODEC, "volume-" + fromSnapshot, port);
        scenario.assertNothingLeftOn(NODED, "volume-" + fromSnapshot, port);

        // Deleting the snapshot removes it from both nodes.
        cp.cinder("snapshot-delete", snapshot).requireSuccess();
        awaitTrue("snapshot deleted", OPERATION, () -> db.query("SELECT id FROM snapshots WHERE id = ? AND deleted = 0", snapshot)
                .isEmpty());
        for (String node : List.of(NODEC, NODED)) {
            assertThat(lab.execOk(node, "lvs", "--noheadings", "-o", "lv_name", VG)).as(node).doesNotContain(snapshot);
        }
    }

    private String createSnapshot(String name, String volume) {
        CliResult r = cp.cinder("snapshot-create", "--name", name, volume).requireSuccess();
        String id = r.stdoutLines().stream().filter(l -> l.matches("\\|\\s+id\\s+\\|.*")).findFirst()
                .map(l -> l.split("\\|")[2].strip()).orElseThrow(() -> new AssertionError("no id in\n" + r.describe()));
        awaitTrue("snapshot " + name + " available", OPERATION, () -> {
            String status = (String) db.single("SELECT status FROM snapshots WHERE id = ?", id).get("status");
            if ("error".equals(status)) {
                throw new AssertionError("snapshot " + name + " went to error\n" + lab.workerLog(NODEC) + lab.workerLog(NODED));
            }
            return "available".equals(status);
        });
        return id;
    }

    @Test
    @Order(14)
    void cuttingOnlyTheReplicationLinkPromotesNothingAndTheWitnessHoldsTheOutdatedMark() throws Exception {
        // noded still reaches the control plane (eth0); only the private network (DRBD) is cut.
        long logMark = scenario.logLines(NODED);
        lab.execOk(NODED, "ip", "link", "set", "eth1", "down");
        try {
            awaitTrue("nodec marks the backup's copy outdated", OPERATION, () -> String.valueOf(db.single(
                    "SELECT replication_extended_status FROM volumes WHERE id = ?", haVolume).get("replication_extended_status"))
                    .startsWith("outdated-peer"));
            // noded's watch saw the link down and decided, run after run, not to take over: the
            // decision itself, not a guess at how long it might take to come.
            scenario.awaitWatchDecisions(NODED, logMark, "the primary's heartbeat is fresh: a link problem, not a dead primary");
            assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + haVolume)).as("noded never promotes").startsWith("Secondary");
            assertThat(lab.execOk(NODEC, "drbdadm", "role", "volume-" + haVolume)).startsWith("Primary");
            assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", haVolume).get("replication_status"))
                    .isEqualTo("enabled");
            assertThat(scenario.serviceRow(NODEC).get("replication_status")).isEqualTo("enabled");
            // nodec keeps accepting writes: its I/O is not suspended (the witness holds the mark).
            lab.execOk(NODEC, "dd", "if=/dev/urandom", "of=/dev/drbd" + scenario.drbdMinor(haVolume), "bs=4096", "count=16",
                    "seek=100000", "oflag=direct", "status=none");
        } finally {
            lab.execOk(NODED, "ip", "link", "set", "eth1", "up");
        }
        scenario.awaitState(NODED, "volume-" + haVolume, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        awaitTrue("the outdated mark is cleared once in sync", OPERATION, () -> db.single(
                "SELECT replication_extended_status FROM volumes WHERE id = ?", haVolume).get("replication_extended_status") == null);
    }

    @Test
    @Order(15)
    void aBackupCutOffFromTheControlPlaneNeverPromotesEvenWhenThePrimaryLooksDead() throws Exception {
        // noded loses the witness (MariaDB, RabbitMQ on the host) and its DRBD link at once: from
        // where it stands the primary is gone, but it cannot ask the witness, so it must not promote.
        String[] cut = {"bash", "-c", "ip rule add to 10.0.2.2 ipproto 6 dport 3306 prohibit && "
                + "ip rule add to 10.0.2.2 ipproto 6 dport 5672 prohibit && ip link set eth1 down"};
        String[] heal = {"bash", "-c", "ip link set eth1 up; ip rule del to 10.0.2.2 ipproto 6 dport 3306 prohibit; "
                + "ip rule del to 10.0.2.2 ipproto 6 dport 5672 prohibit; true"};
        long logMark = scenario.logLines(NODED);
        lab.execOk(NODED, cut);
        try {
            // From noded the primary looks dead (link down, no heartbeat it can read): its watch
            // must keep deciding, run after run, that it cannot promote without the witness.
            scenario.awaitWatchDecisions(NODED, logMark, "this host cannot reach the witness (Cinder's database): never promote blind");
            assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + haVolume)).as("noded never promotes blind").startsWith("Secondary");
            assertThat(lab.execOk(NODEC, "drbdadm", "role", "volume-" + haVolume)).startsWith("Primary");
            assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", haVolume).get("replication_status"))
                    .isEqualTo("enabled");
            assertThat(lab.execOk(NODED, "grep", "-a", "-c", "cannot reach the witness", ReplicationLab.LOG_DIR + "/ebs-volume.log").strip())
                    .isNotEqualTo("0");
        } finally {
            lab.execOk(NODED, heal);
        }
        scenario.awaitState(NODED, "volume-" + haVolume, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        awaitTrue("noded@ebs up again", Duration.ofMinutes(2),
                () -> cp.serviceState("cinder-volume", NODED + "@ebs").map("up"::equals).orElse(false));
    }

    /**
     * The case the witness exists for, from the primary's side: nodec loses its backup (only the
     * volume's DRBD port is cut, so nodee still reaches nodec's iSCSI target) and the witness at
     * once, while nodee writes through it. noded sees a dead primary and takes over. nodec must
     * not acknowledge a single write noded lacks: DRBD freezes its I/O (fencing
     * resource-and-stonith) and its fence-peer handler gets no answer while the witness is out of
     * reach. When the witness answers again, nodec learns it was taken over, keeps its I/O frozen
     * and stops serving its identity.
     */
    @Test
    @Order(16)
    void aPrimaryCutOffFromItsBackupAndTheWitnessFreezesAndEveryAcknowledgedWriteIsOnTheBackup() throws Exception {
        scenario.awaitState(NODED, "volume-" + haVolume, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        int port = scenario.drbdPort(haVolume);
        long base = 120_000L;
        WriterOnNodee w = scenario.startWriterThroughNodec(haVolume, base);
        java.util.concurrent.atomic.AtomicLong acked = w.acked();

        String drbdRules = "ip rule add to \"$1\" ipproto 6 dport \"$2\" prohibit && ip rule add to \"$1\" ipproto 6 sport \"$2\" prohibit";
        String witnessRules = "ip rule add to 10.0.2.2 ipproto 6 dport 3306 prohibit && ip rule add to 10.0.2.2 ipproto 6 dport 5672 prohibit";
        // The witness first: had nodec still reached it when DRBD noticed, it would rightly have marked
        // the backup outdated and gone on writing alone, and noded would rightly never take over.
        lab.execOk(NODEC, "bash", "-c", witnessRules + " && " + drbdRules, "cut", ipD, Integer.toString(port));
        long cut = System.nanoTime();
        long ackedAtCut = acked.get();
        awaitFast("noded took the volume over", Duration.ofMinutes(3), () -> "failed-over".equals(
                db.single("SELECT replication_status FROM volumes WHERE id = ?", haVolume).get("replication_status")));
        double takeOver = (System.nanoTime() - cut) / 1e9;
        assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + haVolume)).startsWith("Primary");
        // nodec's I/O is frozen once its fence-peer handler asked and got no answer: from then on
        // it acknowledges nothing, so the writer's count, once it has settled, is final.
        awaitFast("nodec's fence-peer question is waiting for the witness (its I/O frozen)", OPERATION, () -> !"0".equals(
                lab.exec(NODEC, "grep", "-a", "-c", "the witness cannot be asked", ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout().strip()));
        long acknowledged = awaitSettled(acked);
        List<Long> onBackup = scenario.sequenceNumbers(NODED, "/dev/drbd" + scenario.drbdMinor(haVolume), base, acknowledged);
        long lost = java.util.stream.LongStream.rangeClosed(1, acknowledged).filter(i -> !onBackup.contains(i)).count();
        System.out.printf("ISOLATED PRIMARY: taken over %.1f s after the cut; %d writes acknowledged at the cut, %d in all;"
                + " %d of them missing on the backup%n", takeOver, ackedAtCut, acknowledged, lost);
        System.out.println(lab.exec(NODEC, "bash", "-c", "grep -a -E 'fence-peer|DRBD health of' \"$1\" | tail -n 8", "timeline",
                ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout());
        assertThat(lab.execOk(NODEC, "drbdadm", "role", "volume-" + haVolume)).as("nodec is still Primary (frozen)").startsWith("Primary");
        assertThat(lab.execOk(NODEC, "grep", "-a", "-c", "the witness cannot be asked", ReplicationLab.LOG_DIR + "/ebs-volume.log").strip())
                .as("nodec's fence-peer question waited for the witness").isNotEqualTo("0");
        if (!PROTOCOL.equals("A")) {
            assertThat(lost).as("writes nodec acknowledged that the backup lacks").isZero();
        }

        // The witness answers nodec again (its DRBD link stays cut): it learns it was taken over.
        lab.execOk(NODEC, "bash", "-c", witnessRules.replace("rule add", "rule del"));
        awaitTrue("nodec answers its fence-peer question: the backup took over", OPERATION, () -> lab.exec(NODEC, "grep", "-a", "-c",
                "answered PEER_PRIMARY", ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout().strip().matches("[1-9][0-9]*"));
        awaitTrue("nodec stops serving its identity", OPERATION, () -> lab.exec(NODEC, "grep", "-a", "-c",
                "stops serving it", ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout().strip().matches("[1-9][0-9]*"));
        assertThat(acked.get()).as("nodec acknowledged nothing more").isEqualTo(acknowledged);

        // Back to the starting point: nodec power-cycled (its cut goes with it), rejoins, fails back.
        lab.lab(Duration.ofMinutes(1), "kill", NODEC).requireSuccess();
        w.endAfterNodecDied();
        restartNodec();
        failBackAndThaw();
    }

    /**
     * The repeated power cuts, the later ones with more (detached) volumes on nodec: the
     * take-over's cost per additional volume, against the first cut's single volume. noded runs
     * with {@code replication_auto_failback = true} for them: after each cut and nodec's return it
     * hands nodec's identity back and thaws it by itself, with no CLI, once every volume is in sync
     * and detached, and the writes noded had are on nodec again (the CLI failback is the first
     * cut's, test 11).
     */
    @Test
    @Order(17)
    void repeatedPowerCutsEachFailOverWithinTheLimitAndFailBackAutomatically() throws Exception {
        lab.writeConfig(NODED, scenario.config(NODED, "replication_auto_failback = true\n"));
        lab.startWorker(NODED);
        scenario.awaitServicesUp();
        List<String> extra = scenario.createSideBySide("repl-extra",
                java.util.stream.IntStream.range(0, EXTRA_VOLUMES).mapToObj(i -> "repl-extra-" + i).toList(), 1);
        scenario.awaitState(NODED, "volume-" + haVolume, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);

        List<PowerCut> cuts = new java.util.ArrayList<>();
        cuts.add(first);
        for (int n = 1; n < POWER_CUTS; n++) {
            // haVolume is 1 GiB (262144 blocks): every cut writes its own region inside it.
            PowerCut cut = powerCutNodecWhileWriting(150_000L + n * 5_000L);
            cuts.add(cut);
            // Not restartNodec(): its check that noded is still Primary would race the failback.
            lab.lab(Duration.ofMinutes(10), "start", NODEC).requireSuccess();
            lab.startWorker(NODEC);
            scenario.awaitAutomaticFailback(haVolume, extra, cut);
        }
        assertThat(lab.execOk(NODED, "grep", "-a", "-c", AUTOMATIC_FAILBACK_DONE,
                ReplicationLab.LOG_DIR + "/ebs-volume.log").strip()).isEqualTo(Integer.toString(POWER_CUTS - 1));
        double[] seconds = cuts.stream().mapToDouble(PowerCut::failoverSeconds).sorted().toArray();
        System.out.printf("FAILOVER REPORT (mode %s, %d power cuts): min %.1f s, median %.1f s, max %.1f s; acknowledged writes"
                        + " lost: %d of %d%n", MODE, cuts.size(), seconds[0], seconds[seconds.length / 2], seconds[seconds.length - 1],
                cuts.stream().mapToLong(PowerCut::lost).sum(), cuts.stream().mapToLong(PowerCut::acknowledged).sum());
        // The backup's own account of each take-over: how many volumes, how long (promotion, rows, serving).
        System.out.println("TAKE-OVER COST (noded's log; the first cut had 1 volume, the later ones " + (1 + EXTRA_VOLUMES) + "):\n"
                + lab.exec(NODED, "grep", "-a", "-o", "Failover of " + NODEC + "@ebs done: [0-9]* volume(s) promoted and served by this"
                + " host as [a-z]* ([0-9]* ms", ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout());
        for (String id : extra) {
            scenario.deleteVolume(id);
        }
        assertThat(cuts).hasSize(Math.max(1, POWER_CUTS));
    }

    /** The counter once two reads a second apart agree: the writer's last acknowledgements have arrived. */
    private static long awaitSettled(java.util.concurrent.atomic.AtomicLong counter) throws InterruptedException {
        long last = counter.get();
        for (int i = 0; i < 120; i++) {
            Thread.sleep(1000);
            long now = counter.get();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the writer kept acknowledging writes for 2 minutes after nodec's I/O should have frozen");
    }

    /** Volumes beside haVolume during the repeated power cuts. */
    private static final int EXTRA_VOLUMES = 4;

    // ------------------------------------------------------------------------------------------

    private String resource() {
        return "volume-" + volumeId;
    }

    private String createVolumeExpecting(String name, String expected, Duration timeout) {
        String id = scenario.create(name, 1);
        awaitTrue("volume " + name + " " + expected, timeout, () -> expected.equals(scenario.status(id)));
        return id;
    }

    private DrbdResourceState awaitState(String node, Predicate<DrbdResourceState> done) {
        return scenario.awaitState(node, resource(), done);
    }
}
