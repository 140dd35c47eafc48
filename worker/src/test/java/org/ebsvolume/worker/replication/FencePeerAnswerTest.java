package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdDialect;
import org.ebsvolume.drivers.drbd.DrbdFenceAnswer;
import org.ebsvolume.drivers.drbd.DrbdHost;
import org.ebsvolume.drivers.drbd.DrbdProtocol;
import org.ebsvolume.drivers.drbd.DrbdResourceConfig;
import org.ebsvolume.drivers.drbd.DrbdResourceFiles;
import org.ebsvolume.drivers.lvm.LvmOptions;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.jobs.failover.PrimaryLease;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the worker answers DRBD's fence-peer handler, decided by the witness: Cinder's real
 * database (the control plane's schema), rows written as Cinder and a take-over leave them.
 * nodec is this host, noded its backup; the resource files are real files in a directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FencePeerAnswerTest {

    private static final String OWN = "fence-test-nodec@ebs";
    private static final String PEER = "fence-test-noded@ebs";
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    static Path etc;
    private CinderDb rows;
    private CinderDatabase db;
    private DrbdResourceFiles files;
    private ReplicaResources onNodec;
    private ReplicaResources onNoded;
    private final List<String> inserted = new ArrayList<>();

    @BeforeAll
    void witness() throws Exception {
        ControlPlane.start(Map.of());
        rows = CinderDb.connect();
        db = new CinderDatabase(CinderDb.URL, "cinder", "cinder", new Properties(), Clock.systemUTC());
        files = new DrbdResourceFiles(etc);
        CommandRunner runner = new CommandRunner(Set.of("drbdadm"), List.of(), Duration.ofSeconds(5));
        DrbdAdm drbd = new DrbdAdm(runner, files, Duration.ofSeconds(5));
        LvmVolumeGroup vg = new LvmVolumeGroup("cinder-volumes", runner, LvmOptions.production());
        PrimaryLease lease = new PrimaryLease(Duration.ofSeconds(60), NOW);
        onNodec = new ReplicaResources(OWN, db, drbd, vg, lease);
        onNoded = new ReplicaResources(PEER, db, drbd, vg, lease);
    }

    @AfterAll
    void cleanUp() {
        for (String id : inserted) {
            rows.update("DELETE FROM volumes WHERE id = ?", id);
        }
        db.close();
        rows.close();
    }

    /** A replicated volume of nodec with its resource file here; returns the resource name. */
    private String volume(String replicationStatus, String extendedStatus) throws Exception {
        String id = UUID.randomUUID().toString();
        rows.update("INSERT INTO volumes (created_at, deleted, id, host, size, status, volume_type_id, replication_status,"
                        + " replication_extended_status) VALUES (UTC_TIMESTAMP(), 0, ?, ?, 1, 'available', ?, ?, ?)",
                id, OWN + "#ebs-nodec", UUID.randomUUID().toString(), replicationStatus, extendedStatus);
        inserted.add(id);
        String res = "volume-" + id;
        files.write(new DrbdResourceConfig(res, 1000 + inserted.size(), 7789 + inserted.size(), DrbdProtocol.C, 4096,
                new DrbdHost("nodec", "10.99.0.11", "/dev/cinder-volumes/" + res),
                new DrbdHost("noded", "10.99.0.12", "/dev/cinder-volumes/" + res),
                Optional.of(DrbdResourceConfig.FENCE_HANDLER)), DrbdDialect.V84);
        return res;
    }

    private String marker(String res) {
        return (String) rows.single("SELECT replication_extended_status FROM volumes WHERE id = ?",
                res.substring("volume-".length())).get("replication_extended_status");
    }

    @Test
    void thePrimaryMarksItsBackupOutdatedAndMayWriteAlone() throws Exception {
        String res = volume("enabled", null);
        assertThat(onNodec.fencePeer(res, NOW)).contains(DrbdFenceAnswer.PEER_OUTDATED);
        assertThat(marker(res)).isEqualTo("outdated-peer since 2026-11-24T10:00:00Z");
    }

    @Test
    void anExistingMarkIsKeptAndStillAllowsWriting() throws Exception {
        String res = volume("enabled", "outdated-peer since 2026-11-24T09:00:00Z");
        assertThat(onNodec.fencePeer(res, NOW)).contains(DrbdFenceAnswer.PEER_OUTDATED);
        assertThat(marker(res)).isEqualTo("outdated-peer since 2026-11-24T09:00:00Z");
    }

    @Test
    void thePrimaryStaysFrozenOnceTheBackupClaimedTheVolume() throws Exception {
        for (String claimed : List.of("failing-over", "failed-over")) {
            String res = volume(claimed, null);
            assertThat(onNodec.fencePeer(res, NOW)).as(claimed).contains(DrbdFenceAnswer.PEER_PRIMARY);
            assertThat(marker(res)).as("no mark on a claimed volume").isNull();
        }
    }

    @Test
    void theBackupHoldingTheClaimMayPromote() throws Exception {
        String res = volume("failing-over", null);
        assertThat(onNoded.fencePeer(res, NOW)).contains(DrbdFenceAnswer.PEER_FENCED);
    }

    @Test
    void theBackupMayNotPromoteAnUnclaimedCopy() throws Exception {
        String res = volume("enabled", null);
        assertThat(onNoded.fencePeer(res, NOW)).contains(DrbdFenceAnswer.REFUSED);
        assertThat(marker(res)).as("the backup never marks").isNull();
    }

    @Test
    void aVolumeCinderDeletedHasNoOtherCopyToProtect() throws Exception {
        String res = volume("enabled", null);
        rows.update("UPDATE volumes SET deleted = 1 WHERE id = ?", res.substring("volume-".length()));
        assertThat(onNodec.fencePeer(res, NOW)).contains(DrbdFenceAnswer.PEER_DOWN);
    }

    @Test
    void aResourceWithoutAFileHereIsRefused() {
        assertThat(onNodec.fencePeer("volume-" + UUID.randomUUID(), NOW)).contains(DrbdFenceAnswer.REFUSED);
    }

    @Test
    void noWitnessNoAnswer() throws Exception {
        String res = volume("enabled", null);
        try (CinderDatabase unreachable = new CinderDatabase("jdbc:mariadb://127.0.0.1:3306/cinder", "cinder", "cinder",
                new Properties(), Clock.systemUTC())) {
            ReplicaResources cutOff = new ReplicaResources(OWN, unreachable, new DrbdAdm(new CommandRunner(Set.of("drbdadm"),
                    List.of(), Duration.ofSeconds(5)), files, Duration.ofSeconds(5)),
                    new LvmVolumeGroup("cinder-volumes", new CommandRunner(Set.of("lvs"), List.of(), Duration.ofSeconds(5)),
                            LvmOptions.production()), new PrimaryLease(Duration.ofSeconds(60), NOW));
            unreachable.close();
            assertThat(cutOff.fencePeer(res, NOW)).as("no answer: the handler waits, I/O stays frozen").isEmpty();
        }
        assertThat(marker(res)).isNull();
    }

    @Test
    void answeringTheSpoolAnswersEveryWaitingHandler(@TempDir Path spoolDir) throws Exception {
        String outdated = volume("enabled", null);
        String claimed = volume("failed-over", null);
        DrbdFenceSpool spool = new DrbdFenceSpool(spoolDir).open();
        java.nio.file.Files.writeString(spoolDir.resolve(outdated + ".request"), "1 noded\n");
        java.nio.file.Files.writeString(spoolDir.resolve(claimed + ".request"), "2 noded\n");
        onNodec.answerFenceRequests(spool, NOW);
        assertThat(spool.pending()).isEmpty();
        assertThat(java.nio.file.Files.readString(spoolDir.resolve(outdated + ".answer")).strip()).isEqualTo("4");
        assertThat(java.nio.file.Files.readString(spoolDir.resolve(claimed + ".answer")).strip()).isEqualTo("6");
    }
}
