package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.drbd.DrbdStatusParser;
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
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ebsvolume.worker.replication.ReplicationScenario.awaitTrue;

/**
 * Drop-in on day one: the Python EBS driver's documented {@code [EBS]} section
 * ({@code docs/examples/python-ebs-driver-section.conf}, as its README prints it: its driver
 * class, {@code backend_id = hci-0001@EBS}, a {@code replication_device} without a secret, ports
 * and a peer volume group this product does not use), pasted into two lab nodes with only the
 * addresses changed, and then the README's own commands: its volume type, a volume, {@code cinder
 * failover-host hci-0002@EBS --backend_id hci-0001@EBS}, and back. The workers are installed
 * and run as an operator runs them: the project's Debian package ({@code scripts/build-deb},
 * {@code dpkg -i}) and {@code systemctl start ebs-volume}; then the package's own promises: root
 * with the unit's hardening, the LVM filter, log rotation the worker follows, a clean
 * {@code systemctl stop}, and a purge that takes its LVM filter away.
 *
 * <p>nodea is {@code hci-0001}, nodeb {@code hci-0002} (Cinder's {@code host}; DRBD's {@code on}
 * sections keep the node names). VG {@code volumes} with a thin pool, so {@code lvm_type}'s
 * default ({@code auto}) makes thin volumes. Runs in the storage group after the other classes,
 * on the same booted nodes (it wipes their storage first).
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentedEbsSectionLabTest {

    private static final String NODEA = "nodea";
    private static final String NODEB = "nodeb";
    private static final String HOST_A = "hci-0001@EBS";
    private static final String HOST_B = "hci-0002@EBS";
    private static final String VG = "volumes";
    private static final Duration OPERATION = ReplicationScenario.OPERATION;

    private final ReplicationLab lab = new ReplicationLab();
    private ControlPlane cp;
    private CinderDb db;
    private String ipA;
    private String ipB;
    private String volumeId;

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.out.println("===== " + context.getDisplayName() + " failed\n" + lab.workerLog(NODEA) + lab.workerLog(NODEB));
        }
    };

    @BeforeAll
    void twoNodesRunTheDocumentedSectionWithOnlyTheAddressesChanged() throws Exception {
        cp = ReplicationScenario.bootWithTheControlPlane(lab, NODEA, NODEB);
        db = cp.db();
        ipA = lab.ip(NODEA);
        ipB = lab.ip(NODEB);
        for (String node : List.of(NODEA, NODEB)) {
            lab.stopWorker(node);
            // The nodes may come from the other storage classes: their DRBD resources, LIO objects and VGs go.
            lab.exec(node, "bash", "-c", "for r in /etc/drbd.d/*.res; do [ -e \"$r\" ] || continue; n=${r##*/}; n=${n%.res};"
                    + " drbdadm down \"${n#ebs-}\" 2>/dev/null; rm -f \"$r\"; done; targetcli clearconfig confirm=True >/dev/null 2>&1;"
                    + " iscsiadm -m node -u >/dev/null 2>&1; for vg in $(vgs --noheadings -o vg_name); do vgremove -q -ff -y \"$vg\"; done;"
                    + " pvremove -q -ff -y /dev/vdb /dev/vdc 2>/dev/null; true", "wipe");
            // An operator's VG "volumes" with a thin pool: lvm_type's default (auto) then makes thin volumes.
            lab.execOk(node, "bash", "-c", "pvcreate -q -y /dev/vdb && vgcreate -q \"$1\" /dev/vdb"
                    + " && lvcreate -q -y -T -l 90%FREE \"$1/$1-pool\"", "vg", VG);
            // As an operator installs it: the project's Debian package, then `systemctl start ebs-volume`.
            lab.installPackage(node);
        }
        java.time.Instant before = java.time.Instant.now();
        lab.writeConfig(NODEA, config("hci-0001", ipA, ipB));
        lab.writeConfig(NODEB, config("hci-0002", ipB, ipA));
        lab.startInstalledWorker(NODEA);
        lab.startInstalledWorker(NODEB);
        awaitTrue("both workers up with replication enabled", Duration.ofMinutes(5), () -> {
            for (String host : List.of(HOST_A, HOST_B)) {
                if (!cp.serviceState("cinder-volume", host).map("up"::equals).orElse(false)) {
                    return false;
                }
            }
            var pools = cp.pools();
            return List.of(HOST_A, HOST_B).stream().map(h -> pools.get(h + "#ebs"))
                    .allMatch(p -> p != null && p.path("replication_enabled").asBoolean(false));
        });
        System.out.println("both workers up " + Duration.between(before, java.time.Instant.now()).toSeconds() + " s after their start");
    }

    /**
     * The documented section for one host, with the lab's addresses: the other host's is the
     * replication_device; {@code hci-0001}/{@code hci-0002} swap for nodeb, as an operator writes
     * the second host's file.
     */
    private String config(String host, String ownIp, String peerIp) throws Exception {
        String section = Files.readString(ControlPlane.repoRoot().resolve("docs/examples/python-ebs-driver-section.conf"));
        if (host.equals("hci-0002")) {
            section = section.replace("hci-0001", "hci-TMP").replace("hci-0002", "hci-0001").replace("hci-TMP", "hci-0002");
        }
        // Addresses only: the target portal (and its secondary: the node's other NIC), this host's and the peer's.
        section = section.replace("10.0.251.21", ownIp).replace("10.0.252.21", "10.0.2.15")
                .replace("backend_ip=10.0.10.21", "backend_ip=" + ownIp).replace("ip:10.0.10.22", "ip:" + peerIp);
        String database = "mysql+pymysql://" + cp.dbUser() + ":" + cp.dbPassword() + "@10.0.2.2:3306/" + cp.dbName();
        return """
                [DEFAULT]
                host = %s
                my_ip = %s
                transport_url = %s
                enabled_backends = EBS
                report_interval = 2
                service_down_time = 10
                backend_stats_polling_interval = 10
                debug = true
                log_dir = %s
                state_path = /var/lib/cinder
                [database]
                connection = %s

                """.formatted(host, ownIp, ReplicationScenario.asSeenFromANode(cp.transportUrl()), ReplicationLab.LOG_DIR, database)
                + section;
    }

    @AfterAll
    void stopTheWorkers() {
        if (db != null) {
            db.close();
        }
        System.out.println("lab logs: " + lab.collectLogs("documented-ebs-section-" + java.time.LocalDateTime.now().withNano(0)
                .toString().replace(':', '-'), cp, NODEA, NODEB));
        for (String node : List.of(NODEA, NODEB)) {
            lab.stopWorker(node);
            lab.purgePackage(node);
        }
        if (!Boolean.getBoolean("ebs.lab.reuse") && !Boolean.getBoolean("ebs.lab.keep")) {
            lab.lab(Duration.ofMinutes(5), "clean");
        }
    }

    @Test
    @Order(1)
    void bothHostsServeTheirIdentityWithReplicationAndSayWhatTheyDoNotUse() {
        String services = cp.cinder("service-list").requireSuccess().stdout();
        assertThat(services).containsPattern("cinder-volume\\s*\\|\\s*" + HOST_A + "\\s*\\|.*\\|\\s*enabled\\s*\\|\\s*up")
                .containsPattern("cinder-volume\\s*\\|\\s*" + HOST_B + "\\s*\\|.*\\|\\s*enabled\\s*\\|\\s*up")
                .doesNotContain("@EBS@EBS");
        var pools = cp.pools();
        assertThat(pools.get(HOST_A + "#ebs").path("replication_targets").toString()).contains(HOST_B);
        assertThat(pools.get(HOST_B + "#ebs").path("replication_targets").toString()).contains(HOST_A);
        String log = lab.execOk(NODEA, "cat", ReplicationLab.LOG_DIR + "/ebs-volume.log");
        assertThat(log).contains("replication_device " + HOST_B + " has no shared secret, so replica calls to and from it are"
                + " trusted like every other Cinder RPC on this broker")
                .contains("backend_port = 7000 is accepted and not used")
                .contains("replication_device " + HOST_B + ": port:7000 is accepted and not used");
    }

    @Test
    @Order(2)
    void theDocumentedVolumeTypeMakesAVolumeReplicatedToTheOtherHost() {
        // The README's type, verbatim.
        cp.openstack("volume", "type", "create", "ebs", "--property", "volume_backend_name=ebs",
                "--property", "replication_enabled=<is> True").requireSuccess();
        // On hci-0002, so that the README's failover-host of hci-0002@EBS moves it.
        cp.cinder("service-disable", HOST_A, "cinder-volume").requireSuccess();
        try {
            CliResult created = cp.cinder("create", "--volume-type", "ebs", "--name", "documented", "1").requireSuccess();
            volumeId = created.stdoutLines().stream().filter(l -> l.matches("\\|\\s+id\\s+\\|.*")).findFirst()
                    .map(l -> l.split("\\|")[2].strip()).orElseThrow(() -> new AssertionError("no id in\n" + created.describe()));
            awaitTrue("the volume available", OPERATION, () -> {
                String s = volumeRow().get("status").toString();
                if (s.equals("error")) {
                    throw new AssertionError("the volume went to error\n" + lab.workerLog(NODEA) + lab.workerLog(NODEB));
                }
                return s.equals("available");
            });
        } finally {
            cp.cinder("service-enable", HOST_A, "cinder-volume").requireSuccess();
        }
        assertThat(volumeRow()).containsEntry("host", HOST_B + "#ebs").containsEntry("replication_status", "enabled");
        awaitDrbd(NODEB, s -> s.role() == DrbdRole.PRIMARY && DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        awaitDrbd(NODEA, s -> s.role() == DrbdRole.SECONDARY && DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        assertThat(lab.execOk(NODEB, "lvs", "--noheadings", "-o", "lv_name,pool_lv", VG)).containsPattern(resource() + "\\s+volumes-pool");
    }

    @Test
    @Order(3)
    void theDocumentedFailoverHostCommandMovesTheVolumeToHci0001() {
        cp.cinder("failover-host", HOST_B, "--backend_id", HOST_A).requireSuccess();
        awaitTrue("hci-0002@EBS failed over", OPERATION, () -> "failed-over".equals(serviceRow(HOST_B).get("replication_status")));
        assertThat(serviceRow(HOST_B)).containsEntry("active_backend_id", HOST_A).containsEntry("disabled_reason", "failed-over");
        assertThat(volumeRow()).containsEntry("replication_status", "failed-over").containsEntry("host", HOST_B + "#ebs");
        awaitDrbd(NODEA, s -> s.role() == DrbdRole.PRIMARY);
        // What the README shows: hci-0002@EBS disabled, "failed-over", and up (hci-0001 serves it).
        awaitTrue("hci-0002@EBS up, served by hci-0001", Duration.ofMinutes(1),
                () -> cp.serviceState("cinder-volume", HOST_B).map("up"::equals).orElse(false));
        String services = cp.openstack("volume", "service", "list", "--long").requireSuccess().stdout();
        assertThat(services).containsPattern(HOST_B + "\\s*\\|[^|]*\\|\\s*disabled\\s*\\|\\s*up\\s*\\|[^|]*\\|\\s*failed-over");
    }

    @Test
    @Order(4)
    void failingBackWithDefaultReturnsTheVolumeAndEnablesTheService() {
        cp.cinder("failover-host", HOST_B, "--backend_id", "default").requireSuccess();
        awaitTrue("hci-0002@EBS failed back", OPERATION, () -> "enabled".equals(serviceRow(HOST_B).get("replication_status")));
        awaitDrbd(NODEB, s -> s.role() == DrbdRole.PRIMARY);
        awaitDrbd(NODEA, s -> s.role() == DrbdRole.SECONDARY);
        assertThat(volumeRow()).containsEntry("replication_status", "enabled");
        // A failover by hand does not freeze (only freeze-host does), so the failback enables the
        // service again and there is nothing to thaw: Cinder refuses thaw-host on it.
        assertThat(serviceRow(HOST_B)).containsEntry("active_backend_id", "");
        assertThat(String.valueOf(serviceRow(HOST_B).get("disabled"))).isIn("0", "false");
        assertThat(cp.cinder("thaw-host", HOST_B).stderr()).contains("frozen in ['" + HOST_B + "'] must be True");
    }

    @Test
    @Order(5)
    void deletingTheVolumeLeavesNothingOnEitherHost() {
        cp.cinder("delete", volumeId).requireSuccess();
        awaitTrue("the volume deleted", OPERATION,
                () -> db.query("SELECT id FROM volumes WHERE id = ? AND deleted = 0", volumeId).isEmpty());
        for (String node : List.of(NODEA, NODEB)) {
            assertThat(lab.execOk(node, "lvs", "--noheadings", "-o", "lv_name", VG)).as(node).doesNotContain(volumeId);
            assertThat(lab.exec(node, "test", "-e", "/etc/drbd.d/ebs-" + resource() + ".res").ok()).as(node).isFalse();
        }
    }

    private String resource() {
        return "volume-" + volumeId;
    }

    private Map<String, Object> volumeRow() {
        return db.single("SELECT status, host, replication_status FROM volumes WHERE id = ?", volumeId);
    }

    private Map<String, Object> serviceRow(String host) {
        return db.single("SELECT replication_status, active_backend_id, disabled, disabled_reason FROM services"
                + " WHERE host = ? AND `binary` = 'cinder-volume' AND deleted = 0", host);
    }

    @Test
    @Order(6)
    void thePackageRunsTheWorkerAsRootHardenedWithAnLvmFilterThatHidesDrbdDevices() {
        for (String node : List.of(NODEA, NODEB)) {
            assertThat(lab.execOk(node, "systemctl", "show", "-p", "User", "-p", "ProtectSystem", "-p", "NoNewPrivileges",
                    "-p", "FragmentPath", "ebs-volume"))
                    .contains("ProtectSystem=full").contains("NoNewPrivileges=yes")
                    .contains("FragmentPath=/lib/systemd/system/ebs-volume.service");
            // The fence spool: an answer there lets a disconnected node write, so root only.
            assertThat(lab.execOk(node, "stat", "-c", "%a %U", "/run/ebs-volume").strip()).isEqualTo("700 root");
            assertThat(lab.execOk(node, "lvmconfig", "devices/global_filter")).contains("r|^/dev/drbd|");
        }
    }

    @Test
    @Order(7)
    void afterLogrotateTheWorkerWritesToTheFreshFile() {
        String log = ReplicationLab.LOG_DIR + "/ebs-volume.log";
        lab.execOk(NODEB, "logrotate", "-f", "/etc/logrotate.d/ebs-volume");
        assertThat(lab.execOk(NODEB, "ls", ReplicationLab.LOG_DIR)).contains("ebs-volume.log.1");
        // debug = true: the heartbeat (report_interval 2) logs every few seconds.
        awaitTrue("the worker's next lines in the rotated-to file", Duration.ofSeconds(60),
                () -> !lab.execOk(NODEB, "cat", log).isBlank());
        assertThat(lab.execOk(NODEB, "head", "-c", "1", log)).as("no NUL padding before the first line (O_APPEND)").doesNotContain("\0");
    }

    @Test
    @Order(8)
    void systemctlStopEndsWithSuccessWithinTheStopTimeout() {
        long t0 = System.nanoTime();
        lab.execOk(NODEB, "systemctl", "stop", ReplicationLab.UNIT);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(lab.execOk(NODEB, "systemctl", "show", "-p", "Result", "-p", "ExecMainStatus", ReplicationLab.UNIT))
                .contains("Result=success").contains("ExecMainStatus=143");
        assertThat(took).isLessThan(Duration.ofSeconds(90));
    }

    @Test
    @Order(9)
    void purgingThePackageTakesItsLvmFilterAway() {
        lab.purgePackage(NODEB);
        assertThat(lab.exec(NODEB, "dpkg", "-s", "ebs-volume").ok()).isFalse();
        assertThat(lab.exec(NODEB, "lvmconfig", "devices/global_filter").stdout()).doesNotContain("drbd");
        assertThat(lab.execOk(NODEB, "cat", "/etc/lvm/lvmlocal.conf")).doesNotContain("ebs-volume");
    }

    private void awaitDrbd(String node, Predicate<DrbdResourceState> done) {
        String res = resource();
        awaitTrue(node + " " + res + " state", OPERATION, () -> {
            CliResult r = lab.exec(node, "drbdadm", "status", res);
            DrbdResourceState s = r.ok() ? DrbdStatusParser.parse(r.stdout()).get(res) : null;
            return s != null && done.test(s);
        });
    }
}
