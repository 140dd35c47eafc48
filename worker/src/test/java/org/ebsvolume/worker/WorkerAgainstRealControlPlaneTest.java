package org.ebsvolume.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.testing.PythonPeer;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker in front of Debian's real cinder-api and cinder-scheduler (noauth), driven by the
 * real {@code openstack} and {@code cinder} CLIs and checked in Cinder's real database. The
 * steps share one control plane and run in order, like an operator's session.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerAgainstRealControlPlaneTest {

    private static final String BACKEND_HOST = "hci-0001@EBS";
    private static final int SERVICE_DOWN_TIME = 12;

    private static ControlPlane cp;
    private static CinderDb db;
    private static WorkerProcess worker;

    @BeforeAll
    static void startControlPlane() {
        Broker.requireRunning();
        cp = ControlPlane.start(Map.of(
                "EBS_CINDER_SERVICE_DOWN_TIME", Integer.toString(SERVICE_DOWN_TIME),
                "EBS_CINDER_REPORT_INTERVAL", "2",
                "EBS_CINDER_SCHEDULER_INIT_WAIT", "2"), "--reset-db");
        db = new CinderDb();
        db.update("DELETE FROM services WHERE `binary` = 'cinder-volume'");
        worker = WorkerProcess.start(cp.cinderConf());
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (cp != null) {
            cp.stop();
        }
    }

    private static JsonNode volumeService() {
        for (JsonNode s : cp.openstackJson("volume", "service", "list", "--long")) {
            if ("cinder-volume".equals(s.path("Binary").asText()) && BACKEND_HOST.equals(s.path("Host").asText())) {
                return s;
            }
        }
        return PythonJson.MAPPER.createObjectNode();
    }

    private static Map<String, Object> serviceRow() {
        List<Map<String, Object>> rows = db.query("SELECT * FROM services WHERE `binary` = 'cinder-volume' AND host = ? AND deleted = 0",
                BACKEND_HOST);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    @Test
    @Order(1)
    void serviceIsUpWithinFifteenSecondsOfStart() {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(volumeService().path("State").asText()).as(worker.output()).isEqualTo("up"));
        JsonNode s = volumeService();
        assertThat(s.path("Zone").asText()).isEqualTo("nova");
        assertThat(s.path("Status").asText()).isEqualTo("enabled");
    }

    @Test
    @Order(2)
    void servicesRowIsWhatCinderVolumeWrites() {
        Map<String, Object> r = serviceRow();
        assertThat(r.get("topic")).isEqualTo("cinder-volume");
        assertThat(r.get("availability_zone")).isEqualTo("nova");
        assertThat(r.get("rpc_current_version")).isEqualTo("3.18");
        assertThat(r.get("object_current_version")).isEqualTo("1.39");
        assertThat((String) r.get("uuid")).matches("[0-9a-f-]{36}");
        assertThat(((Number) r.get("disabled")).intValue()).isZero();
        assertThat(((Number) r.get("frozen")).intValue()).isZero();
        assertThat(r.get("replication_status")).isEqualTo("disabled");
        assertThat(r.get("cluster_name")).isNull();
        // A fresh row counts as a heartbeat; the first report_state runs one report_interval later.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(((Number) serviceRow().get("report_count")).intValue()).isPositive());
    }

    @Test
    @Order(3)
    void poolsShowTheReportedCapabilities() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            CliResult pools = cp.cinder("get-pools", "--detail").requireSuccess();
            assertThat(pools.stdout()).contains(BACKEND_HOST + "#ebs").contains("volume_backend_name").contains("iSCSI");
        });
        CliResult list = cp.cinder("--os-volume-api-version", "3.49", "service-list").requireSuccess();
        // No volume group on this machine: the backend reports itself down, the service is up.
        assertThat(list.stdout()).containsPattern("cinder-volume\\s*\\|\\s*" + BACKEND_HOST + ".*\\|\\s*up\\s*\\|.*\\|\\s*down\\s*\\|");
    }

    @Test
    @Order(4)
    void logLevelsRoundTripThroughTheWorker() {
        String prefix = "org.ebsvolume.worker";
        cp.cinder("service-set-log", "--binary", "cinder-volume", "--server", BACKEND_HOST, "--prefix", prefix, "DEBUG")
                .requireSuccess();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            CliResult get = cp.cinder("service-get-log", "--binary", "cinder-volume", "--server", BACKEND_HOST, "--prefix", prefix)
                    .requireSuccess();
            assertThat(get.stdout()).contains(prefix).contains("DEBUG").doesNotContain("| INFO");
        });
        cp.cinder("service-set-log", "--binary", "cinder-volume", "--server", BACKEND_HOST, "--prefix", prefix, "INFO")
                .requireSuccess();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(cp.cinder("service-get-log", "--binary",
                "cinder-volume", "--server", BACKEND_HOST, "--prefix", prefix).requireSuccess().stdout()).contains("INFO"));
    }

    @Test
    @Order(5)
    void freezeAndThawLeaveTheRowAsCinderDoes() {
        cp.cinder("freeze-host", BACKEND_HOST).requireSuccess();
        Map<String, Object> frozen = serviceRow();
        assertThat(((Number) frozen.get("frozen")).intValue()).isEqualTo(1);
        assertThat(((Number) frozen.get("disabled")).intValue()).isEqualTo(1);
        assertThat(frozen.get("disabled_reason")).isEqualTo("frozen");
        assertThat(frozen.get("modified_at")).isNotNull();

        cp.cinder("thaw-host", BACKEND_HOST).requireSuccess();
        Map<String, Object> thawed = serviceRow();
        assertThat(((Number) thawed.get("frozen")).intValue()).isZero();
        assertThat(((Number) thawed.get("disabled")).intValue()).isZero();
        assertThat(thawed.get("disabled_reason")).isEqualTo("");
    }

    @Test
    @Order(6)
    void aVolumeThisBackendCannotManageEndsInErrorAndDeletes() {
        // manage goes through the scheduler to this backend's manage_existing, whatever its free space.
        CliResult managed = cp.cinder("manage", "--name", "no-storage", BACKEND_HOST + "#ebs", "volume-does-not-exist")
                .requireSuccess();
        String id = tableField(managed.stdout(), "id");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(db.query("SELECT status FROM volumes WHERE id = ?", id).get(0).get("status")).isEqualTo("error_managing"));
        cp.cinder("delete", id).requireSuccess();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(db.query("SELECT status, deleted FROM volumes WHERE id = ?", id).get(0))
                        .containsEntry("status", "deleted"));
        assertThat(db.query("SELECT * FROM workers WHERE resource_id = ? AND deleted = 0", id)).isEmpty();
    }

    /** The value of {@code field} in the CLI's "| Property | Value |" table. */
    private static String tableField(String table, String field) {
        for (String line : table.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 3 && cells[1].strip().equals(field)) {
                return cells[2].strip();
            }
        }
        throw new AssertionError("no " + field + " in:\n" + table);
    }

    @Test
    @Order(7)
    void pythonCallersGetWhatAPythonCinderVolumeAnswers() {
        try (PythonPeer python = PythonPeer.start(Broker.URL, Map.of())) {
            ObjectNode call = PythonJson.MAPPER.createObjectNode();
            call.put("op", "call");
            call.put("topic", "cinder-volume." + BACKEND_HOST);
            call.put("server", "hci-0001");
            call.put("method", "get_capabilities");
            call.putObject("args").put("discover", false);
            call.put("timeout", 20);

            call.put("version", "3.19");
            JsonNode tooNew = python.request(call, Duration.ofSeconds(30));
            assertThat(tooNew.at("/error/exc_type").asText()).isEqualTo("UnsupportedVersion");
            assertThat(tooNew.at("/error/value").asText())
                    .isEqualTo("Endpoint does not support RPC version 3.19. Attempted method: get_capabilities");

            call.put("version", "3.0");
            call.put("method", "no_such_method");
            JsonNode unknown = python.request(call, Duration.ofSeconds(30));
            assertThat(unknown.at("/error/exc_type").asText()).isEqualTo("NoSuchMethod");

            ObjectNode raw = PythonJson.MAPPER.createObjectNode();
            raw.put("op", "raw_publish");
            raw.put("exchange", "openstack");
            raw.put("routing_key", "cinder-volume." + BACKEND_HOST + ".hci-0001");
            raw.put("body", "{\"oslo.version\": \"2.0\", \"oslo.message\": \"{not json");
            raw.putObject("properties").put("content_type", "application/json");
            python.request(raw, Duration.ofSeconds(30));

            call.put("method", "get_capabilities");
            JsonNode caps = python.request(call, Duration.ofSeconds(30));
            assertThat(caps.path("ok").asBoolean()).as(caps.toString()).isTrue();
            assertThat(caps.at("/result/volume_backend_name").asText()).isEqualTo("ebs");
            assertThat(caps.at("/result/properties").isObject()).isTrue();
        }
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    @Order(8)
    void aKilledWorkerGoesDownAndARestartReusesItsRow() throws Exception {
        Map<String, Object> before = serviceRow();
        worker.kill();
        await().atMost(Duration.ofSeconds(SERVICE_DOWN_TIME + 20)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(volumeService().path("State").asText()).isEqualTo("down"));

        // What a crash leaves behind: resources of this backend stuck in transitional states.
        String creating = leftBehind("creating");
        String deleting = leftBehind("deleting");
        String attaching = leftBehind("attaching");
        String uploading = leftBehind("uploading");

        worker = WorkerProcess.start(cp.cinderConf());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(volumeService().path("State").asText()).as(worker.output()).isEqualTo("up"));
        assertThat(status(creating)).isEqualTo("error");
        assertThat(status(deleting)).isEqualTo("deleted");
        assertThat(status(attaching)).isEqualTo("available");
        assertThat(status(uploading)).isEqualTo("available");
        Map<String, Object> after = serviceRow();
        assertThat(after.get("id")).isEqualTo(before.get("id"));
        assertThat(after.get("uuid")).isEqualTo(before.get("uuid"));
    }

    private static String leftBehind(String status) {
        String id = java.util.UUID.randomUUID().toString();
        Object type = db.query("SELECT id FROM volume_types WHERE name = '__DEFAULT__' AND deleted = 0").get(0).get("id");
        db.update("INSERT INTO volumes (created_at, updated_at, deleted, id, user_id, project_id, host, size, availability_zone, "
                + "status, attach_status, volume_type_id, use_quota) VALUES (UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0, ?, 'admin', ?, ?, 1, "
                + "'nova', ?, 'detached', ?, 1)", id, ControlPlane.PROJECT_ID, BACKEND_HOST + "#ebs", status, type);
        return id;
    }

    private static Object status(String volumeId) {
        return db.query("SELECT status FROM volumes WHERE id = ?", volumeId).get(0).get("status");
    }

    @Test
    @Order(9)
    void sigtermStopsTheWorkerCleanly() throws Exception {
        int status = worker.terminate(Duration.ofSeconds(60));
        assertThat(status).as(worker.output()).isIn(0, 143);
        // cinder.conf sets log_dir, so the service logs where oslo.log would: <log_dir>/ebs-volume.log.
        String log = java.nio.file.Files.readString(cp.logDir().resolve("ebs-volume.log"));
        assertThat(log).contains("Caught SIGTERM").contains("ebs-volume stopped");
        assertThat(log).containsPattern("INFO org\\.ebsvolume\\.\\S+ \\[req-[0-9a-f-]+ admin 0123456789abcdef0123456789abcdef\\]");
        assertThat(log).doesNotContain("admin:0123456789abcdef0123456789abcdef");
    }
}
