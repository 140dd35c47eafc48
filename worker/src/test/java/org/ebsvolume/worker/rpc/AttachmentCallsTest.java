package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.ExposedException;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** attachment_update and attachment_delete: the connection is recorded on the attachment and used again to end it. */
class AttachmentCallsTest {

    private RpcTestBackend backend;
    private AttachmentCalls calls;

    @BeforeEach
    void backend() throws Exception {
        backend = new RpcTestBackend();
        calls = new AttachmentCalls("fake", backend.driver, backend.tables);
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private static ObjectNode attachmentArgs(String volumeId, String attachmentId) {
        ObjectNode a = RpcTestBackend.args("vref", "Volume", volumeId);
        a.put("attachment_id", attachmentId);
        return a;
    }

    private static ObjectNode connector() {
        ObjectNode c = PythonJson.MAPPER.createObjectNode();
        c.put("host", "compute-1");
        c.put("initiator", "iqn.1993-08.org.debian:01:compute-1");
        c.put("ip", "127.0.0.1");
        return c;
    }

    @Test
    @SuppressWarnings("unchecked")
    void attachmentUpdateExportsTheVolumeAndRecordsTheConnectionOnTheAttachment() throws Exception {
        String volume = backend.volume("reserved", 1);
        String attachment = backend.reservedAttachment(volume);
        ObjectNode args = attachmentArgs(volume, attachment);
        args.set("connector", connector());

        Map<String, Object> answer = (Map<String, Object>) calls.attachmentUpdate(backend.context(), args);

        assertThat(answer).containsEntry("driver_volume_type", "iscsi").containsEntry("attachment_id", attachment)
                .containsEntry("target_iqn", "iqn.2010-10.org.openstack:volume-" + volume);
        Map<String, Object> row = backend.db.single("SELECT * FROM volume_attachment WHERE id = ?", attachment);
        assertThat(row).containsEntry("attach_status", "attaching").containsEntry("attached_host", "compute-1")
                .containsEntry("attach_mode", "rw").containsEntry("mountpoint", "na");
        JsonNode recorded = PythonJson.MAPPER.readTree((String) row.get("connector"));
        assertThat(recorded.path("initiator").asText()).isEqualTo("iqn.1993-08.org.debian:01:compute-1");
        assertThat(recorded.path("host").asText()).isEqualTo("compute-1");
        assertThat(row.get("attach_time")).isNotNull();
        Map<String, Object> volumeRow = backend.volumeRow(volume);
        assertThat(volumeRow).containsEntry("status", "attaching").containsEntry("attach_status", "attaching")
                .containsEntry("provider_auth", "CHAP fake-user fake-secret");
        assertThat(backend.driver.exports("volume-" + volume)).isTrue();
    }

    @Test
    void attachmentUpdateWithoutAConnectorIsInvalidInputAndChangesNothing() {
        String volume = backend.volume("reserved", 1);
        String attachment = backend.reservedAttachment(volume);

        assertThatThrownBy(() -> calls.attachmentUpdate(backend.context(), attachmentArgs(volume, attachment)))
                .isInstanceOfSatisfying(ExposedException.class, e -> assertThat(e.pythonClass()).isEqualTo("InvalidInput"));

        assertThat(backend.db.single("SELECT attach_status FROM volume_attachment WHERE id = ?", attachment))
                .containsEntry("attach_status", "reserved");
        assertThat(backend.driver.calls()).isEmpty();
    }

    @Test
    void attachmentDeleteEndsTheConnectionAndRemovesTheLastExport() throws Exception {
        String volume = backend.volume("reserved", 1);
        String attachment = backend.reservedAttachment(volume);
        ObjectNode update = attachmentArgs(volume, attachment);
        update.set("connector", connector());
        calls.attachmentUpdate(backend.context(), update);

        calls.attachmentDelete(backend.context(), attachmentArgs(volume, attachment));

        assertThat(backend.driver.calls()).endsWith("terminateConnection", "removeExport");
        assertThat(backend.driver.exports("volume-" + volume)).isFalse();
    }
}
