package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.drbd.DrbdStatusParser;
import org.ebsvolume.worker.replication.ReplicationScenario.PowerCut;
import org.ebsvolume.worker.testing.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ebsvolume.worker.replication.ReplicationScenario.AUTOMATIC_FAILBACK_DONE;
import static org.ebsvolume.worker.replication.ReplicationScenario.NODEC;
import static org.ebsvolume.worker.replication.ReplicationScenario.NODED;
import static org.ebsvolume.worker.replication.ReplicationScenario.NODEE;
import static org.ebsvolume.worker.replication.ReplicationScenario.OPERATION;
import static org.ebsvolume.worker.replication.ReplicationScenario.WATCH_DECISIONS;
import static org.ebsvolume.worker.replication.ReplicationScenario.awaitTrue;

/**
 * The soak tier: {@link ReplicationLabTest}'s power cut and replication-link partition, over and
 * over, in each replication mode, with many volumes. Not part of CI (tag {@code soak} only; the
 * parent pom excludes it by default); {@code scripts/test-lab --soak} runs it and then
 * {@code scripts/lib/soak-report} on what it measured.
 *
 * <p>One test per mode (async = DRBD protocol A, semi-sync = B, full-sync = C), in the order of
 * {@code ebs.soak.modes}, each on the lab the previous one left:
 * <ol>
 *   <li>both workers get that {@code replication_mode} (noded with {@code replication_auto_failback
 *       = true}) and are restarted; the written volume and {@code ebs.soak.volumes} more are made
 *       side by side and are UpToDate on noded;</li>
 *   <li>{@code ebs.soak.powerCuts} times: nodee writes sequence-numbered blocks through nodec
 *       (each cut in its own block region), nodec's power is cut (SIGKILL of its QEMU), noded must
 *       take over by itself; nodee reads through noded which acknowledged writes are there; nodec
 *       boots again and noded must hand it back on its own (failback and thaw), with the writes
 *       it had;</li>
 *   <li>one partition of {@code ebs.soak.partitionSeconds}: noded's replication link (eth1) down,
 *       during which noded's failover watch must never decide to take over, nodec stays Primary
 *       and the volumes stay {@code enabled}; after the heal, noded is UpToDate again and the
 *       outdated mark is gone;</li>
 *   <li>every volume deleted, nothing left on either node.</li>
 * </ol>
 * Judged: protocol C loses no acknowledged write, every failover takes under
 * {@link ReplicationScenario#FAILOVER_LIMIT}, no promotion during a partition. A and B report the
 * writes they lost without failing.
 *
 * <p>Every power cut and every partition appends one row to {@code worker/target/soak/results.tsv}
 * the moment it was measured (and prints it), so a run that fails halfway keeps what it measured.
 *
 * <p>Properties: {@code -Debs.soak.modes=async,semi-sync,full-sync}, {@code -Debs.soak.powerCuts=3}
 * (per mode), {@code -Debs.soak.volumes=8} (beside the written one),
 * {@code -Debs.soak.partitionSeconds=120}, {@code -Debs.soak.nodeLifetimeSeconds=21600} (see
 * {@link #outliveTheSoak}); {@code -Debs.lab.keep=true} leaves the nodes up afterwards.
 */
