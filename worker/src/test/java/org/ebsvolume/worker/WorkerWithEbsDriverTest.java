package org.ebsvolume.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.PythonPeer;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker with the EBS driver on a real LVM volume group (a loop device; metadata only, as
 * this host has no device-mapper, through an lvm.conf with {@code activation = 0} handed to lvm
 * by {@code LVM_SYSTEM_DIR}), driven by the real cinder CLI: create, extend, delete.
 */
class WorkerWithEbsDriverTest {

    @Test
    void theCinderCliCreatesExtendsDeletesManagesAndUnmanagesRealLogicalVolumes(@TempDir Path dir) throws Exception {
        Broker.requireRunning();
        Path pv = dir.resolve("pv.img");
        try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
            f.setLength(4L << 30);
        }
        String loop = sh("losetup", "-f", "--show", pv.toString()).strip();
        String vg = "ebs-e2e-" + UUID.randomUUID().toString().substring(0, 6);
        Path lvmDir = Files.createDirectories(dir.resolve("lvm"));
        Files.writeString(lvmDir.resolve("lvm.conf"), "global { activation = 0 }\n"
                + "devices { filter = [ \"a|^" + loop + "$|\", \"r|.*|\" ] use_devicesfile = 0 }\n"
                + "backup { backup_dir = \"" + lvmDir + "\" archive_dir = \"" + lvmDir + "\" }\n");
        Map<String, String> lvmEnv = Map.of("LVM_SYSTEM_DIR", lvmDir.toString());
        Path backendConf = dir.resolve("ebs.conf");
        Files.writeString(backendConf, "volume_driver = cinder.volume.drivers.ebs.EBSDriver\nvolume_group = " + vg
                + "\nlvm_type = default\ntarget_helper = tgtadm\ntarget_ip_address = 127.0.0.1\n"
                // No device-mapper here: nothing to wipe through (the lab tests run the zero wipe).
                + "volume_clear = none\n");
        ControlPlane cp = null;
        try {
            sh(lvmEnv, "pvcreate", loop);
            sh(lvmEnv, "vgcreate", vg, loop);
            cp = ControlPlane.start(Map.of("EBS_CINDER_SERVICE_DOWN_TIME", "12", "EBS_CINDER_REPORT_INTERVAL", "2",
                    "EBS_CINDER_SCHEDULER_INIT_WAIT", "2", "EBS_CINDER_BACKEND_CONF", backendConf.toString(),
                    "EBS_CINDER_NOTIFICATIONS", "messagingv2"), "--reset-db");
            ControlPlane plane = cp;
            try (CinderDb db = new CinderDb(); WorkerProcess worker = WorkerProcess.start(lvmEnv, cp.cinderConf());
                 PythonPeer python = PythonPeer.start(Broker.URL, Map.of())) {
                ObjectNode listen = PythonJson.MAPPER.createObjectNode();
                listen.put("op", "listen_notifications");
                listen.putArray("topics").add("notifications");
                String listener = python.request(listen, Duration.ofSeconds(30)).path("listener_id").asText();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(plane.serviceStateFromCli("cinder-volume", "hci-0001@EBS")).as(worker.output()).contains("up"));
                // The scheduler must have our capacity before it will place a volume.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(plane.cinder("get-pools", "--detail").requireSuccess().stdout()).containsPattern("free_capacity_gb\\s*\\|\\s*[1-9]"));

                String id = field(cp.cinder("create", "--name", "real-lv", "1").requireSuccess(), "id");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(db.query("SELECT status FROM volumes WHERE id = ?", id).get(0).get("status")).isEqualTo("available"));
                assertThat(lvs(lvmEnv, vg)).contains("volume-" + id + " " + (1L << 30));
                assertThat(db.query("SELECT service_uuid, launched_at FROM volumes WHERE id = ?", id).get(0).get("launched_at")).isNotNull();
                ObjectNode get = PythonJson.MAPPER.createObjectNode();
                get.put("op", "notifications");
                get.put("listener_id", listener);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(python.request(get, Duration.ofSeconds(30))
                        .path("notifications").toString()).contains("\"volume.create.end\"").contains("volume.hci-0001@EBS").contains(id));

                cp.cinder("extend", id, "2").requireSuccess();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(db.query(
                        "SELECT status, size FROM volumes WHERE id = ?", id).get(0)).containsEntry("status", "available").containsEntry("size", 2));
                assertThat(lvs(lvmEnv, vg)).contains("volume-" + id + " " + (2L << 30));

                cp.cinder("delete", id).requireSuccess();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(db.query("SELECT status FROM volumes WHERE id = ?", id).get(0).get("status")).isEqualTo("deleted"));
                assertThat(lvs(lvmEnv, vg)).doesNotContain("volume-" + id);

                // An LV made outside Cinder is taken over (renamed, sized, charged to quota), then let go.
                sh(lvmEnv, "lvcreate", "-L", "1g", "-n", "legacy-lv", vg);
                String managed = field(cp.cinder("manage", "--name", "adopted", "hci-0001@EBS#ebs", "legacy-lv").requireSuccess(), "id");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(db.query(
                        "SELECT status, size FROM volumes WHERE id = ?", managed).get(0)).containsEntry("status", "available")
                        .containsEntry("size", 1));
                assertThat(lvs(lvmEnv, vg)).contains("volume-" + managed + " " + (1L << 30)).doesNotContain("legacy-lv");
                cp.cinder("unmanage", managed).requireSuccess();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(db.query("SELECT status FROM volumes WHERE id = ?", managed).get(0).get("status")).isEqualTo("deleted"));
                assertThat(lvs(lvmEnv, vg)).as("unmanage keeps the data").contains("volume-" + managed);

                String missing = field(cp.cinder("manage", "--name", "ghost", "hci-0001@EBS#ebs", "no-such-lv").requireSuccess(), "id");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(db.query(
                        "SELECT status FROM volumes WHERE id = ?", missing).get(0).get("status")).isEqualTo("error_managing"));
            }
        } finally {
            if (cp != null) {
                cp.stop();
            }
            shQuietly(lvmEnv, "vgremove", "-f", vg);
            shQuietly(lvmEnv, "pvremove", loop);
            shQuietly(Map.of(), "losetup", "-d", loop);
        }
    }

    private static String lvs(Map<String, String> env, String vg) throws Exception {
        return sh(env, "lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_name,lv_size", vg)
                .lines().map(String::strip).map(l -> l.replaceAll("\\s+", " ")).reduce("", (a, b) -> a + b + "\n");
    }

    private static String field(CliResult r, String name) {
        for (String line : r.stdout().split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 3 && cells[1].strip().equals(name)) {
                return cells[2].strip();
            }
        }
        throw new AssertionError("no " + name + " in " + r.stdout());
    }

    private static String sh(String... argv) throws Exception {
        return sh(Map.of(), argv);
    }

    private static String sh(Map<String, String> env, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(argv)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed (packages lvm2 and mount, as root):\n" + out);
        }
        return out;
    }

    private static void shQuietly(Map<String, String> env, String... argv) {
        try {
            sh(env, argv);
        } catch (Exception | AssertionError e) {
            // Best-effort cleanup; the next step must still run.
        }
    }
}
