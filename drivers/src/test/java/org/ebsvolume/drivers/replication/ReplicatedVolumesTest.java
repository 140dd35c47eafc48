package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdHost;
import org.ebsvolume.drivers.drbd.DrbdPortAllocator;
import org.ebsvolume.drivers.drbd.DrbdProtocol;
import org.ebsvolume.drivers.drbd.DrbdSlot;
import org.ebsvolume.drivers.drbd.Recorded;
import org.ebsvolume.drivers.drbd.ReplayedDrbd;
import org.ebsvolume.drivers.lvm.FakeLvm;
import org.ebsvolume.drivers.replication.ReplicatedVolumes.Content;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ReplicatedVolumes}' promise: a volume is replicated or it is not created. Whatever step
 * fails, what was made for the volume is undone on both nodes (the DRBD resource here, its slot,
 * the replica on the backup); and a delete ends the replication on both nodes or fails so that it
 * can be asked again. This host's DRBD answers as it did in the lab ({@link ReplayedDrbd}, in call
 * order), its LVM is {@link FakeLvm}, the backup is {@link FakeBackup}. The LV itself is the
 * caller's: it removes it after a failed replication, so it is not checked here.
 */
class ReplicatedVolumesTest {

    /** The lab's volume: every recorded DRBD answer is about it. */
    private static final String NAME_ID = "3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";
    private static final String RES = "volume-" + NAME_ID;
    private static final VolumeRef VOLUME = new VolumeRef("6b1d2f4e-0c3a-4b5d-8e9f-a1b2c3d4e5f6", NAME_ID, 1, "nodea@ebs#ebs",
            null, null, "replicated-type", true);
    private static final String BACKEND = "nodeb-backup";
    private static final String BACKUP_ADDRESS = "10.99.0.12";
    private static final int STARTING_PORT = 7789;
    private static final DrbdSlot FIRST_SLOT = new DrbdSlot(STARTING_PORT, DrbdPortAllocator.DEFAULT_MINOR_BASE);

    @TempDir
    Path dir;

    private final FakeLvm lvm = new FakeLvm();
    private final FakeBackup backup = new FakeBackup();
    private final List<Duration> pauses = new ArrayList<>();
    private ReplayedDrbd drbd;
    private DrbdAdm adm;
    private DrbdPortAllocator ports;

    @BeforeEach
    void thisHost() {
        // A 1 GiB thick LV: growTo makes room for DRBD's metadata behind it.
        lvm.answer("lvs", FakeLvm.lvs(FakeLvm.lv(RES, 1L << 30, "-wi-a-----")));
        drbd = new ReplayedDrbd(dir);
        adm = drbd.adm();
        ports = new DrbdPortAllocator(adm.files(), STARTING_PORT);
    }

    private ReplicatedVolumes volumes(Duration connectTimeout) throws Exception {
        return new ReplicatedVolumes(new ReplicatedVolumes.Settings("nodea", "10.99.0.11", DrbdProtocol.C, 4096, BACKUP_ADDRESS,
                connectTimeout), lvm.group(), adm, ports, backup, pauses::add);
    }

    private ReplicatedVolumes volumes() throws Exception {
        return volumes(Duration.ofSeconds(30));
    }

    // ---- this host's DRBD, in the order ReplicatedVolumes asks it ----

    private static Recorded succeeded(String commandLine) {
        return new Recorded(commandLine, 0, "", "");
    }

    /** {@code drbdadm --version} (the 8.4 module of the lab), {@code create-md}. */
    private void drbdReadyForUp() {
        drbd.then(Recorded.lab84("version-drbdadm")).then(Recorded.lab84("create-md"));
    }

    /** Everything a replication runs here, up to Primary. */
    private void drbdReplicates() {
        drbdReadyForUp();
        drbd.then(succeeded("drbdadm up " + RES))
                .then(Recorded.lab84("connected-inconsistent.events2-now-statistics"))
                .then(Recorded.lab84("primary-force"));
    }

