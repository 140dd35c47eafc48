package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** freeze_host, thaw_host and failover_host as Cinder's manager writes them to the services row. */
class FailoverCallsTest {

    private RpcTestBackend backend;

    @BeforeEach
    void backend() throws Exception {
        backend = new RpcTestBackend();
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** A backend that does not replicate (no ReplicationControl). */
    private FailoverCalls unreplicated() {
        return new FailoverCalls("fake", null, () -> backend.serviceRow, backend.driver, backend.tables, backend.services,
                null);
    }

    private Map<String, Object> serviceRow() {
        return backend.db.single("SELECT disabled, disabled_reason, replication_status, active_backend_id FROM services "
                + "WHERE id = ?", backend.serviceRow.id());
    }

    @Test
    void freezeHostDisablesTheServiceAsFrozenEvenWhenTheDriverCannotFreeze() throws Exception {
        backend.driver.failOn("freezeBackend", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "busy"));

        Object answer = unreplicated().freezeHost(backend.context(), PythonJson.MAPPER.createObjectNode());

        assertThat(answer).isEqualTo(true);
        assertThat(serviceRow()).containsEntry("disabled", 1).containsEntry("disabled_reason", "frozen");
    }

    @Test
    void thawHostTheDriverCannotThawAnswersFalseAndLeavesTheServiceFrozen() throws Exception {
        FailoverCalls calls = unreplicated();
        calls.freezeHost(backend.context(), PythonJson.MAPPER.createObjectNode());
        backend.driver.failOn("thawBackend", new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "busy"));

        Object answer = calls.thawHost(backend.context(), PythonJson.MAPPER.createObjectNode());

        assertThat(answer).isEqualTo(false);
        assertThat(serviceRow()).containsEntry("disabled", 1).containsEntry("disabled_reason", "frozen");
    }

    @Test
    void thawHostEnablesTheServiceAgain() throws Exception {
        FailoverCalls calls = unreplicated();
        calls.freezeHost(backend.context(), PythonJson.MAPPER.createObjectNode());

        Object answer = calls.thawHost(backend.context(), PythonJson.MAPPER.createObjectNode());

        assertThat(answer).isEqualTo(true);
        assertThat(serviceRow()).containsEntry("disabled", 0).containsEntry("disabled_reason", "");
    }

    @Test
    void failoverOfABackendWithoutReplicationIsRefusedAndKeepsItEnabled() throws Exception {
        ObjectNode args = PythonJson.MAPPER.createObjectNode();
        args.put("secondary_backend_id", "elsewhere");

        Object answer = unreplicated().failover(backend.context(), args);

        assertThat(answer).isNull();
        assertThat(serviceRow()).containsEntry("replication_status", "enabled").containsEntry("disabled", 0);
    }

    @Test
    void failoverToAnInvalidTargetIsRefusedAndKeepsTheBackendEnabled() throws Exception {
        Object answer = replicatedFailingWith(CinderError.INVALID_REPLICATION_TARGET).failover(backend.context(), toElsewhere());

        assertThat(answer).isNull();
        assertThat(serviceRow()).containsEntry("replication_status", "enabled").containsEntry("disabled", 0);
    }

    @Test
    void failoverTheStorageCouldNotFinishDisablesTheBackendAsFailoverError() throws Exception {
        Object answer = replicatedFailingWith(CinderError.VOLUME_BACKEND_API_EXCEPTION).failover(backend.context(), toElsewhere());

        assertThat(answer).isNull();
        assertThat(serviceRow()).containsEntry("replication_status", "failover-error").containsEntry("disabled", 1);
    }

    private static ObjectNode toElsewhere() {
        ObjectNode args = PythonJson.MAPPER.createObjectNode();
        args.put("secondary_backend_id", "elsewhere");
        return args;
    }

    /** A backend that replicates to "elsewhere" but whose failover fails with {@code error}. */
    private FailoverCalls replicatedFailingWith(CinderError error) {
        ReplicationControl failing = new ReplicationControl() {
            @Override
            public Outcome failover(String secondaryBackendId) throws DriverException {
                throw new DriverException(error, "failover to " + secondaryBackendId + " failed");
            }

            @Override
            public List<String> targets() {
                return List.of("elsewhere");
            }
        };
        return new FailoverCalls("fake", new ServiceIdentity(backend.host, null, "nova"), () -> backend.serviceRow,
                backend.driver, backend.tables, backend.services, failing);
    }
}
