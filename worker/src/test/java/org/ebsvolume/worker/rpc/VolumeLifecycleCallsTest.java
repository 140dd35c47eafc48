package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.messaging.ExposedException;
import org.ebsvolume.messaging.MessageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** create, delete and extend as Cinder's VolumeManager writes them, around a driver that may fail. */
class VolumeLifecycleCallsTest {

    private RpcTestBackend backend;
    private final AtomicInteger capabilityReports = new AtomicInteger();
    private VolumeLifecycleCalls calls;

    @BeforeEach
    void backend() throws Exception {
        backend = new RpcTestBackend();
        calls = new VolumeLifecycleCalls("fake", () -> backend.serviceRow, backend.driver, backend.tables, null,
                capabilityReports::incrementAndGet);
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private static ObjectNode volumeArgs(String id) {
        return RpcTestBackend.args("volume", "Volume", id);
    }

    @Test
    void createVolumeMakesTheStorageAndLeavesTheVolumeAvailableWithItsLaunchTime() throws Exception {
        String id = backend.volume("creating", 2);

        Object answer = calls.createVolume(backend.context(), volumeArgs(id));

        assertThat(answer).isEqualTo(id);
        Map<String, Object> row = backend.volumeRow(id);
        assertThat(row.get("status")).isEqualTo("available");
        assertThat(row.get("launched_at")).isNotNull();
        assertThat(row.get("provider_location")).isEqualTo("fake:volume-" + id);
        assertThat(row.get("service_uuid")).isEqualTo(backend.serviceRow.uuid());
        assertThat(backend.driver.sizeOf("volume-" + id)).hasValue(2);
        assertThat(backend.db.scalar("SELECT COUNT(*) FROM workers WHERE resource_id = ?", id)).isEqualTo(0L);
    }

    @Test
    void createVolumeTheDriverCannotMakeEndsInErrorWithAUserMessage() throws Exception {
        backend.driver.failOn("createVolume", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "no space left"));
        String id = backend.volume("creating", 2);
        MessageContext ctx = backend.context();

        Object answer = calls.createVolume(ctx, volumeArgs(id));

        assertThat(answer).isEqualTo(id);
        Map<String, Object> row = backend.volumeRow(id);
        assertThat(row.get("status")).isEqualTo("error");
        assertThat(row.get("launched_at")).isNull();
        Map<String, Object> message = backend.db.single("SELECT * FROM messages WHERE resource_uuid = ?", id);
        assertThat(message).containsEntry("project_id", backend.projectId).containsEntry("request_id", ctx.requestId())
                .containsEntry("resource_type", "VOLUME").containsEntry("event_id", "VOLUME_VOLUME_008_012")
                .containsEntry("message_level", "ERROR");
        assertThat(backend.db.scalar("SELECT COUNT(*) FROM workers WHERE resource_id = ?", id)).isEqualTo(0L);
    }

    @Test
    void deleteVolumeRemovesTheStorageAndTheRowAndGivesTheQuotaBack() throws Exception {
        String id = backend.volume("deleting", 3);
        backend.driver.store("volume-" + id, 3);
        backend.quotaInUse("volumes", 2);
        backend.quotaInUse("gigabytes", 10);
        backend.quotaInUse("volumes_" + backend.volumeTypeName, 1);
        backend.quotaInUse("gigabytes_" + backend.volumeTypeName, 3);

        Object answer = calls.deleteVolume(backend.context(), volumeArgs(id));

        assertThat(answer).isNull();
        Map<String, Object> row = backend.volumeRow(id);
        assertThat(row.get("deleted")).isEqualTo(1);
        assertThat(row.get("status")).isEqualTo("deleted");
        assertThat(backend.driver.sizeOf("volume-" + id)).isEmpty();
        assertThat(backend.quotaInUse("volumes")).isEqualTo(1);
        assertThat(backend.quotaInUse("gigabytes")).isEqualTo(7);
        assertThat(backend.quotaInUse("volumes_" + backend.volumeTypeName)).isZero();
        assertThat(backend.quotaInUse("gigabytes_" + backend.volumeTypeName)).isZero();
        assertThat(capabilityReports).hasValue(1);
    }

    @Test
    void deleteVolumeTheDriverCannotDeleteEndsInErrorDeletingAndKeepsItsQuota() {
        backend.driver.failOn("deleteVolume", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "volume is busy"));
        String id = backend.volume("deleting", 3);
        backend.quotaInUse("volumes", 1);

        assertThatThrownBy(() -> calls.deleteVolume(backend.context(), volumeArgs(id)))
                .isInstanceOfSatisfying(ExposedException.class, e -> assertThat(e.pythonClass()).isEqualTo("VolumeDriverException"))
                .hasMessageContaining("volume is busy");

        Map<String, Object> row = backend.volumeRow(id);
        assertThat(row.get("status")).isEqualTo("error_deleting");
        assertThat(row.get("deleted")).isEqualTo(0);
        assertThat(backend.quotaInUse("volumes")).isEqualTo(1);
    }

    @Test
    void extendVolumeGrowsTheStorageAndTheRowAndMakesItAvailableAgain() throws Exception {
        String id = backend.volume("extending", 1);
        backend.driver.store("volume-" + id, 1);
        ObjectNode args = volumeArgs(id);
        args.put("new_size", 3);
        args.putArray("reservations");

        calls.extendVolume(backend.context(), args);

        Map<String, Object> row = backend.volumeRow(id);
        assertThat(row.get("size")).isEqualTo(3);
        assertThat(row.get("status")).isEqualTo("available");
        assertThat(backend.driver.sizeOf("volume-" + id)).hasValue(3);
    }

    @Test
    void extendVolumeTheDriverCannotGrowEndsInErrorExtendingWithAUserMessageAndItsOldSize() throws Exception {
        backend.driver.failOn("extendVolume", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "no space left"));
        String id = backend.volume("extending", 1);
        ObjectNode args = volumeArgs(id);
        args.put("new_size", 3);

        calls.extendVolume(backend.context(), args);

        Map<String, Object> row = backend.volumeRow(id);
        assertThat(row.get("status")).isEqualTo("error_extending");
        assertThat(row.get("size")).isEqualTo(1);
        assertThat(backend.db.single("SELECT event_id FROM messages WHERE resource_uuid = ?", id))
                .containsEntry("event_id", "VOLUME_VOLUME_007_010");
    }
}
