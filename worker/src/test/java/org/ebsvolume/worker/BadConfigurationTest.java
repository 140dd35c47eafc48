package org.ebsvolume.worker;

import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A wrong cinder.conf stops the launcher before anything connects: exit 2, one line per problem. */
class BadConfigurationTest {

    @Test
    void everyBadValueIsReportedWithItsPlaceAndTheLauncherExitsTwo(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("cinder.conf");
        Files.writeString(conf, String.join("\n",
                "[DEFAULT]",
                "host = hci-0001",
                "enabled_backends = EBS",
                "transport_url = rabbit://guest:guest@127.0.0.1:5672/",
                "report_interval = often",
                "[database]",
                "connection = mysql+pymysql://cinder:Db-Pa55@127.0.0.1/cinder",
                "[EBS]",
                "volume_backend_name = ebs",
                "replication_mode = sync",
                "target_port = 99999",
                ""));
        CliResult r = WorkerProcess.runToExit(Duration.ofSeconds(60), conf);
        assertThat(r.exitCode()).as(r.stdout()).isEqualTo(2);
        assertThat(r.stdout())
                .contains(conf + ":5: [DEFAULT] report_interval = 'often'")
                .contains("[EBS] replication_mode = 'sync'").contains("async, semi-sync, full-sync")
                .contains("[EBS] target_port = '99999'")
                .doesNotContain("Db-Pa55")
                .doesNotContain("Connected to AMQP");
    }

    @Test
    void aMissingConfigFileIsAConfigurationError(@TempDir Path dir) {
        CliResult r = WorkerProcess.runToExit(Duration.ofSeconds(60), dir.resolve("nope.conf"));
        assertThat(r.exitCode()).as(r.stdout()).isEqualTo(2);
        assertThat(r.stdout()).contains("nope.conf");
    }

    @Test
    void aVolumeDriverTheWorkerCannotServeStopsItWithExitTwoInsteadOfAServiceThatFailsEveryCreate(@TempDir Path dir)
            throws Exception {
        Path conf = dir.resolve("cinder.conf");
        Files.writeString(conf, String.join("\n",
                "[DEFAULT]",
                "host = hci-0001",
                "enabled_backends = EBS",
                "transport_url = rabbit://guest:guest@127.0.0.1:5672/",
                "[database]",
                "connection = mysql+pymysql://cinder:Db-Pa55@127.0.0.1/cinder",
                "[EBS]",
                "volume_driver = cinder.volume.drivers.rbd.RBDDriver",
                ""));
        CliResult r = WorkerProcess.runToExit(Duration.ofSeconds(60), conf);
        assertThat(r.exitCode()).as(r.stdout()).isEqualTo(2);
        assertThat(r.stdout()).contains(conf + ":8: [EBS] volume_driver = 'cinder.volume.drivers.rbd.RBDDriver' is invalid")
                .contains("cinder.volume.drivers.ovt.ebs.EBSVolumeDriver", "cinder.volume.drivers.lvm.LVMVolumeDriver")
                .doesNotContain("Connected to AMQP");
    }
}