    /** The resource is not in the kernel ({@code events2 --now} lists nothing). */
    private void drbdIsDown() {
        drbd.then(Recorded.lab84("err-events2-now-down"));
    }

    private void drbdIsUpAndGoesDown() {
        drbd.then(Recorded.lab84("primary-alone.events2-now-statistics")).then(Recorded.lab84("down"));
    }

    private Path resourceFile() {
        return adm.files().pathOf(RES);
    }

    /** The slot the next new resource gets: the failed one's again when it was freed. */
    private DrbdSlot nextFreeSlot() throws Exception {
        return ports.allocate("volume-0a0b0c0d-0000-4000-8000-000000000001", Set.of(), Set.of());
    }

    /** A failed replication's promise: no resource file here, its slot free again, no replica on the backup. */
    private void assertNothingLeftOnEitherHost() throws Exception {
        assertThat(resourceFile()).doesNotExist();
        assertThat(nextFreeSlot()).isEqualTo(FIRST_SLOT);
        assertThat(backup.replicas).isEmpty();
    }

    // ---- creating ----

    @Test
    void aReplicatedVolumeIsPrimaryHereWithItsReplicaPreparedOnTheBackup() throws Exception {
        drbdReplicates();

        Map<String, Object> update = volumes().replicate(VOLUME, Content.COPIED);

        assertThat(update).containsEntry("replication_status", "enabled").containsEntry("replication_driver_data",
                "{\"backend_id\": \"" + BACKEND + "\", \"port\": 7789, \"minor\": 1000}");
        assertThat(backup.replicas).containsExactly(RES);
        assertThat(resourceFile()).exists();
        assertThat(drbd.commandLines()).endsWith("drbdadm primary --force " + RES);
        assertThat(lvm.calls("lvextend")).hasSize(1);
    }

    @Test
    void aResourceThatConnectsOnTheSecondLookWaitsOnePollBetweenTheLooks() throws Exception {
        drbdReadyForUp();
        drbd.then(succeeded("drbdadm up " + RES))
                .then(Recorded.lab84("peer-lost-secondary.events2-now-statistics"))
                .then(Recorded.lab84("connected-inconsistent.events2-now-statistics"))
                .then(Recorded.lab84("primary-force"));

        volumes().replicate(VOLUME, Content.COPIED);

        assertThat(pauses).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void aBackupThatCannotBeReachedIsAskedForNothingMoreAndNothingIsLeftHere() throws Exception {
        backup.refuse("replica_state");
        drbdIsDown();

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.COPIED)).isInstanceOf(DriverException.class)
                .hasMessageContaining("could not be replicated to " + BACKEND).hasCauseInstanceOf(ReplicaPeerException.class);

