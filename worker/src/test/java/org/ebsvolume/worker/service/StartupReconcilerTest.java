package org.ebsvolume.worker.service;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CinderSchemaDatabase;
import org.ebsvolume.worker.testing.FakeVolumeDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restarted worker does with what its previous run left half done, on Cinder's real
 * schema and an in-memory driver: the driver must be told the same thing about a volume as at
 * any other time (under DRBD or not, its storage name), or a delete finished at start-up leaves
 * DRBD resources behind on both hosts.
 */
class StartupReconcilerTest {

    private static final String DATABASE = "cinder_rpcunit";
    private static final Path DIR = Path.of("/tmp/ebs-cinder-rpcunit");

    private CinderDatabase database;
    private CinderDb db;
    private final FakeVolumeDriver driver = new FakeVolumeDriver();
    private final String host = "reconcile-" + UUID.randomUUID().toString().substring(0, 8) + "@ebs";

    @BeforeEach
    void database() {
        CinderSchemaDatabase.ensure(DATABASE, DIR);
        database = CinderSchemaDatabase.open(DATABASE);
        db = CinderSchemaDatabase.client(DATABASE);
    }

    @AfterEach
    void close() {
        db.close();
        database.close();
    }

    /** A volume type; replicated as Cinder's replication_enabled extra spec says. */
    private String volumeType(boolean replicated) {
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO volume_types (created_at, deleted, id, name, is_public) VALUES (UTC_TIMESTAMP(), 0, ?, ?, 1)",
                id, "reconcile-" + id.substring(0, 8));
        if (replicated) {
            db.update("INSERT INTO volume_type_extra_specs (created_at, deleted, volume_type_id, `key`, value)"
                    + " VALUES (UTC_TIMESTAMP(), 0, ?, 'replication_enabled', '<is> True')", id);
        }
        return id;
    }

    private String volume(String status, String replicationStatus, String nameId) {
        return volume(status, replicationStatus, nameId, volumeType(false));
    }

    private String volume(String status, String replicationStatus, String nameId, String typeId) {
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO volumes (created_at, updated_at, deleted, id, _name_id, user_id, project_id, host, size, status,"
                        + " attach_status, replication_status, volume_type_id, use_quota) VALUES (UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0,"
                        + " ?, ?, 'admin', 'p', ?, 1, ?, 'detached', ?, ?, 1)",
                id, nameId, host + "#ebs", status, replicationStatus, typeId);
        return id;
    }

    private int reconcile() throws Exception {
        return new StartupReconciler(host, 0, new ResourceTables(database), driver).run();
    }

    @Test
    void aReplicatedVolumeLeftDeletingIsDeletedThroughDrbd() throws Exception {
        String id = volume("deleting", "enabled", null);

        assertThat(reconcile()).isEqualTo(1);

        assertThat(driver.deleted()).extracting(VolumeRef::id, VolumeRef::replicated).containsExactly(org.assertj.core.groups.Tuple.tuple(id, true));
        assertThat(db.single("SELECT deleted, status FROM volumes WHERE id = ?", id)).containsEntry("status", "deleted");
    }

    @Test
    void aVolumeWhoseFailoverWentWrongIsStillDeletedThroughDrbd() throws Exception {
        volume("deleting", "failover-error", null);

        reconcile();

        assertThat(driver.deleted()).singleElement().extracting(VolumeRef::replicated).isEqualTo(true);
    }

    @Test
    void aVolumeOfAReplicatedTypeNoDriverAnsweredForIsDeletedThroughDrbd() throws Exception {
        volume("deleting", null, null, volumeType(true));

        reconcile();

        assertThat(driver.deleted()).singleElement().extracting(VolumeRef::replicated).isEqualTo(true);
    }

    @Test
    void anUnreplicatedVolumeLeftDeletingIsDeletedAsAPlainVolume() throws Exception {
        volume("deleting", "disabled", null);

        reconcile();

        assertThat(driver.deleted()).singleElement().extracting(VolumeRef::replicated).isEqualTo(false);
    }

    @Test
    void aSnapshotLeftDeletingIsDeletedFromItsVolumesStorageName() throws Exception {
        String storageOf = UUID.randomUUID().toString();   // a migrated volume keeps its target's storage
        String volumeId = volume("available", "enabled", storageOf);
        String snapshotId = UUID.randomUUID().toString();
        db.update("INSERT INTO snapshots (created_at, updated_at, deleted, id, volume_id, user_id, project_id, status, progress,"
                + " volume_size, volume_type_id, use_quota) SELECT UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0, ?, id, 'admin', 'p',"
                + " 'deleting', '0%', 1, volume_type_id, 1 FROM volumes WHERE id = ?", snapshotId, volumeId);

        reconcile();

        var deleted = driver.deletedSnapshots();
        assertThat(deleted).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(snapshotId);
            assertThat(s.volume().nameId()).isEqualTo(storageOf);
            assertThat(s.volume().replicated()).isTrue();
        });
    }

    @Test
    void aVolumeTheDriverCannotDeleteEndsErrorDeleting() throws Exception {
        driver.failOn("deleteVolume", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "lvremove failed"));
        String id = volume("deleting", "disabled", null);

        reconcile();

        assertThat(db.single("SELECT status FROM volumes WHERE id = ?", id)).containsEntry("status", "error_deleting");
    }
}
