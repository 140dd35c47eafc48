package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DRBD layer on real DRBD 8.4.11 in the project's lab: two QEMU nodes (lab/lab.sh), the
 * rendered resource file, and {@link DrbdAdm} running drbdadm inside the nodes. Excluded from the
 * default test run (tag {@code lab}, see drivers/pom.xml); run it as root on a machine where
 * lab/build-image.sh works:
 * <pre>
 * mvn -B -ntp -pl drivers -am test -Dtest=DrbdLabTest -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= -Dgroups=lab
 * </pre>
 * {@code -Debs.lab.run=DIR} and {@code -Debs.lab.portBase=N} choose the lab's run directory and
 * ports (defaults /tmp/ebs-volume-lab-drbd and 25400), so it can run beside another lab.
 *
 * <p>{@link DrbdAdm} gets a real {@link CommandRunner} whose root-helper prefix is
 * {@code env EBS_LAB_RUN=… lab.sh exec <node>}: the allow-list and argument lists are the
 * production ones, only the place they run differs.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrbdLabTest {

    private static final String RES = DrbdResourceConfigTest.RESOURCE;
    private static final String VG = "ebsvg";
    private static final Duration STEP = Duration.ofSeconds(120);
    /** Stand-in for the worker's handler: fence-peer answers 5 ("peer unreachable, assumed dead"). */
    private static final String HANDLER_SCRIPT = """
            #!/bin/sh
            echo "$(date +%T) $* $DRBD_RESOURCE $DRBD_PEER" >> /root/drbd-handler.log
            [ "$1" = fence-peer ] && exit 5
            exit 0
            """;

    private final String labRun = System.getProperty("ebs.lab.run", "/tmp/ebs-volume-lab-drbd");
    private final String labPortBase = System.getProperty("ebs.lab.portBase", "25400");
    private Path labSh;
    private DrbdAdm nodea;
    private DrbdAdm nodeb;

    private Path tmp;

    @BeforeAll
    void bootTwoNodesWithABackingVolumeEach() throws Exception {
        tmp = Files.createTempDirectory("drbd-lab-test");
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("lab/lab.sh"))) {
            root = root.getParent();
            if (root == null) {
                throw new IllegalStateException("lab/lab.sh not found above " + Path.of("").toAbsolutePath());
            }
        }
        labSh = root.resolve("lab/lab.sh");
        lab(600, "up", "nodea", "nodeb");
        Path handler = tmp.resolve("drbd-handler");
        Files.writeString(handler, HANDLER_SCRIPT);
        for (String node : List.of("nodea", "nodeb")) {
            lab(60, "exec", node, "mkdir", "-p", "/usr/local/lib/ebs-volume");
            lab(60, "push", node, handler.toString(), DrbdResourceConfigTest.HANDLER);
            lab(60, "exec", node, "chmod", "755", DrbdResourceConfigTest.HANDLER);
            lab(60, "exec", node, "pvcreate", "-q", "/dev/vdb");
            lab(60, "exec", node, "vgcreate", "-q", VG, "/dev/vdb");
            lab(60, "exec", node, "lvcreate", "-q", "-L", "64m", "-n", RES, VG);
        }
        nodea = adm("nodea");
        nodeb = adm("nodeb");
    }

    @AfterAll
    void cleanTheLab() throws Exception {
        if (labSh != null) {
            lab(180, "clean");
        }
        if (tmp != null) {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theLabsModuleIs84AndChoosesThe84Dialect() throws Exception {
        assertThat(nodea.kernelVersion()).isEqualTo(new DrbdKernelVersion(8, 4, 11));
        assertThat(nodea.dialect()).isEqualTo(DrbdDialect.V84);
    }

    @Test
    @Order(2)
    void theRenderedFileIsAcceptedByTheRealDrbdadm() throws Exception {
        for (String node : List.of("nodea", "nodeb")) {
            Path local = new DrbdResourceFiles(tmp.resolve(node)).write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
            lab(60, "push", node, local.toString(), "/etc/drbd.d/");
            assertThat(lab(60, "exec", node, "stat", "-c", "%a", "/etc/drbd.d/" + local.getFileName())).isEqualTo("600\n");
            assertThat(lab(60, "exec", node, "drbdadm", "dump", RES)).contains("resource-and-stonith", "split-brain", "ping-int");
            assertThat(lab(60, "exec", node, "drbdadm", "-d", "up", RES)).contains("--fencing=resource-and-stonith");
        }
    }

    @Test
    @Order(3)
    void createMetadataAndUpConnectBothNodes() throws Exception {
        for (DrbdAdm adm : List.of(nodea, nodeb)) {
            adm.createMetadata(RES);
            adm.up(RES);
        }
        DrbdHealth h = waitFor(nodea, x -> x.evidence().contains("connection:Connected"));
        assertThat(h.kind()).as(h.evidence()).isEqualTo(DrbdHealth.Kind.NOT_UP_TO_DATE);   // connected, both Inconsistent
        assertThat(nodea.status(RES).onlyPeer().orElseThrow().connection()).isEqualTo(DrbdConnectionState.CONNECTED);
    }

    @Test
    @Order(4)
    void aSecondUpIsAlreadyConfigured() {
        assertThatThrownBy(() -> nodea.up(RES)).isInstanceOf(DrbdAlreadyConfiguredException.class);
    }

    @Test
    @Order(5)
    void promotingInconsistentDataIsRefusedWithoutForce() {
        assertThatThrownBy(() -> nodea.primary(RES)).isInstanceOf(DrbdNoUpToDateDataException.class);
    }

    @Test
    @Order(6)
    void forcePrimarySyncsThePeerUntilBothAreUpToDate() throws Exception {
        nodea.forcePrimary(RES);
        DrbdHealth syncing = waitFor(nodeb, x -> x.kind() == DrbdHealth.Kind.SYNCING || x.kind() == DrbdHealth.Kind.UP_TO_DATE);
        DrbdHealth done = waitFor(nodeb, x -> x.kind() == DrbdHealth.Kind.UP_TO_DATE);
        assertThat(done.evidence()).contains("role:Secondary disk:UpToDate", "role:Primary", "peer-disk:UpToDate");
        assertThat(nodea.health(RES).kind()).isEqualTo(DrbdHealth.Kind.UP_TO_DATE);
        // 64 MiB at 4096 KiB/s takes ~16 s, so the resync is normally seen with its progress
        if (syncing.kind() == DrbdHealth.Kind.SYNCING) {
            assertThat(syncing.syncPercent()).isPresent();
        }
    }

    @Test
    @Order(7)
    void aSecondPrimaryIsRefusedBecauseThePeerIsPrimary() {
        assertThatThrownBy(() -> nodeb.primary(RES)).isInstanceOf(DrbdPeerIsPrimaryException.class);
    }

    @Test
    @Order(8)
    void aPowerCutOfTheSecondaryLeavesThePrimaryDegraded() throws Exception {
        lab(120, "kill", "-9", "nodeb");
        DrbdHealth h = waitFor(nodea, x -> x.kind() == DrbdHealth.Kind.DEGRADED_PEER_LOST);
        assertThat(h.evidence()).contains("role:Primary disk:UpToDate");
    }

    @Test
    @Order(9)
    void downAndWipeMetadataLeaveTheResourceUnconfigured() throws Exception {
        nodea.secondary(RES);
        nodea.down(RES);
        assertThat(nodea.health(RES).kind()).isEqualTo(DrbdHealth.Kind.UNCONFIGURED);
        nodea.wipeMetadata(RES);
        // drbdmeta finds nothing left (the same words as on a never-initialised disk)
        assertThat(labFailing(60, "exec", "nodea", "drbdadm", "dump-md", RES)).contains("No valid meta data found");
    }

    // ------------------------------------------------------------------------------------------

    private DrbdAdm adm(String node) {
        List<String> helper = List.of("env", "EBS_LAB_RUN=" + labRun, "EBS_LAB_PORT_BASE=" + labPortBase, labSh.toString(), "exec", node);
        return new DrbdAdm(new CommandRunner(DrbdAdm.REQUIRED_BINARIES, helper, STEP), new DrbdResourceFiles(tmp.resolve(node)), STEP);
    }

    /** Polls the node's health until it passes {@code done}, for at most {@link #STEP}. */
    private static DrbdHealth waitFor(DrbdAdm adm, Predicate<DrbdHealth> done) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        DrbdHealth h = adm.health(RES);
        while (!done.test(h)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + h.kind() + " after " + STEP + ": " + h.evidence());
            }
            Thread.sleep(500);
            h = adm.health(RES);
        }
        return h;
    }

    /** lab.sh with these arguments; its stdout. Fails on a non-zero exit. */
    private String lab(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(true, timeoutSeconds, args);
    }

    /** lab.sh with these arguments, which must fail; its stdout and stderr. */
    private String labFailing(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(false, timeoutSeconds, args);
    }

    private String run(boolean mustSucceed, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(labSh.toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("EBS_LAB_RUN", labRun);
        pb.environment().put("EBS_LAB_PORT_BASE", labPortBase);
        Path err = Files.createTempFile(tmp, "lab", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("lab.sh " + String.join(" ", args) + " timed out");
        }
        if ((p.exitValue() == 0) != mustSucceed) {
            throw new AssertionError("lab.sh " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out + Files.readString(err));
        }
        return mustSucceed ? out : out + Files.readString(err);
    }
}
