package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.drbd.DrbdStatusParser;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.LabVolumes;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication set-up the lab tests run on, and the steps they share: two storage nodes
 * ({@code nodec} serves the volumes, {@code noded} is its backup, each the other's
 * {@code replication_device}), a compute node ({@code nodee}) that attaches over iSCSI and writes,
 * and the real Cinder control plane on the host. Used by {@link ReplicationLabTest} (every case
 * once) and {@link ReplicationSoakTest} (power cuts and partitions over and over, in each mode).
 *
 * <p>One instance is one {@code replication_mode}: {@link #inMode} gives another mode on the same
 * booted nodes, control plane and database. The control plane, database and addresses are known
 * once {@link #bootNodesAndStartTheControlPlane} has run; the test's {@code @AfterAll} reads what
 * exists by then (a boot that failed halfway still gets its logs collected).
 */
final class ReplicationScenario {

    static final String NODEC = "nodec";
    static final String NODED = "noded";
    /** The compute host: attaches over iSCSI and runs the writer. */
    static final String NODEE = "nodee";
    static final String VG = "cinder-volumes";
    static final String SECRET = "lab-replication-secret-0123456789";
    static final int STARTING_PORT = 7789;
    static final Duration OPERATION = Duration.ofMinutes(4);
    static final ObjectMapper JSON = new ObjectMapper();
    /** What this lab accepts for one failover (TCG nodes); the 15 s target is reported, not asserted. */
    static final Duration FAILOVER_LIMIT = Duration.ofSeconds(60);
    /** Watch runs that must have decided the same way before a test concludes that nothing moves. */
    static final int WATCH_DECISIONS = 3;
    /** What noded's worker logs each time it handed nodec's identity back by itself (replication_auto_failback). */
    static final String AUTOMATIC_FAILBACK_DONE = "Automatic failback of " + NODEC + "@ebs: failed back and thawed";

    /**
     * Writes sequence-numbered 4 KiB blocks (block base+i holds "seq i"), each with
     * O_DIRECT|O_DSYNC, and prints i once the write returned: every printed number is an
     * acknowledged write. Stops at the first failed write; the loop ends only there, so the script
     * then exits 0 (see {@link WriterOnNodee#endAfterNodecDied}).
     */
    static final String WRITER = """
            dev=$1 base=$2
            i=1
            while printf 'seq %010d\\n' "$i" | dd of="$dev" bs=4096 seek=$((base + i)) count=1 conv=sync oflag=direct,dsync status=none; do
              echo "$i"
              i=$((i + 1))
            done
            """;

    private final ReplicationLab lab;
    /** {@code replication_mode} of both workers: async, semi-sync or full-sync. */
    private final String mode;
    /** The DRBD protocol {@link #mode} stands for: A, B or C. */
    private final String protocol;
    private ControlPlane cp;
    private CinderDb db;
    private String ipC;
    private String ipD;

    /** Nothing booted yet: {@link #bootNodesAndStartTheControlPlane} next. */
    ReplicationScenario(ReplicationLab lab, String mode) {
        this.lab = lab;
        this.mode = mode;
        this.protocol = protocolOf("replication_mode", mode);
    }

    /**
     * The DRBD protocol of a {@code replication_mode}: under A and B a power cut may lose
     * acknowledged writes, under C it must not.
     *
     * @param setting what {@code mode} was read from, named when it is none of the three
     */
    static String protocolOf(String setting, String mode) {
        return switch (mode) {
            case "async" -> "A";
            case "semi-sync" -> "B";
            case "full-sync" -> "C";
            default -> throw new IllegalArgumentException(setting + " must be async, semi-sync or full-sync: " + mode);
        };
    }

    /** The same booted nodes, control plane and database under another {@code replication_mode} (written with {@link #config}). */
    ReplicationScenario inMode(String otherMode) {
        ReplicationScenario other = new ReplicationScenario(lab, otherMode);
        other.cp = cp;
        other.db = db;
        other.ipC = ipC;
        other.ipD = ipD;
        return other;
    }

    String mode() {
        return mode;
    }

    String protocol() {
        return protocol;
    }

    /** Null until the control plane is up. */
    ControlPlane cp() {
        return cp;
    }

    /** Null until the control plane is up. */
    CinderDb db() {
        return db;
    }

    String ipC() {
        return ipC;
    }

    String ipD() {
        return ipD;
    }

    // ------------------------------------------------------------------------------------------
    // Set-up and tear-down

    /** The control plane (DB reset) and nodec, noded, nodee, booting side by side. */
    void bootNodesAndStartTheControlPlane() {
        cp = bootWithTheControlPlane(lab, NODEC, NODED, NODEE);
        db = cp.db();
        ipC = lab.ip(NODEC);
        ipD = lab.ip(NODED);
    }

    /**
     * Boots {@code nodes} while the control plane starts with the replication lab's timers
     * (service_down_time 10, report_interval 2) and an empty database; returns it once both are up.
     */
    static ControlPlane bootWithTheControlPlane(ReplicationLab lab, String... nodes) {
        CompletableFuture<ControlPlane> plane = CompletableFuture.supplyAsync(() -> ControlPlane.start(Map.of(
                "EBS_CINDER_SERVICE_DOWN_TIME", "10", "EBS_CINDER_REPORT_INTERVAL", "2",
                "EBS_CINDER_SCHEDULER_INIT_WAIT", "2", "EBS_CINDER_EXTRA_CONF", ControlPlane.labExtraConf().toString()), "--reset-db"));
        List<String> up = new ArrayList<>(List.of("up"));
        up.addAll(List.of(nodes));
        lab.lab(Duration.ofMinutes(15), up.toArray(String[]::new)).requireSuccess();
        try {
            return plane.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        }
    }

    /** Empty storage and this build's worker (stopped) on both storage nodes; nodee gives up on a dead portal quickly. */
    void wipeStorageAndDeployWorkers() {
        for (String node : List.of(NODEC, NODED)) {
            lab.stopWorker(node);
            // A reused node starts from empty storage too: the cinder DB was reset.
            lab.exec(node, "bash", "-c", "for r in /etc/drbd.d/ebs-*.res; do [ -e \"$r\" ] || continue; n=${r##*/ebs-}; "
                    + "drbdadm down \"${n%.res}\"; rm -f \"$r\"; done; vgremove -q -ff -y \"$1\" 2>/dev/null; true", "wipe", VG);
            lab.execOk(node, "bash", "-c", "vgs \"$1\" >/dev/null 2>&1 || { pvcreate -q -y /dev/vdb && vgcreate -q \"$1\" /dev/vdb; }",
                    "vg", VG);
            lab.deployWorker(node);
        }
        // The compute host gives up on a dead portal after 5 s (open-iscsi's default is 120 s), so
        // the writer stops at the power cut instead of hanging in the kernel.
        lab.execOk(NODEE, "sed", "-i", "s/^node.session.timeo.replacement_timeout = .*/node.session.timeo.replacement_timeout = 5/",
                "/etc/iscsi/iscsid.conf");
    }

    /**
     * Both workers' cinder.conf in this mode ({@code moreForNoded}: lines added to noded's backend
     * section), both (re)started; returns once both are up with replication enabled.
     */
    void writeConfigsAndStartWorkers(String moreForNoded) {
        lab.writeConfig(NODEC, config(NODEC));
        lab.writeConfig(NODED, config(NODED, moreForNoded));
        java.time.Instant restarted = java.time.Instant.now();
        lab.startWorker(NODEC);
        lab.startWorker(NODED);
        awaitServicesUp(restarted);
    }

    /** Volume type {@code replicated}: nodec's backend, replication enabled. */
    void createReplicatedType() {
        cp.cinder("type-create", "replicated").requireSuccess();
        cp.cinder("type-key", "replicated", "set", "volume_backend_name=ebs-" + NODEC, "replication_enabled=<is> True").requireSuccess();
    }

    /** nodec's or noded's cinder.conf in this mode, the other storage node its replication_device. */
    String config(String node) {
        return config(node, "");
    }

    /**
     * @param more lines added to the backend section
     */
    String config(String node, String more) {
        String ip = ipOf(node);
        String peer = node.equals(NODEC) ? NODED : NODEC;
        String peerIp = ipOf(peer);
        // The host's broker and database as the node reaches them (10.0.2.2 is the host's 127.0.0.1).
        String transportUrl = asSeenFromANode(cp.transportUrl());
        String database = "mysql+pymysql://" + cp.dbUser() + ":" + cp.dbPassword() + "@10.0.2.2:3306/" + cp.dbName();
        return """
                [DEFAULT]
                host = %1$s
                my_ip = %2$s
                transport_url = %10$s
                enabled_backends = ebs
                report_interval = 2
                service_down_time = 10
                backend_stats_polling_interval = 10
                debug = true
                log_dir = %5$s
                state_path = /var/lib/cinder
                [database]
                connection = %11$s
                [ebs]
                volume_driver = cinder.volume.drivers.ebs.EBSDriver
                volume_backend_name = ebs-%1$s
                volume_group = %6$s
                lvm_type = thin
                target_helper = lioadm
                target_ip_address = %2$s
                backend_id = %1$s
                backend_ip = %2$s
                replication_mode = %9$s
                replication_resync_rate = 100M
                replication_starting_port = %7$d
                replication_device = backend_id:%3$s,ip:%4$s,volume_group:%6$s,volume_backend_name:ebs-%3$s,secret:%8$s
                """.formatted(node, ip, peer, peerIp, ReplicationLab.LOG_DIR, VG, STARTING_PORT, SECRET, mode, transportUrl, database)
                + more;
    }

    private String ipOf(String node) {
        return switch (node) {
            case NODEC -> ipC;
            case NODED -> ipD;
            default -> throw new IllegalArgumentException("not a storage node: " + node);
        };
    }

    /**
     * A URL with the host's loopback as a node sees it (QEMU user networking: 10.0.2.2 is the
     * host's 127.0.0.1); the same rewrite as LabWorker's, which is not visible from this package.
     */
    static String asSeenFromANode(String url) {
        return url.replace("@127.0.0.1:", "@10.0.2.2:").replace("@localhost:", "@10.0.2.2:")
                .replace("@127.0.0.1/", "@10.0.2.2/").replace("@localhost/", "@10.0.2.2/");
    }

    void awaitServicesUp() {
        awaitServicesUp(java.time.Instant.EPOCH);
    }

    /**
     * Both workers up, their pools replication-enabled, as reported after {@code reportedAfter}:
     * right after both workers restart, the heartbeats of the old processes still look fresh and
     * the scheduler still lists their pools, but it drops a backend that misses a heartbeat and
     * takes it back only with a new report (the soak's creates once met "No valid backend" in
     * between). The pools' capability timestamps (the scheduler's, UTC, this host's clock) say
     * which report it holds.
     */
    void awaitServicesUp(java.time.Instant reportedAfter) {
        // Polled through cinder-api (a CLI call costs seconds of the CPU the nodes share), then
        // confirmed once through the CLI.
        awaitTrue("both workers up with replication enabled", Duration.ofMinutes(5), () -> {
            for (String node : List.of(NODEC, NODED)) {
                if (!cp.serviceState("cinder-volume", node + "@ebs").map("up"::equals).orElse(false)) {
                    return false;
                }
            }
            Map<String, JsonNode> pools = cp.pools();
            return List.of(NODEC, NODED).stream().map(n -> pools.get(n + "@ebs#ebs-" + n))
                    .allMatch(p -> p != null && p.path("replication_enabled").asBoolean(false)
                            && reportedAt(p).isAfter(reportedAfter));
        });
        String pools = cp.cinder("get-pools", "--detail").requireSuccess().stdout();
        assertThat(pools).contains("replication_enabled", NODEC + "@ebs#ebs-" + NODEC, NODED + "@ebs#ebs-" + NODED);
    }

    /** The {@code timestamp} the scheduler gave a pool's last capability report (naive UTC, ISO); EPOCH when absent. */
    private static java.time.Instant reportedAt(JsonNode capabilities) {
        String text = capabilities.path("timestamp").asText("");
        if (text.isEmpty()) {
            return java.time.Instant.EPOCH;
        }
        String naive = text.replace(' ', 'T').replaceFirst("(Z|[+-]\\d\\d:\\d\\d)$", "");
        return java.time.LocalDateTime.parse(naive).toInstant(java.time.ZoneOffset.UTC);
    }

    /** A failed step prints both workers' logs as they were then: later steps overwrite the tail. */
    static TestWatcher workerLogsOnFailure(ReplicationLab lab) {
        return new TestWatcher() {
            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                if (lab != null) {
                    System.out.println("===== " + context.getDisplayName() + " failed: the workers' logs\n"
                            + lab.workerLog(NODEC) + lab.workerLog(NODED));
                }
            }
        };
    }

    /**
     * Closes the database, copies every log to {@code worker/target/lab-logs/<logLabel>-<time>},
     * prints and stops both workers, and cleans the lab unless {@code -Debs.lab.keep=true}.
     */
    void stopWorkersAndCleanTheLab(String logLabel) {
        if (db != null) {
            db.close();
        }
        System.out.println("lab logs: " + lab.collectLogs(logLabel + "-" + java.time.LocalDateTime.now().withNano(0)
                .toString().replace(':', '-'), cp, NODEC, NODED));
        for (String node : List.of(NODEC, NODED)) {
            System.out.println(lab.workerLog(node));
            lab.stopWorker(node);
        }
        if (!Boolean.getBoolean("ebs.lab.keep")) {
            lab.lab(Duration.ofMinutes(5), "clean");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Volumes

    String createVolume(String name, int sizeGb, String... more) {
        String id = create(name, sizeGb, more);
        awaitAvailable(id, name);
        return id;
    }

    /**
     * Creates the volumes side by side (the worker serves them in parallel, as it would a burst
     * of creates), then waits until every one is available and UpToDate on noded.
     *
     * @param label what the waits name the volumes by
     * @return their ids, in the order of {@code names}
     */
    List<String> createSideBySide(String label, List<String> names, int sizeGb) {
        List<String> ids = new ArrayList<>();
        for (String name : names) {
            ids.add(create(name, sizeGb));
        }
        for (String id : ids) {
            awaitAvailable(id, label);
        }
        for (String id : ids) {
            awaitState(NODED, "volume-" + id, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        }
        return ids;
    }

    void awaitAvailable(String id, String name) {
        awaitTrue("volume " + name + " (" + id + ") available", OPERATION, () -> {
            String s = status(id);
            if ("error".equals(s)) {
                throw new AssertionError("volume " + name + " went to error\n" + lab.workerLog(NODEC) + lab.workerLog(NODED));
            }
            return "available".equals(s);
        });
    }

    /** {@code cinder create} of a {@code replicated} volume; returns its id without waiting. */
    String create(String name, int sizeGb, String... more) {
        List<String> args = new ArrayList<>(List.of("create", "--volume-type", "replicated", "--name", name));
        args.addAll(List.of(more));
        args.add(Integer.toString(sizeGb));
        CliResult r = cp.cinder(args.toArray(String[]::new)).requireSuccess();
        return r.stdoutLines().stream().filter(l -> l.matches("\\|\\s+id\\s+\\|.*")).findFirst()
                .map(l -> l.split("\\|")[2].strip()).orElseThrow(() -> new AssertionError("no id in\n" + r.describe()));
    }

    void deleteVolume(String id) {
        cp.cinder("delete", id).requireSuccess();
        awaitTrue("volume " + id + " deleted", OPERATION, () -> {
            if ("error_deleting".equals(status(id))) {
                throw new AssertionError("delete failed\n" + lab.workerLog(NODEC) + lab.workerLog(NODED));
            }
            return db.query("SELECT id FROM volumes WHERE id = ? AND deleted = 0", id).isEmpty();
        });
    }

    /** The volume's status, or null when it has no row. */
    String status(String id) {
        List<Map<String, Object>> rows = db.query("SELECT status FROM volumes WHERE id = ?", id);
        return rows.isEmpty() ? null : (String) rows.get(0).get("status");
    }

    /** The volume's DRBD minor (its device is /dev/drbd&lt;minor&gt;), from replication_driver_data. */
    int drbdMinor(String volumeId) throws Exception {
        String data = (String) db.single("SELECT replication_driver_data FROM volumes WHERE id = ?", volumeId).get("replication_driver_data");
        return JSON.readTree(data).path("minor").asInt();
    }

    /** The volume's DRBD port, from replication_driver_data. */
    int drbdPort(String volumeId) throws Exception {
        return JSON.readTree((String) db.single("SELECT replication_driver_data FROM volumes WHERE id = ?", volumeId)
                .get("replication_driver_data")).path("port").asInt();
    }

    Map<String, Object> serviceRow(String node) {
        return db.single("SELECT replication_status, active_backend_id, frozen, disabled, disabled_reason FROM services "
                + "WHERE host = ? AND `binary` = 'cinder-volume' AND deleted = 0", node + "@ebs");
    }

    /** nodee as a compute host: attaches through the attachment API with its connector. */
    LabVolumes computeHost() {
        return new LabVolumes(org.ebsvolume.worker.testing.Lab.withSettings(lab.settings()), cp, db, NODEE,
                () -> lab.workerLog(NODEC) + lab.workerLog(NODED));
    }

    /** No LV, resource file, kernel resource or DRBD listener/connection of {@code res} on either storage node. */
    void assertNothingLeft(String res) {
        assertNothingLeftOn(NODEC, res);
        assertNothingLeftOn(NODED, res);
    }

    void assertNothingLeftOn(String node, String res) {
        assertNothingLeftOn(node, res, STARTING_PORT);
    }

    void assertNothingLeftOn(String node, String res, int port) {
        assertThat(lab.execOk(node, "lvs", "--noheadings", "-o", "lv_name", VG)).as(node + " LVs").doesNotContain(res);
        assertThat(lab.exec(node, "test", "-e", "/etc/drbd.d/ebs-" + res + ".res").ok()).as(node + " resource file").isFalse();
        assertThat(lab.exec(node, "drbdsetup", "events2", "--now", res).stdout()).as(node + " kernel resource").doesNotContain(res);
        // A closed connection lingers for a while (TIME-WAIT, or FIN-WAIT-1 while its last bytes
        // wait for a peer that already went): only a listener or a live connection is a leftover.
        String sockets = lab.execOk(node, "ss", "-Htan").lines()
                .filter(l -> l.startsWith("LISTEN") || l.startsWith("ESTAB") || l.startsWith("SYN-"))
                .collect(Collectors.joining("\n"));
        assertThat(sockets).as(node + " DRBD port").doesNotContain(":" + port + " ");
    }

    /** Polls {@code drbdadm status res} on {@code node} until {@code done}; prints and returns that state. */
    DrbdResourceState awaitState(String node, String res, Predicate<DrbdResourceState> done) {
        DrbdResourceState[] last = new DrbdResourceState[1];
        String[] raw = new String[1];
        try {
            awaitTrue(node + " " + res + " state", OPERATION, () -> {
                CliResult r = lab.exec(node, "drbdadm", "status", res);
                raw[0] = r.stdout() + r.stderr();
                if (!r.ok()) {
                    return false;
                }
                last[0] = DrbdStatusParser.parse(r.stdout()).get(res);
                return last[0] != null && done.test(last[0]);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast drbdadm status on " + node + ":\n" + raw[0], e);
        }
        System.out.println(node + "$ drbdadm status " + res + "\n" + raw[0]);
        return last[0];
    }

    // ------------------------------------------------------------------------------------------
    // noded's failover watch of nodec, in noded's worker log

    /** Lines in {@code node}'s worker log now: decisions logged after this mark came after the step that follows. */
    long logLines(String node) {
        return Long.parseLong(lab.execOk(node, "bash", "-c", "wc -l < \"$1\"", "lines", ReplicationLab.LOG_DIR + "/ebs-volume.log").strip());
    }

    /** How many lines of {@code node}'s worker log after line {@code fromLine} contain {@code text}. */
    long countLogged(String node, long fromLine, String text) {
        return Long.parseLong(lab.execOk(node, "bash", "-c", "tail -n +\"$1\" \"$2\" | grep -a -c -F -e \"$3\" || true", "count",
                Long.toString(fromLine + 1), ReplicationLab.LOG_DIR + "/ebs-volume.log", text).strip());
    }

    /**
     * Waits until {@code node}'s failover watch of nodec logged, after log line {@code fromLine},
     * {@value #WATCH_DECISIONS} runs that stayed Secondary for {@code reason} (the workers log
     * every run at DEBUG), and fails at once if one of them decided to take over.
     */
    void awaitWatchDecisions(String node, long fromLine, String reason) {
        awaitTrue(WATCH_DECISIONS + " watch runs on " + node + " deciding: " + reason, OPERATION,
                () -> staySecondaryDecisions(node, fromLine, reason) >= WATCH_DECISIONS);
    }

    /**
     * How many runs of {@code node}'s failover watch of nodec, after log line {@code fromLine},
     * decided to stay Secondary for {@code reason} (any reason when it is empty); fails at once
     * if one decided to take over.
     */
    long staySecondaryDecisions(String node, long fromLine, String reason) {
        String stay = "Failover watch of " + NODEC + "@ebs: STAY SECONDARY: " + reason;
        String take = "Failover watch of " + NODEC + "@ebs: TAKE OVER";
        String after = lab.execOk(node, "bash", "-c", "tail -n +\"$1\" \"$2\" | grep -a -F -e \"$3\" -e \"$4\" || true", "decisions",
                Long.toString(fromLine + 1), ReplicationLab.LOG_DIR + "/ebs-volume.log", stay, take);
        if (after.contains(take)) {
            throw new AssertionError(node + " decided to take over:\n" + after);
        }
        return after.lines().filter(l -> l.contains(stay)).count();
    }

    // ------------------------------------------------------------------------------------------
    // Power cuts of nodec while nodee writes

    /** One power cut of nodec while nodee writes to the volume through it. */
    record PowerCut(long base, double failoverSeconds, long acknowledged, List<Long> onBackup, int failedWrites) {
        /** Acknowledged writes the backup does not have. */
        long lost() {
            return LongStream.rangeClosed(1, acknowledged).filter(i -> !onBackup.contains(i)).count();
        }
    }

    /**
     * nodec serves {@code volume}: nodee attaches it through nodec and writes from block
     * {@code base}; nodec is power-cut (SIGKILL of its QEMU); noded must take over by itself; nodee
     * attaches again (now through noded) and reads which acknowledged writes are there. Measures
     * only: {@link #assertWithinTheLimits} judges the result, so a caller can record it first.
     */
    PowerCut cutNodecsPowerWhileWriting(String volume, long base) throws Exception {
        WriterOnNodee w = startWriterThroughNodec(volume, base);
        LabVolumes volumes = w.volumes();

        long cut = System.nanoTime();
        lab.lab(Duration.ofMinutes(1), "kill", NODEC).requireSuccess();
        long ackedAtCut = w.acked().get();
        awaitFast("volume failed over to noded", Duration.ofMinutes(3), () -> "failed-over".equals(
                db.single("SELECT replication_status FROM volumes WHERE id = ?", volume).get("replication_status")));
        double failoverSeconds = (System.nanoTime() - cut) / 1e9;
        System.out.printf("FAILOVER: volume failed over %.1f s after the power cut (%d writes acknowledged at the cut)%n",
                failoverSeconds, ackedAtCut);
        // The backup's own account: what it saw and decided, with timestamps.
        System.out.println(lab.exec(NODED, "bash", "-c", "grep -a -E 'Failover watch of|Failover of|DRBD health of' \"$1\" | tail -n 12",
                "timeline", ReplicationLab.LOG_DIR + "/ebs-volume.log").stdout());
        awaitTrue("nodec@ebs up again (served by noded)", Duration.ofMinutes(1),
                () -> cp.serviceState("cinder-volume", NODEC + "@ebs").map("up"::equals).orElse(false));
        assertThat(lab.execOk(NODED, "drbdadm", "role", "volume-" + volume)).startsWith("Primary");

        WriterEnd end = w.endAfterNodecDied();
        long acknowledged = end.acknowledged();
        LabVolumes.Attachment again = volumes.attach(volume);
        assertThat(again.portal()).startsWith(ipD + ":");
        String device2 = volumes.login(again);
        List<Long> found = sequenceNumbers(device2, base, acknowledged);
        volumes.complete(again);
        volumes.logout(again);
        cp.cinder("attachment-delete", again.id()).requireSuccess();
        volumes.awaitVolumeStatus(volume, "available");

        PowerCut r = new PowerCut(base, failoverSeconds, acknowledged, found, end.failedWrites());
        System.out.printf("FAILOVER (mode %s, protocol %s): %d of %d acknowledged writes missing on the backup%n", mode, protocol,
                r.lost(), acknowledged);
        return r;
    }

    /** Protocol C loses no acknowledged write (A and B may: reported, not judged); the failover took less than {@link #FAILOVER_LIMIT}. */
    void assertWithinTheLimits(PowerCut r) {
        if (protocol.equals("C")) {
            assertThat(r.lost()).as("acknowledged writes missing on the backup (protocol C)").isZero();
        }
        assertThat(Duration.ofMillis((long) (r.failoverSeconds() * 1000))).isLessThan(FAILOVER_LIMIT);
    }

    /**
     * After nodec's return, noded (replication_auto_failback) hands nodec's identity back and
     * thaws it by itself, with no CLI, once every volume is in sync and detached: the services
     * row, every volume ({@code written} and {@code others}) enabled again, {@code written}
     * Primary and UpToDate on nodec, nodec@ebs served by nodec, and the writes of {@code cut} that
     * the backup had are on nodec.
     */
    void awaitAutomaticFailback(String written, List<String> others, PowerCut cut) {
        awaitTrue("nodec@ebs failed back and thawed by noded itself", Duration.ofMinutes(6), () -> {
            Map<String, Object> service = serviceRow(NODEC);
            return "enabled".equals(service.get("replication_status")) && "".equals(service.get("active_backend_id"))
                    && String.valueOf(service.get("frozen")).matches("0|false")
                    && String.valueOf(service.get("disabled")).matches("0|false");
        });
        assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", written).get("replication_status"))
                .isEqualTo("enabled");
        for (String id : others) {
            assertThat(db.single("SELECT replication_status FROM volumes WHERE id = ?", id).get("replication_status"))
                    .as("extra volume handed back").isEqualTo("enabled");
        }
        awaitState(NODEC, "volume-" + written, s -> s.role() == DrbdRole.PRIMARY && DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        awaitTrue("nodec@ebs up (served by nodec)", Duration.ofMinutes(1),
                () -> cp.serviceState("cinder-volume", NODEC + "@ebs").map("up"::equals).orElse(false));
        assertHoldsTheWritesTheBackupHad(written, ipC, cut);
    }

    /** Attached on nodee through {@code portalIp}, {@code volume} holds every write of {@code cut} that the backup had. */
    void assertHoldsTheWritesTheBackupHad(String volume, String portalIp, PowerCut cut) {
        LabVolumes volumes = computeHost();
        LabVolumes.Attachment a = volumes.attach(volume);
        assertThat(a.portal()).startsWith(portalIp + ":");
        String device = volumes.login(a);
        assertThat(sequenceNumbers(device, cut.base(), cut.acknowledged())).containsAll(cut.onBackup());
        volumes.complete(a);
        volumes.logout(a);
        cp.cinder("attachment-delete", a.id()).requireSuccess();
        volumes.awaitVolumeStatus(volume, "available");
    }

    /** The sequence numbers found in blocks base+1..base+n of the device, read on nodee, in block order. */
    List<Long> sequenceNumbers(String device, long base, long n) {
        return sequenceNumbers(NODEE, device, base, n);
    }

    List<Long> sequenceNumbers(String node, String device, long base, long n) {
        String out = lab.exec(node, "bash", "-c", "dd if=\"$1\" bs=4096 skip=$(($3 + 1)) count=\"$2\" iflag=direct status=none"
                + " | tr -d '\\000'", "read", device, Long.toString(n), Long.toString(base)).requireSuccess().stdout();
        return out.lines().filter(l -> l.startsWith("seq ")).map(l -> Long.parseLong(l.substring(4).strip())).toList();
    }

    /** nodee attaches {@code volume} through nodec and runs {@link #WRITER} from block {@code base}; returns once 50 writes were acknowledged. */
    WriterOnNodee startWriterThroughNodec(String volume, long base) {
        LabVolumes volumes = computeHost();
        LabVolumes.Attachment a = volumes.attach(volume);
        assertThat(a.portal()).startsWith(ipC + ":");
        String device = volumes.login(a);
        volumes.complete(a);
        Process writer = lab.spawn(NODEE, "bash", "-c", WRITER, "writer", device, Long.toString(base));
        AtomicLong acked = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(writer.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.strip().matches("[0-9]+")) {
                        acked.set(Long.parseLong(line.strip()));
                    }
                }
            } catch (IOException ignored) {
                // the writer ended
            }
        });
        reader.start();
        awaitTrue("the writer acknowledged 50 writes", OPERATION, () -> acked.get() >= 50);
        return new WriterOnNodee(this, volume, volumes, a, writer, acked, reader);
    }

    /** How a writer ended: its last acknowledged write, and the failed writes it saw (0 or 1: it stops at the first). */
    record WriterEnd(long acknowledged, int failedWrites) {
    }

    /**
     * nodee attached to {@code volume} through nodec, running {@link #WRITER};
     * {@code acked} follows the last acknowledged write.
     */
    record WriterOnNodee(ReplicationScenario s, String volume, LabVolumes volumes, LabVolumes.Attachment attachment, Process writer,
                         AtomicLong acked, Thread reader) {

        /**
         * nodec is dead: the writer ends (its session fails), and Nova's part is done: the dead
         * host's session goes and the attachment is deleted. A writer that ended by itself with
         * exit 0 ended on a failed write (its loop ends nowhere else; ssh failing would exit 255);
         * one still running after 2 minutes is stopped here and saw no failed write.
         */
        WriterEnd endAfterNodecDied() throws InterruptedException {
            boolean endedByItself = writer.waitFor(2, TimeUnit.MINUTES);
            int failedWrites = endedByItself && writer.exitValue() == 0 ? 1 : 0;
            writer.destroyForcibly();
            reader.join(10_000);
            s.cp.cinder("attachment-delete", attachment.id()).requireSuccess();
            s.lab.exec(NODEE, "iscsiadm", "-m", "node", "-T", attachment.iqn(), "-p", attachment.portal(), "--logout");
            s.lab.exec(NODEE, "iscsiadm", "-m", "node", "-T", attachment.iqn(), "-p", attachment.portal(), "--op", "delete");
            volumes.awaitVolumeStatus(volume, "available");
            return new WriterEnd(acked.get(), failedWrites);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Waiting

    interface Check {
        boolean ok() throws Exception;
    }

    /** As {@link #awaitTrue}, polling every 250 ms: for what is timed. */
    static void awaitFast(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /** Polls {@code check} every 2 s until true; an AssertionError it throws fails at once, other exceptions are retried. */
    static void awaitTrue(String what, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                lastError = e;
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, lastError);
    }
}
