package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The [EBS] section of the product documentation, pasted as is, loads with every value typed. */
class ExampleConfigTest {

    @TempDir
    Path tmp;

    @Test
    void theDocumentedEbsSectionLoadsWithEveryValueTyped() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + ConfigFiles.EXAMPLE_SECTION);

        BackendConfig ebs = config.backend("EBS").orElseThrow();
        assertThat(ebs.volumeDriver()).isEqualTo("cinder.volume.drivers.ebs.EBSDriver");
        assertThat(ebs.isEbsDriver()).isTrue();
        assertThat(ebs.volumeBackendName()).isEqualTo("ebs");
        assertThat(ebs.lvm().volumeGroup()).isEqualTo("cinder-volumes");
        assertThat(ebs.lvm().type()).isEqualTo(LvmType.THIN);
        assertThat(ebs.target().helper()).isEqualTo(TargetHelper.LIOADM);
        assertThat(ebs.target().protocol()).isEqualTo(TargetProtocol.ISCSI);
        assertThat(ebs.target().ipAddress()).isEqualTo("10.0.0.11");
        assertThat(ebs.target().secondaryIpAddresses()).containsExactly("10.0.1.11");
        assertThat(ebs.target().port()).isEqualTo(3260);
        assertThat(ebs.replication().backendId()).contains("hci-0001");
        assertThat(ebs.replication().backendIp()).isEqualTo("10.0.0.11");
        assertThat(ebs.replication().backendPort()).isEqualTo(8800);
        assertThat(ebs.replication().mode()).isEqualTo(ReplicationMode.FULL_SYNC);
        assertThat(ebs.replication().mode().drbdProtocol()).isEqualTo('C');
        assertThat(ebs.replication().resyncRateKib()).isEqualTo(100L * 1024);
        assertThat(ebs.replication().drbdResyncRate()).isEqualTo("100M");
        assertThat(ebs.replication().startingPort()).isEqualTo(7789);
        assertThat(ebs.replication().lastPort()).isEqualTo(8788);
        assertThat(ebs.replication().devices()).containsExactly(new ReplicationDevice("hci-0002",
                Optional.of("10.0.0.12"), OptionalInt.of(8800), Optional.of("cinder-volumes"), Map.of("secret", "change-me-0123456789")));
        assertThat(ebs.replication().devices().get(0).toString()).doesNotContain("change-me");
        // The ports and the peer's volume group are the Python driver's; said once, not silently dropped.
        assertThat(config.warnings()).hasSize(3).allSatisfy(w -> assertThat(w).contains("is accepted and not used"));
    }

    @Test
    void thePythonEbsDriversDocumentedSectionStartsTheEbsDriverWithReplicationToHci0002() throws Exception {
        // ../shared/spec/ebs-driver-readme.txt, "Example of Cinder volume configuration", as it is.
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText("""
                [DEFAULT]
                host = hci-0001
                my_ip = 10.0.10.21
                transport_url = rabbit://openstack:pw@192.0.2.1:5672/
                enabled_backends = EBS
                [database]
                connection = mysql+pymysql://cinder:pw@192.0.2.2/cinder
                """ + pythonEbsSection());

        BackendConfig ebs = config.backends().get(0);
        assertThat(ebs.isEbsDriver()).isTrue();
        assertThat(config.serviceHost(ebs)).isEqualTo("hci-0001@EBS");
        assertThat(ebs.replication().backendId()).contains("hci-0001@EBS");
        assertThat(ebs.replication().mode()).isEqualTo(ReplicationMode.FULL_SYNC);
        assertThat(ebs.replication().resyncRateKib()).isEqualTo(100L * 1024);
        assertThat(ebs.replication().devices()).singleElement().satisfies(d -> {
            assertThat(d.backendId()).isEqualTo("hci-0002@EBS");
            assertThat(d.ip()).contains("10.0.10.22");
            assertThat(d.secret()).isEmpty();
        });
        assertThat(config.warnings()).containsExactly(
                files.path("cinder.conf") + ":23: [EBS] backend_port = 7000 is accepted and not used: ebs-volume's replica"
                        + " calls travel over Cinder's RabbitMQ (topic ebs-replica), so no port of its own listens; DRBD's"
                        + " links use replication_starting_port and up",
                "[EBS] replication_device hci-0002@EBS: port:7000 is accepted and not used: ebs-volume's replica calls"
                        + " travel over Cinder's RabbitMQ (topic ebs-replica), so no port of its own listens; DRBD's links"
                        + " use replication_starting_port and up",
                "[EBS] replication_device hci-0002@EBS: volume_group:volumes is accepted and not used: the backup keeps"
                        + " its replicas in the volume_group of its own configuration");
    }

    /**
     * The Python EBS driver's documented [EBS] section, verbatim (comments, blank lines and a
     * trailing space included): docs/examples/python-ebs-driver-section.conf, which the lab's
     * DocumentedEbsSectionLabTest also starts two workers with.
     */
    static String pythonEbsSection() throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "examples", "python-ebs-driver-section.conf"));
    }

    @Test
    void unsetOptionsTakeCindersDefaults() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "[EBS]\n");

        assertThat(config.storageAvailabilityZone()).isEqualTo("nova");
        assertThat(config.statePath()).isEqualTo("/var/lib/cinder");
        assertThat(config.reportInterval()).isEqualTo(10);
        assertThat(config.serviceDownTime()).isEqualTo(60);
        assertThat(config.periodicInterval()).isEqualTo(60);
        assertThat(config.periodicFuzzyDelay()).isEqualTo(60);
        assertThat(config.backendStatsPollingInterval()).isEqualTo(60);
        assertThat(config.cluster()).isEmpty();
        assertThat(config.transport().controlExchange()).isEqualTo("openstack");
        assertThat(config.transport().rpcResponseTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.notifications().enabled()).isFalse();
        assertThat(config.notifications().topics()).containsExactly("notifications");
        assertThat(config.debug()).isFalse();
        assertThat(config.database().mysqlSqlMode()).isEqualTo("TRADITIONAL");
        assertThat(config.database().maxPoolSize()).isEqualTo(5);

        BackendConfig ebs = config.backends().get(0);
        assertThat(ebs.volumeDriver()).isEqualTo("cinder.volume.drivers.lvm.LVMVolumeDriver");
        assertThat(ebs.volumeBackendName()).isEqualTo("EBS");
        assertThat(ebs.lvm().volumeGroup()).isEqualTo("cinder-volumes");
        assertThat(ebs.lvm().type()).isEqualTo(LvmType.AUTO);
        assertThat(ebs.target().helper()).isEqualTo(TargetHelper.TGTADM);
        assertThat(ebs.target().protocol()).isEqualTo(TargetProtocol.ISCSI);
        assertThat(ebs.target().ipAddress()).isEqualTo("192.0.2.10");
        assertThat(ebs.target().port()).isEqualTo(3260);
        assertThat(ebs.target().prefix()).isEqualTo("iqn.2010-10.org.openstack:");
        assertThat(ebs.lvm().volumeClear()).isEqualTo(VolumeClear.ZERO);
        assertThat(ebs.scheduler().maxOverSubscriptionRatio()).isEqualTo("20.0");
        assertThat(ebs.replication().backendIp()).isEqualTo("192.0.2.10");
        assertThat(ebs.replication().backendPort()).isEqualTo(8800);
        assertThat(ebs.replication().mode()).isEqualTo(ReplicationMode.FULL_SYNC);
        assertThat(ebs.replication().drbdResyncRate()).isEqualTo("100M");
        assertThat(ebs.replication().startingPort()).isEqualTo(7789);
        assertThat(ebs.replication().devices()).isEmpty();
        assertThat(ebs.replication().autoFailback()).as("failback stays manual unless asked for").isFalse();
    }

    @Test
    void automaticFailbackIsAskedForInTheBackendSection() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "[EBS]\nreplication_auto_failback = true\n");

        assertThat(config.backends().get(0).replication().autoFailback()).isTrue();
    }

    @Test
    void automaticFailbackMustBeABoolean() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        assertThatThrownBy(() -> files.loadText(ConfigFiles.BASE + "[EBS]\nreplication_auto_failback = sometimes\n"))
                .hasMessageContaining("replication_auto_failback");
    }

    @Test
    void hostAndMyIpDefaultToTheMachinesNameAndAddress() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText("""
                [DEFAULT]
                enabled_backends = EBS
                [database]
                connection = mysql+pymysql://cinder:pw@db/cinder
                [EBS]
                """);

        assertThat(config.host()).isEqualTo("node-1");
        assertThat(config.myIp()).isEqualTo("192.0.2.10");
        assertThat(config.serviceHost(config.backends().get(0))).isEqualTo("node-1@EBS");
        assertThat(config.transport().url().hosts()).isEmpty();
    }

    @Test
    void theControlPlaneHarnessConfigLoads() throws Exception {
        // shared/harness/README.md: "the Java worker can read the same file", with the capacity-only
        // backend named where the harness names its Python fake driver (which the worker refuses).
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText("""
                [DEFAULT]
                host = hci-0001
                my_ip = 127.0.0.1
                auth_strategy = noauth
                transport_url = rabbit://guest:guest@127.0.0.1:5672/
                state_path = /tmp/ebs-cinder/state
                api_paste_config = /tmp/ebs-cinder/etc/api-paste.ini
                rootwrap_config = /etc/cinder/rootwrap.conf
                osapi_volume_listen = 127.0.0.1
                osapi_volume_listen_port = 8776
                osapi_volume_workers = 1
                debug = true
                log_dir = /tmp/ebs-cinder/log
                enabled_backends = EBS
                glance_api_servers = http://127.0.0.1:9292
                scheduler_driver_init_wait_time = 60
                [database]
                connection = mysql+pymysql://cinder:cinder@127.0.0.1/cinder
                [oslo_concurrency]
                lock_path = /tmp/ebs-cinder/lock
                [oslo_messaging_notifications]
                driver = noop
                [coordination]
                backend_url = file:///tmp/ebs-cinder/state/coordination
                [EBS]
                volume_backend_name = ebs
                volume_driver = org.ebsvolume.drivers.capacity.VolumeGroupCapacityDriver
                replication_device = backend_id:hci-0002
                target_helper = lioadm
                """);

        BackendConfig ebs = config.backends().get(0);
        assertThat(config.serviceHost(ebs)).isEqualTo("hci-0001@EBS");
        assertThat(config.debug()).isTrue();
        assertThat(config.logDir()).contains("/tmp/ebs-cinder/log");
        assertThat(config.notifications().drivers()).containsExactly("noop");
        assertThat(config.notifications().enabled()).isFalse();
        assertThat(ebs.isEbsDriver()).isFalse();
        assertThat(ebs.replication().devices()).extracting(ReplicationDevice::asDict)
                .containsExactly(Map.of("backend_id", "hci-0002"));
        assertThat(config.warnings()).isEmpty();
        assertThat(config.database().connection().jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/cinder");
        assertThat(config.enabledBackends()).isEqualTo(List.of("EBS"));
    }
}