        assertThat(backup.calls).containsExactly("replica_state " + RES);
        assertThat(resourceFile()).doesNotExist();
        assertThat(drbd.commandLines()).noneMatch(c -> c.startsWith("drbdadm"));
    }

    @Test
    void aBackupAtAnotherAddressThanConfiguredIsRefusedBeforeAnythingIsPreparedThere() throws Exception {
        backup.address = "10.99.0.13";
        drbdIsDown();

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.COPIED))
                .hasMessageContaining("answers with address 10.99.0.13 but replication_device says ip:" + BACKUP_ADDRESS);

        assertThat(backup.calls).containsExactly("replica_state " + RES);
        assertThat(nextFreeSlot()).isEqualTo(FIRST_SLOT);
    }

    @Test
    void aReplicaTheBackupRefusesToPrepareIsRemovedThereAndNoResourceIsLeftHere() throws Exception {
        backup.refuse("replica_prepare");
        drbdIsDown();

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.BLANK)).isInstanceOf(DriverException.class)
                .hasMessageContaining("replica_prepare failed");

        // A refusal may come after the backup made part of the replica: it is asked to remove it.
        assertThat(backup.calls).containsExactly("replica_state " + RES, "replica_prepare " + RES, "replica_remove " + RES);
        assertThat(resourceFile()).doesNotExist();
        assertThat(nextFreeSlot()).isEqualTo(FIRST_SLOT);
    }

    @Test
    void aReplicaPreparedOnTheBackupWhoseReplyIsLostIsRemovedThere() throws Exception {
        backup.loseReplyOf("replica_prepare");
        drbdIsDown();

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.BLANK)).isInstanceOf(DriverException.class);

        assertNothingLeftOnEitherHost();
    }

    @Test
    void aDrbdResourceThatCannotComeUpIsRemovedOnBothHosts() throws Exception {
        drbdReadyForUp();
        drbd.then(Recorded.lab84("err-up-twice"));
        drbdIsDown();

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.COPIED)).isInstanceOf(DriverException.class)
                .hasMessageContaining("is configured");

        assertNothingLeftOnEitherHost();
        // Nothing to take down: it never came up.
        assertThat(drbd.commandLines()).doesNotContain("drbdadm down " + RES);
    }

    @Test
    void aResourceThatDoesNotConnectInTimeIsTakenDownHereAndRemovedOnTheBackup() throws Exception {
        drbdReadyForUp();
        drbd.then(succeeded("drbdadm up " + RES)).then(Recorded.lab84("peer-lost-secondary.events2-now-statistics"));
        drbdIsUpAndGoesDown();

        // No time at all to connect: the first look that is not Connected is the last.
        assertThatThrownBy(() -> volumes(Duration.ZERO).replicate(VOLUME, Content.COPIED))
                .hasMessageContaining("did not connect to " + BACKEND).hasMessageContaining("Connecting");

        assertThat(drbd.commandLines()).endsWith("drbdadm down " + RES);
        assertNothingLeftOnEitherHost();
        assertThat(pauses).isEmpty();
    }

    @Test
    void aPromotionThatFailsIsUndoneOnBothHosts() throws Exception {
        drbdReadyForUp();
        drbd.then(succeeded("drbdadm up " + RES))
                .then(Recorded.lab84("connected-inconsistent.events2-now-statistics"))
                .then(Recorded.lab84("err-primary-fence-peer-fails"));
        drbdIsUpAndGoesDown();

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.COPIED)).isInstanceOf(DriverException.class);

        assertThat(drbd.commandLines()).endsWith("drbdadm down " + RES);
        assertNothingLeftOnEitherHost();
    }

    @Test
    void anUndoTheBackupCannotDoIsAddedToTheFailureThatCausedIt() throws Exception {
        drbdReadyForUp();
        drbd.then(Recorded.lab84("err-up-twice"));
        drbdIsDown();
        backup.refuse("replica_remove");

        assertThatThrownBy(() -> volumes().replicate(VOLUME, Content.COPIED))
                .hasMessageContaining("is configured")
                .cause().satisfies(cause -> assertThat(cause.getSuppressed())
                        .anySatisfy(s -> assertThat(s).hasMessageContaining("replica_remove failed")));

        // What could be undone here was, all the same.
        assertThat(resourceFile()).doesNotExist();
        assertThat(nextFreeSlot()).isEqualTo(FIRST_SLOT);
    }

    // ---- deleting ----

    @Test
    void deleteTearsDownTheReplicaOnThePeerToo() throws Exception {
        drbdReplicates();
        ReplicatedVolumes volumes = volumes();
        volumes.replicate(VOLUME, Content.COPIED);
        drbdIsUpAndGoesDown();

        volumes.delete(VOLUME);

        assertThat(drbd.commandLines()).endsWith("drbdadm down " + RES);
        assertThat(backup.calls).endsWith("replica_remove " + RES);
        assertThat(backup.replicas).isEmpty();
        assertThat(resourceFile()).doesNotExist();
    }

    @Test
    void deleteOfAVolumeWhosePeerIsUnreachableFailsAndKeepsItsResourceFileToBeAskedAgain() throws Exception {
        drbdReplicates();
        ReplicatedVolumes volumes = volumes();
        volumes.replicate(VOLUME, Content.COPIED);
        drbdIsUpAndGoesDown();
        backup.refuse("replica_remove");

        assertThatThrownBy(() -> volumes.delete(VOLUME)).isInstanceOf(ReplicaPeerException.class);

        // Down here, but the file (and with it the slot) stays: the next delete finds the volume
        // replicated and asks the backup again.
        assertThat(drbd.commandLines()).endsWith("drbdadm down " + RES);
        assertThat(resourceFile()).exists();
        assertThat(backup.replicas).containsExactly(RES);

        backup.answerAgain("replica_remove");
        drbdIsDown();
        volumes.delete(VOLUME);

        assertThat(backup.replicas).isEmpty();
        assertThat(resourceFile()).doesNotExist();
    }

    @Test
    void deleteOfAVolumeWithNoResourceHereOnlyTriesToRemoveALeftoverReplica() throws Exception {
        backup.refuse("replica_remove");

        volumes().delete(VOLUME);

        assertThat(backup.calls).containsExactly("replica_remove " + RES);
        assertThat(drbd.commandLines()).isEmpty();
    }

    /**
     * The backup as the primary sees it: the replicas it holds, every call it was asked (name and
     * resource, in order), and the calls it is told to fail: refused before doing anything, or
     * done with the reply lost on the way back (which the primary cannot tell apart).
     */
    private static final class FakeBackup implements ReplicaPeer {

        private enum Failure { REFUSE, LOSE_REPLY }

        final List<String> calls = new ArrayList<>();
        final Set<String> replicas = new TreeSet<>();
        String address = BACKUP_ADDRESS;
        private final Map<String, Failure> failing = new HashMap<>();

        void refuse(String call) {
            failing.put(call, Failure.REFUSE);
        }

        void loseReplyOf(String call) {
            failing.put(call, Failure.LOSE_REPLY);
        }

        void answerAgain(String call) {
            failing.remove(call);
        }

        @Override
        public String backendId() {
            return BACKEND;
        }

        @Override
        public ReplicaFacts state(String volumeId, String resource) throws ReplicaPeerException {
            asked("replica_state", resource);
            return replied("replica_state", new ReplicaFacts("nodeb", address, Set.of(), Set.of(), replicas.contains(resource),
                    replicas.contains(resource), "down"));
        }

        @Override
        public ReplicaSide prepare(ReplicaRequest request) throws ReplicaPeerException {
            asked("replica_prepare", request.resource());
            boolean fresh = replicas.add(request.resource());
            return replied("replica_prepare", new ReplicaSide(new DrbdHost("nodeb", address,
                    "/dev/mapper/cinder--volumes-" + request.resource().replace("-", "--")), false, fresh));
        }

        @Override
        public void resize(String volumeId, String resource, int sizeGb) throws ReplicaPeerException {
            nothingToDo("replica_resize", resource);
        }

        @Override
        public void remove(String volumeId, String resource) throws ReplicaPeerException {
            asked("replica_remove", resource);
            replicas.remove(resource);
            replied("replica_remove", null);
        }

        @Override
        public void snapshot(String volumeId, String resource, String snapshotId) throws ReplicaPeerException {
            nothingToDo("replica_snapshot", resource);
        }

        @Override
        public void removeSnapshot(String volumeId, String snapshotId) throws ReplicaPeerException {
            nothingToDo("replica_snapshot_remove", snapshotId);
        }

        /** A call whose effect on the backup no test looks at. */
        private void nothingToDo(String call, String subject) throws ReplicaPeerException {
            asked(call, subject);
            replied(call, null);
        }

        /** Records the call; a refused one fails here, before the backup does anything. */
        private void asked(String call, String resource) throws ReplicaPeerException {
            calls.add(call + " " + resource);
            if (failing.get(call) == Failure.REFUSE) {
                throw new ReplicaPeerException(BACKEND, call, "refused by the backup", null);
            }
        }

        /** The answer, or a lost reply after the work was done. */
        private <T> T replied(String call, T answer) throws ReplicaPeerException {
            if (failing.get(call) == Failure.LOSE_REPLY) {
                throw new ReplicaPeerException(BACKEND, call, "no reply within 30 s", null);
            }
            return answer;
        }
    }
}
