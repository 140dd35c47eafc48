package org.ebsvolume.worker.rpc;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** create_snapshot and delete_snapshot as Cinder's VolumeManager writes them. */
class SnapshotCallsTest {

    private RpcTestBackend backend;
    private SnapshotCalls calls;

    @BeforeEach
    void backend() throws Exception {
        backend = new RpcTestBackend();
        calls = new SnapshotCalls("fake", () -> backend.serviceRow, backend.driver, backend.tables);
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void createSnapshotMakesItAvailableAtFullProgressWithTheDriversLocation() throws Exception {
        String volume = backend.volume("available", 2);
        String id = backend.snapshot(volume, "creating");

        Object answer = calls.createSnapshot(backend.context(), RpcTestBackend.args("snapshot", "Snapshot", id));

        assertThat(answer).isEqualTo(id);
        Map<String, Object> row = backend.snapshotRow(id);
        assertThat(row.get("status")).isEqualTo("available");
        assertThat(row.get("progress")).isEqualTo("100%");
        assertThat(row.get("provider_location")).isEqualTo("fake:_snapshot-" + id);
        assertThat(backend.driver.holdsSnapshot(id)).isTrue();
        assertThat(backend.db.scalar("SELECT COUNT(*) FROM workers WHERE resource_id = ?", id)).isEqualTo(0L);
    }

    @Test
    void createSnapshotTheDriverCannotMakeEndsInErrorWithAUserMessage() throws Exception {
        backend.driver.failOn("createSnapshot", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "no space left"));
        String volume = backend.volume("available", 2);
        String id = backend.snapshot(volume, "creating");

        calls.createSnapshot(backend.context(), RpcTestBackend.args("snapshot", "Snapshot", id));

        assertThat(backend.snapshotRow(id).get("status")).isEqualTo("error");
        assertThat(backend.db.single("SELECT resource_type, event_id FROM messages WHERE resource_uuid = ?", id))
                .containsEntry("resource_type", "VOLUME_SNAPSHOT").containsEntry("event_id", "VOLUME_VOLUME_SNAPSHOT_009_013");
    }

    @Test
    void deleteSnapshotRemovesItAndGivesTheQuotaBack() throws Exception {
        String volume = backend.volume("available", 4);
        String id = backend.snapshot(volume, "deleting");
        backend.quotaInUse("snapshots", 2);
        backend.quotaInUse("gigabytes", 10);
        backend.quotaInUse("snapshots_" + backend.volumeTypeName, 1);
        backend.quotaInUse("gigabytes_" + backend.volumeTypeName, 4);

        Object answer = calls.deleteSnapshot(backend.context(), RpcTestBackend.args("snapshot", "Snapshot", id));

        assertThat(answer).isNull();
        Map<String, Object> row = backend.snapshotRow(id);
        assertThat(row.get("deleted")).isEqualTo(1);
        assertThat(row.get("status")).isEqualTo("deleted");
        assertThat(backend.driver.calls()).containsExactly("deleteSnapshot");
        assertThat(backend.quotaInUse("snapshots")).isEqualTo(1);
        assertThat(backend.quotaInUse("gigabytes")).isEqualTo(6);
        assertThat(backend.quotaInUse("snapshots_" + backend.volumeTypeName)).isZero();
        assertThat(backend.quotaInUse("gigabytes_" + backend.volumeTypeName)).isZero();
    }
}
