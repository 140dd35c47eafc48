package org.ebsvolume.worker;

import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.Lab;
import org.ebsvolume.worker.testing.LabVolumes;
import org.ebsvolume.worker.testing.LabVolumes.Attachment;
import org.ebsvolume.worker.testing.LabWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ebsvolume.worker.testing.LabVolumes.field;

/**
 * An operator switches a storage node from Debian's Python {@code cinder-volume} to ebs-volume and
 * back, with volumes, snapshots and an attachment in use. nodea is the storage node: first
 * Debian's own {@code cinder-volume} package (its unit, user {@code cinder}, rootwrap), Cinder's
 * LVM driver, {@code lioadm}, two backends (thin on VG {@code cinder-volumes}, thick on
 * {@code cinder-volumes-thick}); nodeb is the compute node (iscsiadm with CHAP). The switch is
 * what an operator types: {@code systemctl stop cinder-volume}, {@code apt-get install
 * ./ebs-volume_*.deb} (which removes cinder-volume), {@code systemctl start ebs-volume}, with
 * {@code /etc/cinder/cinder.conf} untouched; the way back is {@code apt-get install
 * ./cinder-volume_*.deb}.
 *
 * <p>The nodes run the image variant with Debian's cinder-volume installed (the one
 * {@code scripts/bench-start} uses), in a lab of their own ({@code /tmp/ebs-lab-python}, ports
 * 25000+), with a control plane of their own ({@code /tmp/ebs-cinder-python}, cinder-api on 8746,
 * database and RabbitMQ virtual host {@code cinder_python}). The methods run in order and build on
 * each other.
 *
 * <p>In the soak tier ({@code scripts/test-lab --soak}), not CI: under the lab's emulated CPU the
 * Python service needs 5-10 minutes to initialise two LVM backends (every LVM command goes through
 * {@code sudo cinder-rootwrap}, a Python start-up of several seconds each), and the whole class
 * about 20. One LIO export by the Python service (lvchange, then {@code cinder-rtstool} create,
 * get-targets, save, add-initiator, 10-18 s each there) takes longer than oslo.messaging's
 * default {@code rpc_response_timeout} of 60 s, so this control plane's cinder-api waits
 * {@value #API_RPC_RESPONSE_TIMEOUT} s for the volume service's answer, as an operator of slow
 * storage hosts sets it (and the CLI waits a minute longer); with 60 s its attachment_create ends
 * in HTTP 500 (MessagingTimeout) while the export is still being made.
 */