@Tag("soak")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationSoakTest {

    /** The modes to soak, in this order; checked before anything boots. */
    private static final List<String> MODES = parseModes(System.getProperty("ebs.soak.modes", "async,semi-sync,full-sync"));
    private static final int POWER_CUTS = Integer.getInteger("ebs.soak.powerCuts", 3);
    /** Volumes beside the written one: more volumes for each take-over and each failback to move. */
    private static final int EXTRA_VOLUMES = Integer.getInteger("ebs.soak.volumes", 8);
    private static final Duration PARTITION = Duration.ofSeconds(Long.getLong("ebs.soak.partitionSeconds", 120));
    /**
     * ReplicationLab boots nodes that power themselves off after 5400 s, a safety net for a run
     * that died without cleaning up; the soak runs for hours (scripts/test-lab gives it 4), so
     * every node gets a watchdog this long instead, re-armed at each boot.
     */
    private static final Duration NODE_LIFETIME = Duration.ofSeconds(Long.getLong("ebs.soak.nodeLifetimeSeconds", 6 * 3600));
    /**
     * 4 KiB blocks each power cut's writer has to itself (20 MiB). A writer gets a few hundred
     * writes acknowledged before its session fails; one that wrote into the next region would
     * leave sequence numbers there that a later cut could mistake for its own, so that is checked.
     */
    private static final long REGION_BLOCKS = 5_000;
    /** Between two looks at a held partition: each look costs three ssh commands into emulated nodes. */
    private static final Duration PARTITION_POLL = Duration.ofSeconds(5);

    private static final Path RESULTS = ControlPlane.repoRoot().resolve("worker/target/soak/results.tsv");
    private static final List<String> COLUMNS = List.of("kind", "mode", "protocol", "n", "volumes", "failover_s", "acknowledged",
            "lost", "io_errors", "held_s", "decisions");

    private final ReplicationLab lab = new ReplicationLab();
    /** The booted lab; each test runs in its own mode on it ({@link ReplicationScenario#inMode}). */
    private final ReplicationScenario booted = new ReplicationScenario(lab, MODES.get(0));

    private static List<String> parseModes(String property) {
        List<String> modes = Arrays.stream(property.split(",")).map(String::strip).filter(m -> !m.isEmpty()).toList();
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("ebs.soak.modes names no replication mode: '" + property + "'");
        }
        modes.forEach(m -> ReplicationScenario.protocolOf("ebs.soak.modes", m));
        return modes;
    }

    List<String> modes() {
        return MODES;
    }

    @BeforeAll
    void bootTheNodesAndStartTheControlPlane() {
        booted.bootNodesAndStartTheControlPlane();
        for (String node : List.of(NODEC, NODED, NODEE)) {
            outliveTheSoak(node);
        }
        booted.wipeStorageAndDeployWorkers();
        booted.createReplicatedType();
    }

    /** A failed step prints both workers' logs as they were then: later steps overwrite the tail. */
    @RegisterExtension
    final TestWatcher workerLogsOnFailure = ReplicationScenario.workerLogsOnFailure(lab);

    @AfterAll
    void stopWorkersAndCleanTheLab() {
        booted.stopWorkersAndCleanTheLab("soak");
    }

    /** One visible test per mode; a failure's message starts with the mode. */
    @ParameterizedTest(name = "replication_mode {0}")
    @MethodSource("modes")
    @Order(1)
    void repeatedPowerCutsAndALongPartition(String mode) throws Exception {
        try {
            soak(booted.inMode(mode));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("replication_mode " + mode + ": " + e.getMessage(), e);
        }
    }

    private void soak(ReplicationScenario scenario) throws Exception {
        // A mode that failed mid-cut may have left nodec powered off (a running node is left alone).
        bootNodec();
        scenario.writeConfigsAndStartWorkers("replication_auto_failback = true\n");
        long nodedLogMark = scenario.logLines(NODED);

        String label = "soak-" + scenario.mode();
        List<String> names = new ArrayList<>(List.of(label + "-written"));
        for (int i = 1; i <= EXTRA_VOLUMES; i++) {
            names.add(label + "-extra-" + i);
        }
        List<String> volumes = scenario.createSideBySide(label, names, volumeSizeGb());
        String written = volumes.get(0);
        List<String> others = volumes.subList(1, volumes.size());

        for (int n = 1; n <= POWER_CUTS; n++) {
            long base = (n - 1) * REGION_BLOCKS;
            PowerCut cut = scenario.cutNodecsPowerWhileWriting(written, base);
            record(Map.of("kind", "power-cut", "mode", scenario.mode(), "protocol", scenario.protocol(), "n", n,
                    "volumes", volumes.size(), "failover_s", oneDecimal(cut.failoverSeconds()), "acknowledged", cut.acknowledged(),
                    "lost", cut.lost(), "io_errors", cut.failedWrites()));
            scenario.assertWithinTheLimits(cut);
            assertThat(cut.acknowledged()).as("writes of power cut %d inside its own region of %d blocks", n, REGION_BLOCKS)
                    .isLessThan(REGION_BLOCKS);

            bootNodec();
            lab.startWorker(NODEC);
            scenario.awaitAutomaticFailback(written, others, cut);
        }
        assertThat(scenario.countLogged(NODED, nodedLogMark, AUTOMATIC_FAILBACK_DONE))
                .as("automatic failbacks noded logged in this mode").isEqualTo(POWER_CUTS);

        holdAPartition(scenario, written, volumes);

        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String id : volumes) {
            ports.put(id, scenario.drbdPort(id));
        }
        for (String id : volumes) {
            scenario.deleteVolume(id);
        }
        for (Map.Entry<String, Integer> volume : ports.entrySet()) {
            scenario.assertNothingLeftOn(NODEC, "volume-" + volume.getKey(), volume.getValue());
            scenario.assertNothingLeftOn(NODED, "volume-" + volume.getKey(), volume.getValue());
        }
    }

    /**
     * noded loses its replication link (eth1; eth0 still reaches the control plane, so the
     * witness sees nodec's heartbeat) for {@link #PARTITION}. The partition's length is the thing
     * under test: it is held for that long, looked at every {@link #PARTITION_POLL} (and failed at
     * once on a take-over), then healed.
     */
    private void holdAPartition(ReplicationScenario scenario, String written, List<String> volumes) throws Exception {
        long logMark = scenario.logLines(NODED);
        lab.execOk(NODED, "ip", "link", "set", "eth1", "down");
        long cutAt = System.nanoTime();
        long healAt = cutAt + PARTITION.toNanos();
        boolean outdatedMarkSeen = false;
        long decisions;
        double heldSeconds;
        try {
            while (true) {
                // Fails at once on a TAKE OVER; debug logging makes every watch run (each second) log its decision.
                scenario.staySecondaryDecisions(NODED, logMark, "");
                assertNoPromotion(scenario, volumes);
                outdatedMarkSeen |= isMarkedOutdated(scenario, written);
                long left = healAt - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Thread.sleep(Math.min(PARTITION_POLL.toMillis(), left / 1_000_000 + 1));
            }
            // nodec still accepts writes after the whole partition: its I/O is not suspended (the witness holds the mark).
            lab.execOk(NODEC, "dd", "if=/dev/urandom", "of=/dev/drbd" + scenario.drbdMinor(written), "bs=4096", "count=16",
                    "seek=" + (POWER_CUTS * REGION_BLOCKS + 1), "oflag=direct", "status=none");
            decisions = scenario.staySecondaryDecisions(NODED, logMark, "");
            heldSeconds = (System.nanoTime() - cutAt) / 1e9;
        } finally {
            lab.execOk(NODED, "ip", "link", "set", "eth1", "up");
        }
        record(Map.of("kind", "partition", "mode", scenario.mode(), "protocol", scenario.protocol(), "n", 1, "volumes", volumes.size(),
                "held_s", oneDecimal(heldSeconds), "decisions", decisions));
        // No take-over in the last moments before the heal (nor since): the poll above may have missed them.
        scenario.staySecondaryDecisions(NODED, logMark, "");
        assertThat(decisions).as("noded's watch runs that decided during the %d s partition: without them 'no take-over' proves"
                + " nothing", PARTITION.toSeconds()).isGreaterThanOrEqualTo(WATCH_DECISIONS);
        assertThat(outdatedMarkSeen).as("nodec marked noded's copy outdated (its fence-peer handler, through the witness) during"
                + " the %d s partition", PARTITION.toSeconds()).isTrue();

        for (String id : volumes) {
            scenario.awaitState(NODED, "volume-" + id, s -> DrbdHealth.of(s).kind() == DrbdHealth.Kind.UP_TO_DATE);
        }
        String in = volumes.stream().map(id -> "?").collect(Collectors.joining(","));
        awaitTrue("the outdated marks are cleared once in sync", OPERATION, () -> scenario.db().query(
                "SELECT id FROM volumes WHERE id IN (" + in + ") AND replication_extended_status LIKE 'outdated-peer%'",
                volumes.toArray()).isEmpty());
    }

    /** nodec Primary and noded Secondary for every volume, every volume and nodec@ebs still {@code enabled}. */
    private void assertNoPromotion(ReplicationScenario scenario, List<String> volumes) throws Exception {
        Map<String, DrbdResourceState> onC = drbdStatus(NODEC);
        Map<String, DrbdResourceState> onD = drbdStatus(NODED);
        for (String id : volumes) {
            String res = "volume-" + id;
            assertThat(onC.get(res)).as("%s on nodec", res).isNotNull();
            assertThat(onC.get(res).role()).as("%s on nodec stays Primary", res).isEqualTo(DrbdRole.PRIMARY);
            assertThat(onD.get(res)).as("%s on noded", res).isNotNull();
            assertThat(onD.get(res).role()).as("%s on noded never promotes", res).isEqualTo(DrbdRole.SECONDARY);
        }
        String in = volumes.stream().map(id -> "?").collect(Collectors.joining(","));
        for (Map<String, Object> row : scenario.db().query("SELECT id, replication_status FROM volumes WHERE id IN (" + in + ")",
                volumes.toArray())) {
            assertThat(row.get("replication_status")).as("replication_status of %s", row.get("id")).isEqualTo("enabled");
        }
        assertThat(scenario.serviceRow(NODEC).get("replication_status")).as("nodec@ebs replication_status").isEqualTo("enabled");
    }

    /** Every DRBD resource up on {@code node}, by name (one ssh command for all of them). */
    private Map<String, DrbdResourceState> drbdStatus(String node) throws Exception {
        // exec, not execOk: a leftover resource file without a kernel resource (an earlier mode that failed) makes drbdadm
        // exit non-zero while it still prints the others; the caller looks its volumes up by name.
        return DrbdStatusParser.parse(lab.exec(node, "drbdadm", "status", "all").stdout());
    }

    private static boolean isMarkedOutdated(ReplicationScenario scenario, String volume) {
        return String.valueOf(scenario.db().single("SELECT replication_extended_status FROM volumes WHERE id = ?", volume)
                .get("replication_extended_status")).startsWith("outdated-peer");
    }

    /** Every cut's region and the partition's 16 blocks fit in the written volume (all volumes get its size: thin, they cost nothing). */
    private static int volumeSizeGb() {
        long bytes = ((POWER_CUTS + 1) * REGION_BLOCKS + 1) * 4096;
        return (int) Math.max(1, (bytes + (1L << 30) - 1) >> 30);
    }

    /** nodec booted (nothing happens when it runs) and kept alive for the soak. */
    private void bootNodec() {
        lab.lab(Duration.ofMinutes(10), "start", NODEC).requireSuccess();
        outliveTheSoak(NODEC);
    }

    /** Replaces {@code node}'s power-off watchdog of this boot by one of {@link #NODE_LIFETIME}. */
    private void outliveTheSoak(String node) {
        lab.execOk(node, "bash", "-c", "systemctl stop ebs-lab-lifetime.service 'ebs-soak-lifetime-*.timer' 2>/dev/null || true; "
                + "systemd-run --quiet --unit=\"ebs-soak-lifetime-$(date +%s%N)\" --on-active=\"$1\""
                + " /usr/bin/systemctl poweroff --no-block", "lifetime", Long.toString(NODE_LIFETIME.toSeconds()));
    }

    // ------------------------------------------------------------------------------------------
    // results.tsv

    /** Appends one row now (the header first into a new file), and prints it. */
    private static void record(Map<String, Object> values) {
        String row = COLUMNS.stream().map(c -> String.valueOf(values.getOrDefault(c, ""))).collect(Collectors.joining("\t"));
        try {
            Files.createDirectories(RESULTS.getParent());
            if (!Files.exists(RESULTS) || Files.size(RESULTS) == 0) {
                Files.writeString(RESULTS, String.join("\t", COLUMNS) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            Files.writeString(RESULTS, row + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + RESULTS, e);
        }
        System.out.println("SOAK RESULT " + COLUMNS.stream().map(c -> c + "=" + values.getOrDefault(c, ""))
                .collect(Collectors.joining(" ")) + "  (" + RESULTS + ")");
    }

    private static String oneDecimal(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }
}
