package org.ebsvolume.worker;

import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With {@code [DEFAULT] cluster}, the backend joins Cinder's cluster and consumes its queues too. */
class ClusteredWorkerTest {

    @Test
    void aClusteredBackendCreatesItsClusterAndConsumesTheClusterTopic(@TempDir Path dir) throws Exception {
        Broker.requireRunning();
        Path extra = dir.resolve("cluster.conf");
        Files.writeString(extra, "[DEFAULT]\ncluster = c1\n");
        ControlPlane cp = ControlPlane.start(Map.of("EBS_CINDER_SERVICE_DOWN_TIME", "12", "EBS_CINDER_REPORT_INTERVAL", "2",
                "EBS_CINDER_SCHEDULER_INIT_WAIT", "2", "EBS_CINDER_EXTRA_CONF", extra.toString()), "--reset-db");
        try (CinderDb db = new CinderDb(); WorkerProcess worker = WorkerProcess.start(cp.cinderConf())) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(cp.serviceStateFromCli("cinder-volume", "hci-0001@EBS")).as(worker.output()).contains("up"));
            List<Map<String, Object>> clusters = db.query("SELECT * FROM clusters WHERE name = 'c1@EBS' AND deleted = 0");
            assertThat(clusters).hasSize(1);
            assertThat(clusters.get(0)).containsEntry("binary", "cinder-volume");
            assertThat(db.query("SELECT cluster_name FROM services WHERE host = 'hci-0001@EBS' AND deleted = 0").get(0))
                    .containsEntry("cluster_name", "c1@EBS");
            List<String> consumed = Broker.rabbitmqctl("list_consumers", "--no-table-headers", "queue_name").stream()
                    .map(String::strip).toList();
            assertThat(consumed).contains("cinder-volume.c1@EBS.c1", "cinder-volume.c1@EBS")
                    .anyMatch(q -> q.startsWith("cinder-volume.c1@EBS_fanout_"));
        } finally {
            cp.stop();
        }
    }
}