@Tag("soak")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchFromPythonCinderVolumeLabTest {

    private static final String NODEA = "nodea";
    private static final String NODEB = "nodeb";
    private static final String THIN_BACKEND = "lvm-thin";
    private static final String THICK_BACKEND = "lvm-thick";
    private static final String THIN_VG = "cinder-volumes";
    private static final String THICK_VG = "cinder-volumes-thick";
    private static final String CONF = "/etc/cinder/cinder.conf";
    private static final int DATA_MIB = 8;
    /** Debian's cinder-volume, two LVM backends, under TCG (see the class comment). */
    private static final Duration PYTHON_START = Duration.ofMinutes(15);
    private static final int API_RPC_RESPONSE_TIMEOUT = 300;
    private static final Map<String, String> LAB = Map.of("EBS_LAB_RUN", "/tmp/ebs-lab-python", "EBS_LAB_PORT_BASE", "25000",
            "EBS_LAB_CACHE", "/var/cache/ebs-lab-bench", "EBS_LAB_EXTRA_PACKAGES", "cinder-volume python3-pymysql python3-ply",
            "EBS_LAB_MEM", "1536", "EBS_LAB_SMP", "2");

    private Lab lab;
    private ControlPlane cp;
    private CinderDb db;
    private LabVolumes vols;
    private String confChecksum;

    // State carried from one step to the next.
    private String thinId;
    private String thickId;
    private String thinSnapshotId;
    private String thickSnapshotId;
    private String thinData;
    private String thickData;
    private Attachment attachment;
    private String device;
    private String javaMadeId;

    @BeforeAll
    void nodeaRunsDebiansCinderVolumeWithTheLvmDriverAndLio() {
        lab = Lab.withSettings(LAB);
        if (!Boolean.getBoolean("ebs.lab.reuse")) {
            lab.clean();
        }
        // A control plane of its own too, so that the soak tier can run beside CI's lab stage.
        CompletableFuture<ControlPlane> plane = CompletableFuture.supplyAsync(() -> ControlPlane.start(Map.of(
                "EBS_CINDER_DIR", "/tmp/ebs-cinder-python", "EBS_CINDER_API_PORT", "8746", "EBS_CINDER_DB_NAME", "cinder_python",
                "EBS_CINDER_TRANSPORT_URL", "rabbit://guest:guest@127.0.0.1:5672/cinder_python",
                "EBS_CINDER_SERVICE_DOWN_TIME", "30", "EBS_CINDER_REPORT_INTERVAL", "5",
                "EBS_CINDER_SCHEDULER_INIT_WAIT", "2",
                "EBS_CINDER_EXTRA_CONF", ControlPlane.labExtraConf(API_RPC_RESPONSE_TIMEOUT).toString(),
                ControlPlane.CLI_TIMEOUT_SETTING, Integer.toString(API_RPC_RESPONSE_TIMEOUT + 60)), "--reset-db"));
        lab.up(NODEA, NODEB);
        cp = plane.join();
        db = cp.db();
        vols = new LabVolumes(lab, cp, db, NODEB, this::serviceLogs);
        for (String[] type : List.of(new String[]{"thin", THIN_BACKEND}, new String[]{"thick", THICK_BACKEND})) {
            cp.cinder("type-create", type[0]).requireSuccess();
            cp.cinder("type-key", type[0], "set", "volume_backend_name=" + type[1]).requireSuccess();
        }
        // A reused node may be left switched over by an interrupted run: Python's package back first.
        if (!lab.exec(NODEA, "dpkg-query", "-W", "-f", "${Status}", "cinder-volume").stdout().contains("install ok installed")) {
            lab.push(NODEA, List.of(pythonPackage()), "/tmp/cinder-volume.deb");
            lab.execOk(NODEA, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "/tmp/cinder-volume.deb");
        }
        lab.execOk(NODEA, "bash", "-c", """
                set -e
                systemctl stop ebs-volume cinder-volume 2>/dev/null || true
                targetcli clearconfig confirm=True >/dev/null; targetcli saveconfig >/dev/null
                for vg in cinder-volumes cinder-volumes-thick; do vgremove -q -ff -y "$vg" 2>/dev/null || true; done
                pvremove -q -ff -y /dev/vdb /dev/vdc 2>/dev/null || true
                pvcreate -q -y /dev/vdb /dev/vdc
                vgcreate -q cinder-volumes /dev/vdb
                vgcreate -q cinder-volumes-thick /dev/vdc
                """);
        lab.exec(NODEB, "bash", "-c", "iscsiadm -m node --logoutall=all; iscsiadm -m node --op delete; true");
        writeCinderConf();
        confChecksum = lab.execOk(NODEA, "sha256sum", CONF);
        var since = db.utcNow();
        lab.execOk(NODEA, "bash", "-c", "systemctl unmask cinder-volume; systemctl reset-failed cinder-volume; systemctl restart cinder-volume");
        awaitBothBackendsUp("Debian's cinder-volume", PYTHON_START, since);
    }

    /** The operator's cinder.conf: Cinder's LVM driver, lioadm, the host's broker and database; the same file for both services. */
    private void writeCinderConf() {
        String ip = lab.ip(NODEA);
        String conf = """
                [DEFAULT]
                host = nodea
                my_ip = %1$s
                transport_url = %2$s
                enabled_backends = %3$s,%4$s
                report_interval = %5$d
                service_down_time = %6$d
                backend_stats_polling_interval = 600
                debug = true
                log_dir = /var/log/cinder
                state_path = /var/lib/cinder
                rootwrap_config = /etc/cinder/rootwrap.conf
                [database]
                connection = mysql+pymysql://%7$s:%8$s@10.0.2.2:3306/%9$s
                [oslo_concurrency]
                lock_path = /var/lib/cinder/tmp
                [oslo_messaging_notifications]
                driver = noop
                [%3$s]
                volume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver
                volume_group = %10$s
                lvm_type = thin
                volume_backend_name = %3$s
                target_helper = lioadm
                target_protocol = iscsi
                target_ip_address = %1$s
                [%4$s]
                volume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver
                volume_group = %11$s
                lvm_type = default
                volume_backend_name = %4$s
                target_helper = lioadm
                target_protocol = iscsi
                target_ip_address = %1$s
                """.formatted(ip, cp.transportUrl().replace("@127.0.0.1:", "@10.0.2.2:").replace("@localhost:", "@10.0.2.2:"),
                THIN_BACKEND, THICK_BACKEND, cp.reportInterval(), cp.serviceDownTime(),
                cp.dbUser(), cp.dbPassword(), cp.dbName(), THIN_VG, THICK_VG);
        try {
            Path local = Files.createTempFile("python-switch", ".conf");
            Files.writeString(local, conf);
            lab.push(NODEA, List.of(local), CONF);
            Files.delete(local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lab.execOk(NODEA, "bash", "-c", "chown root:cinder " + CONF + " && chmod 0640 " + CONF
                + " && install -d -o cinder -g cinder /var/lib/cinder/tmp /var/log/cinder");
    }

    @AfterAll
    void cleanUp() {
        try {
            if (lab != null) {
                System.out.println(serviceLogs());
                if (!Boolean.getBoolean("ebs.lab.reuse") && !Boolean.getBoolean("ebs.lab.keep")) {
                    lab.clean();
                }
            }
        } finally {
            if (db != null) {
                db.close();
            }
            if (cp != null) {
                cp.stop();
            }
        }
    }

    @Test
    @Order(1)
    void pythonMakesThinAndThickVolumesSnapshotsAndAnAttachmentWithData() {
        thinId = field(cp.cinder("create", "--volume-type", "thin", "--name", "py-thin", "1").requireSuccess(), "id");
        thickId = field(cp.cinder("create", "--volume-type", "thick", "--name", "py-thick", "1").requireSuccess(), "id");
        vols.awaitVolumeStatus(thinId, "available");
        vols.awaitVolumeStatus(thickId, "available");
        thickData = vols.overIscsi(NODEA, thickId, dev -> vols.writeRandom(NODEB, dev, DATA_MIB));

        attachment = vols.attach(thinId);
        device = vols.login(attachment);
        thinData = vols.writeRandom(NODEB, device, DATA_MIB);
        vols.complete(attachment);
        vols.awaitVolumeStatus(thinId, "in-use");

        thinSnapshotId = field(cp.cinder("snapshot-create", "--force", "True", "--name", "py-thin-snap", thinId).requireSuccess(), "id");
        thickSnapshotId = field(cp.cinder("snapshot-create", "--name", "py-thick-snap", thickId).requireSuccess(), "id");
        vols.awaitSnapshotStatus(thinSnapshotId, "available");
        vols.awaitSnapshotStatus(thickSnapshotId, "available");

        assertThat(vols.lvs(NODEA, THIN_VG)).containsKeys("volume-" + thinId, "_snapshot-" + thinSnapshotId);
        assertThat(vols.lvs(NODEA, THICK_VG)).containsKeys("volume-" + thickId, "_snapshot-" + thickSnapshotId);
        assertThat(lab.execOk(NODEA, "ls", LabVolumes.CONFIGFS + "/iscsi")).contains(attachment.iqn());
    }

    @Test
    @Order(2)
    void theOperatorStopsPythonInstallsThePackageAndStartsEbsVolumeWithTheSameCinderConf() {
        lab.execOk(NODEA, "systemctl", "stop", "cinder-volume");
        lab.push(NODEA, List.of(LabWorker.builtDebianPackage(lab.root())), "/tmp/ebs-volume.deb");
        lab.execOk(NODEA, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "/tmp/ebs-volume.deb");
        assertThat(lab.exec(NODEA, "dpkg-query", "-W", "-f", "${Status}", "cinder-volume").stdout())
                .as("apt removed the cinder-volume package").doesNotContain("install ok installed");
        assertThat(lab.execOk(NODEA, "sha256sum", CONF)).as("cinder.conf untouched").isEqualTo(confChecksum);

        var since = db.utcNow();
        lab.execOk(NODEA, "systemctl", "start", "ebs-volume");
        awaitBothBackendsUp("ebs-volume", Duration.ofMinutes(5), since);
    }

    @Test
    @Order(3)
    void theAttachmentPythonMadeKeepsWorkingThroughTheSwitch() {
        assertThat(lab.execOk(NODEB, "iscsiadm", "-m", "session")).contains(attachment.iqn());
        assertThat(vols.checksumOf(device, DATA_MIB)).isEqualTo(thinData);
        thinData = vols.writeRandom(NODEB, device, DATA_MIB);
        assertThat(vols.checksumOf(device, DATA_MIB)).isEqualTo(thinData);
        assertThat(vols.volume(thinId)).containsEntry("status", "in-use");
    }

    @Test
    @Order(4)
    void pythonsSnapshotsCloneAndItsVolumesTakeNewSnapshots() {
        String fromSnapshot = field(cp.cinder("create", "--snapshot-id", thickSnapshotId, "--name", "from-py-snap", "1")
                .requireSuccess(), "id");
        String fromVolume = field(cp.cinder("create", "--source-volid", thickId, "--name", "from-py-vol", "1").requireSuccess(), "id");
        String javaSnapshot = field(cp.cinder("snapshot-create", "--force", "True", "--name", "java-snap", thinId).requireSuccess(), "id");
        vols.awaitVolumeStatus(fromSnapshot, "available");
        vols.awaitVolumeStatus(fromVolume, "available");
        vols.awaitSnapshotStatus(javaSnapshot, "available");
        assertThat(vols.checksumOn(NODEA, "/dev/" + THICK_VG + "/volume-" + fromSnapshot, DATA_MIB)).isEqualTo(thickData);
        assertThat(vols.checksumOn(NODEA, "/dev/" + THICK_VG + "/volume-" + fromVolume, DATA_MIB)).isEqualTo(thickData);

        for (String id : List.of(fromSnapshot, fromVolume)) {
            cp.cinder("delete", id).requireSuccess();
            vols.awaitVolumeDeleted(id);
        }
        cp.cinder("snapshot-delete", javaSnapshot).requireSuccess();
        vols.awaitSnapshotDeleted(javaSnapshot);
    }

    @Test
    @Order(5)
    void pythonsThickVolumeExtends() {
        // Cinder's LVM driver refuses to extend a thick volume with snapshots (as Cinder does): its snapshot goes first.
        cp.cinder("snapshot-delete", thickSnapshotId).requireSuccess();
        vols.awaitSnapshotDeleted(thickSnapshotId);
        cp.cinder("extend", thickId, "2").requireSuccess();
        await().atMost(LabVolumes.OPERATION).pollInterval(Duration.ofSeconds(1))
                .until(() -> "available".equals(vols.volume(thickId).get("status")) && Integer.valueOf(2).equals(vols.volume(thickId).get("size")));
        assertThat(vols.lvs(NODEA, THICK_VG).get("volume-" + thickId).path("lv_size").asLong()).isEqualTo(2L << 30);
        assertThat(vols.checksumOn(NODEA, "/dev/" + THICK_VG + "/volume-" + thickId, DATA_MIB)).isEqualTo(thickData);
    }

    @Test
    @Order(6)
    void pythonsAttachmentDetachesAndTheVolumeAttachesAgainWithItsData() {
        vols.logout(attachment);
        cp.cinder("attachment-delete", attachment.id()).requireSuccess();
        vols.awaitVolumeStatus(thinId, "available");
        vols.awaitNoLioObjectsOf(NODEA, thinId);
        String readBack = vols.overIscsi(NODEA, thinId, dev -> vols.checksumOf(dev, DATA_MIB));
        assertThat(readBack).isEqualTo(thinData);
    }

    @Test
    @Order(7)
    void deletingPythonsVolumesAndSnapshotsLeavesOnlyThePool() {
        javaMadeId = field(cp.cinder("create", "--volume-type", "thin", "--name", "java-made", "1").requireSuccess(), "id");
        vols.awaitVolumeStatus(javaMadeId, "available");

        cp.cinder("snapshot-delete", thinSnapshotId).requireSuccess();
        vols.awaitSnapshotDeleted(thinSnapshotId);
        for (String id : List.of(thinId, thickId)) {
            cp.cinder("delete", id).requireSuccess();
            vols.awaitVolumeDeleted(id);
        }
        assertThat(vols.lvs(NODEA, THIN_VG).keySet()).containsExactlyInAnyOrder(THIN_VG + "-pool", "volume-" + javaMadeId);
        assertThat(vols.lvs(NODEA, THICK_VG)).isEmpty();
        vols.awaitNoLioObjectsOf(NODEA, thinId);
        vols.awaitNoLioObjectsOf(NODEA, thickId);
    }

    @Test
    @Order(8)
    void switchingBackToPythonServesTheVolumeEbsVolumeMade() {
        lab.execOk(NODEA, "systemctl", "stop", "ebs-volume");
        lab.push(NODEA, List.of(pythonPackage()), "/tmp/cinder-volume.deb");
        lab.execOk(NODEA, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "/tmp/cinder-volume.deb");
        assertThat(lab.exec(NODEA, "dpkg-query", "-W", "-f", "${Status}", "ebs-volume").stdout())
                .as("apt removed the ebs-volume package").doesNotContain("install ok installed");
        assertThat(lab.execOk(NODEA, "sha256sum", CONF)).isEqualTo(confChecksum);
        var since = db.utcNow();
        lab.execOk(NODEA, "bash", "-c", "systemctl reset-failed cinder-volume; systemctl restart cinder-volume");
        awaitBothBackendsUp("Debian's cinder-volume again", PYTHON_START, since);

        String data = vols.<String>overIscsi(NODEA, javaMadeId, dev -> vols.writeRandom(NODEB, dev, DATA_MIB));
        assertThat(vols.checksumOn(NODEA, "/dev/" + THIN_VG + "/volume-" + javaMadeId, DATA_MIB)).isEqualTo(data);
        cp.cinder("delete", javaMadeId).requireSuccess();
        vols.awaitVolumeDeleted(javaMadeId);
        assertThat(vols.lvs(NODEA, THIN_VG).keySet()).containsExactly(THIN_VG + "-pool");
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * Both backends up for the API with their pools, and heartbeating since {@code since}: the
     * service that just started, not the row the one before it left fresh (service_down_time).
     */
    private void awaitBothBackendsUp(String which, Duration timeout, java.time.LocalDateTime since) {
        try {
            await().atMost(timeout).pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                var pools = cp.pools().keySet();
                return List.of(THIN_BACKEND, THICK_BACKEND).stream().allMatch(b ->
                        cp.serviceState("cinder-volume", "nodea@" + b).map("up"::equals).orElse(false)
                                && pools.contains("nodea@" + b + "#" + b)
                                && db.single("SELECT updated_at FROM services WHERE host = ? AND `binary` = 'cinder-volume' AND deleted = 0",
                                        "nodea@" + b).get("updated_at") instanceof java.time.LocalDateTime t && t.isAfter(since));
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(which + " on nodea is not up with both pools after " + timeout.toMinutes() + " min\n"
                    + serviceLogs(), e);
        }
    }

    /** Debian's cinder-volume package, the version the node's cinder-common is (downloaded once into target/). */
    private Path pythonPackage() {
        Path dir = lab.root().resolve("target/debian-packages");
        try {
            Files.createDirectories(dir);
            String version = lab.execOk(NODEA, "dpkg-query", "-W", "-f", "${Version}", "cinder-common").strip();
            ControlPlane.exec(List.of("apt-get", "download", "cinder-volume=" + version), System.getenv(), dir, Duration.ofMinutes(3), false)
                    .requireSuccess();
            try (var files = Files.newDirectoryStream(dir, "cinder-volume_*.deb")) {
                for (Path p : files) {
                    return p;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("apt-get download cinder-volume left no package in " + dir);
    }

    private String serviceLogs() {
        var r = lab.exec(NODEA, "bash", "-c", "echo '===== cinder-volume.log'; tail -n 60 /var/log/cinder/cinder-volume.log 2>&1;"
                + " echo '===== ebs-volume.log'; tail -n 100 /var/log/ebs-volume/ebs-volume.log 2>&1;"
                + " echo '===== journal'; journalctl -u cinder-volume -u ebs-volume --no-pager -n 30 2>&1");
        return r.stdout() + r.stderr();
    }
}
