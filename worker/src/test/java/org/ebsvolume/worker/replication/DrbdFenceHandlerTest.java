package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.drbd.DrbdFenceAnswer;
import org.ebsvolume.worker.testing.ControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installed handler ({@code bin/ebs-drbd-handler}, run here as DRBD runs it: the handler's
 * name as its argument, the resource in {@code DRBD_RESOURCE}) and the worker's side of the spool.
 */
class DrbdFenceHandlerTest {

    private static final String RES = "volume-6f1c2a3b-0d4e-4f5a-8b9c-0123456789ab";
    private static final Path HANDLER = ControlPlane.repoRoot().resolve("bin/ebs-drbd-handler");

    @TempDir
    Path spoolDir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopHandlers() {
        started.forEach(Process::destroyForcibly);
    }

    private Process handler(String name, String resource) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(HANDLER.toString(), name).redirectErrorStream(true);
        pb.environment().put("DRBD_RESOURCE", resource);
        pb.environment().put("DRBD_PEER", "noded");
        pb.environment().put("EBS_DRBD_FENCE_DIR", spoolDir.toString());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private DrbdFenceSpool spool() throws IOException {
        return new DrbdFenceSpool(spoolDir).open();
    }

    private static void awaitPending(DrbdFenceSpool spool, String res) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!spool.pending().contains(res)) {
            assertThat(System.nanoTime()).as("the handler's request for " + res).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void fencePeerExitsWithTheWorkersAnswer() throws Exception {
        DrbdFenceSpool spool = spool();
        Process p = handler("fence-peer", RES);
        awaitPending(spool, RES);
        spool.answer(RES, DrbdFenceAnswer.PEER_OUTDATED);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(4);
        assertThat(spool.pending()).isEmpty();
        assertThat(Files.list(spoolDir).map(f -> f.getFileName().toString()).toList()).as("nothing left in the spool").isEmpty();
    }

    @Test
    void fencePeerWaitsAsLongAsThereIsNoAnswer() throws Exception {
        DrbdFenceSpool spool = spool();
        Process p = handler("fence-peer", RES);
        awaitPending(spool, RES);
        assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("still waiting: DRBD keeps the I/O frozen meanwhile").isFalse();
        spool.answer(RES, DrbdFenceAnswer.PEER_PRIMARY);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(6);
    }

    @Test
    void fencePeerAsksAgainWhenItsRequestVanishes() throws Exception {
        DrbdFenceSpool spool = spool();
        Process p = handler("fence-peer", RES);
        awaitPending(spool, RES);
        // The worker restarted on an emptied runtime directory.
        Files.delete(spoolDir.resolve(RES + ".request"));
        awaitPending(spool, RES);
        spool.answer(RES, DrbdFenceAnswer.PEER_FENCED);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(7);
    }

    @Test
    void fencePeerRefusesAResourceThatIsNotTheServices() throws Exception {
        Process p = handler("fence-peer", "../../etc/passwd");
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("1: I/O stays frozen").isEqualTo(1);
        assertThat(Files.list(spoolDir).toList()).isEmpty();
    }

    @Test
    void aStaleAnswerFromAnEarlierRunIsNotTaken() throws Exception {
        DrbdFenceSpool spool = spool();
        Files.writeString(spoolDir.resolve(RES + ".answer"), "4\n");
        Process p = handler("fence-peer", RES);
        awaitPending(spool, RES);
        assertThat(p.waitFor(1, TimeUnit.SECONDS)).as("waits for this run's answer").isFalse();
        spool.answer(RES, DrbdFenceAnswer.REFUSED);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
    }

    @Test
    void theOtherHandlersSucceedWithoutAsking() throws Exception {
        for (String name : List.of("unfence-peer", "split-brain", "after-resync-target")) {
            Process p = handler(name, RES);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(name).isZero();
        }
        assertThat(Files.list(spoolDir).toList()).isEmpty();
    }

    @Test
    void theSpoolDropsARequestWhoseNameIsNoResource() throws Exception {
        DrbdFenceSpool spool = spool();
        Files.writeString(spoolDir.resolve("volume-x;reboot.request"), "1\n");
        Files.writeString(spoolDir.resolve(RES + ".request"), "1\n");
        assertThat(spool.pending()).containsExactly(RES);
        assertThat(spoolDir.resolve("volume-x;reboot.request")).doesNotExist();
    }
}
