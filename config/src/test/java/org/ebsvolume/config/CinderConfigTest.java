package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How cinder.conf becomes a CinderConfig: precedence, substitution, types, defaults, warnings. */
class CinderConfigTest {

    @TempDir
    Path tmp;

    @Test
    void laterConfigFilesOverrideEarlierOnes() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path first = files.write("first.conf", ConfigFiles.BASE + "report_interval = 5\n[EBS]\nvolume_group = vg-first\n");
        Path second = files.write("second.conf", "[DEFAULT]\nhost = node-2\n[EBS]\nvolume_group = vg-second\n");

        CinderConfig config = files.load("--config-file", first.toString(), "--config-file", second.toString());

        assertThat(config.host()).isEqualTo("node-2");
        assertThat(config.reportInterval()).isEqualTo(5);
        assertThat(config.backends().get(0).lvm().volumeGroup()).isEqualTo("vg-second");
        assertThat(config.configFiles()).containsExactly(first, second);
    }

    @Test
    void aConfigDirContributesItsConfFilesInSortedOrderAfterTheFilesBeforeIt() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path main = files.write("cinder.conf", ConfigFiles.BASE + "[EBS]\n");
        files.write("conf.d/20-second.conf", "[DEFAULT]\nhost = from-20\n");
        files.write("conf.d/10-first.conf", "[DEFAULT]\nhost = from-10\nstorage_availability_zone = az-10\n");
        files.write("conf.d/.hidden.conf", "[DEFAULT]\nhost = hidden\n");
        files.write("conf.d/README", "not a config file");

        CinderConfig config = files.load("--config-file", main.toString(), "--config-dir", files.path("conf.d"));

        assertThat(config.host()).isEqualTo("from-20");
        assertThat(config.storageAvailabilityZone()).isEqualTo("az-10");
        assertThat(config.configFiles()).containsExactly(main, tmp.resolve("conf.d/10-first.conf"),
                tmp.resolve("conf.d/20-second.conf"));
    }

    @Test
    void aFileAfterTheConfigDirOverridesIt() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.write("conf.d/10.conf", ConfigFiles.BASE + "host = from-dir\n[EBS]\n");
        Path last = files.write("last.conf", "[DEFAULT]\nhost = from-last\n");

        CinderConfig config = files.load("--config-dir", files.path("conf.d"), "--config-file", last.toString());

        assertThat(config.host()).isEqualTo("from-last");
    }

    @Test
    void replicationDeviceMayBeRepeatedWithinAndAcrossFiles() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path main = files.write("cinder.conf", ConfigFiles.BASE + """
                [EBS]
                volume_driver = cinder.volume.drivers.ebs.EBSDriver
                backend_id = hci-0001
                replication_device = backend_id:hci-0002,ip:10.0.0.12,secret:0123456789abcdef
                replication_device = backend_id:hci-0003, ip:fd00::13 , port:8801,site:b,secret:0123456789abcdef
                """);
        Path more = files.write("more.conf", "[ebs]\nreplication_device = backend_id:hci-0004,ip:10.0.0.14,secret:0123456789abcdef\n");

        CinderConfig config = files.load("--config-file", main.toString(), "--config-file", more.toString());

        List<ReplicationDevice> devices = config.backends().get(0).replication().devices();
        assertThat(devices).extracting(ReplicationDevice::backendId).containsExactly("hci-0002", "hci-0003", "hci-0004");
        assertThat(devices.get(1)).isEqualTo(new ReplicationDevice("hci-0003", Optional.of("fd00::13"),
                OptionalInt.of(8801), Optional.empty(), Map.of("site", "b", "secret", "0123456789abcdef")));
        assertThat(devices.get(1).asDict()).containsExactly(Map.entry("backend_id", "hci-0003"),
                Map.entry("ip", "fd00::13"), Map.entry("port", "8801"), Map.entry("site", "b"),
                Map.entry("secret", "0123456789abcdef"));
        assertThat(devices.get(1).secret()).contains("0123456789abcdef");
        assertThat(devices.get(1).toString()).isEqualTo("backend_id:hci-0003,ip:fd00::13,port:8801,site:***,secret:***");
        assertThat(config.backends().get(0).replication().enabled()).isTrue();
    }

    @Test
    void targetIpAddressDefaultsToMyIpThroughSubstitution() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE.replace("my_ip = 192.0.2.10", "my_ip = 198.51.100.7")
                + "[EBS]\ntarget_secondary_ip_addresses = $my_ip\n");

        BackendConfig ebs = config.backends().get(0);
        assertThat(ebs.target().ipAddress()).isEqualTo("198.51.100.7");
        assertThat(ebs.replication().backendIp()).isEqualTo("198.51.100.7");
        assertThat(ebs.target().secondaryIpAddresses()).containsExactly("198.51.100.7");
    }

    @Test
    void substitutionFollowsOsloRules() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + """
                state_path = /srv/cinder
                log_dir = ${state_path}/log
                log_file = $state_path/$$host-\\$dollar.log
                cluster = c-$EBS.volume_group
                [EBS]
                volume_group = vg-$host
                target_prefix = iqn.2024-01.example:$volume_group:
                """);

        assertThat(config.logDir()).contains("/srv/cinder/log");
        assertThat(config.logFile()).contains("/srv/cinder/$host-$dollar.log");
        assertThat(config.cluster()).contains("c-vg-node-1");
        assertThat(config.backends().get(0).target().prefix()).isEqualTo("iqn.2024-01.example:vg-node-1:");
    }

    @Test
    void inABackendSectionAVariableSeesOnlyThatSectionNotBackendDefaults() throws Exception {
        // Cinder resets every default of a backend group to None; oslo substitutes None as ''.
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + """
                [backend_defaults]
                volume_group = shared-vg
                [EBS]
                target_prefix = iqn.2024-01.example:$volume_group:
                """);

        assertThat(config.backends().get(0).lvm().volumeGroup()).isEqualTo("shared-vg");
        assertThat(config.backends().get(0).target().prefix()).isEqualTo("iqn.2024-01.example::");
    }

    @Test
    void backendDefaultsFillInWhatABackendSectionLeavesOut() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE.replace("enabled_backends = EBS", "enabled_backends = a,b")
                + """
                [backend_defaults]
                target_helper = lioadm
                volume_group = shared
                [a]
                volume_group = own
                [b]
                """);

        assertThat(config.backends()).extracting(b -> b.lvm().volumeGroup()).containsExactly("own", "shared");
        assertThat(config.backends()).extracting(b -> b.target().helper()).containsExactly(TargetHelper.LIOADM, TargetHelper.LIOADM);
    }

    @ParameterizedTest(name = "debug = {0}")
    @CsvSource({"true,true", "True,true", "TRUE,true", "yes,true", "On,true", "1,true",
            "false,false", "no,false", "off,false", "0,false", "NO,false"})
    void booleansAreReadTheOsloWay(String text, boolean expected) throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "debug = " + text + "\n[EBS]\n");

        assertThat(config.debug()).isEqualTo(expected);
    }

    @Test
    void listsAreCommaSeparatedWithBlanksAndTrailingCommasDropped() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE.replace("enabled_backends = EBS",
                "enabled_backends = EBS , second,,") + """
                [EBS]
                target_secondary_ip_addresses = 10.0.1.11, 10.0.2.11 ,fd00::11,
                [second]
                """);

        assertThat(config.enabledBackends()).containsExactly("EBS", "second");
        assertThat(config.backends().get(0).target().secondaryIpAddresses())
                .containsExactly("10.0.1.11", "10.0.2.11", "fd00::11");
        assertThat(config.backends().get(1).target().secondaryIpAddresses()).isEmpty();
    }

    @Test
    void zedsIscsiSecondaryIpAddressesNameIsReadToo() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "[EBS]\niscsi_secondary_ip_addresses = 10.0.9.9\n");

        assertThat(config.backends().get(0).target().secondaryIpAddresses()).containsExactly("10.0.9.9");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void enabledBackendsMatchesSectionsIgnoringCase() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "[ebs]\nvolume_group = lower\n");

        assertThat(config.backends().get(0).name()).isEqualTo("EBS");
        assertThat(config.backends().get(0).lvm().volumeGroup()).isEqualTo("lower");
    }

    @Test
    void aBackendHostOverridesTheHostOfThatBackendsService() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "cluster =  ha-1 \n[EBS]\nbackend_host = shared-name\n"
                + "backend_availability_zone = az-9\n");

        BackendConfig ebs = config.backends().get(0);
        assertThat(config.serviceHost(ebs)).isEqualTo("shared-name@EBS");
        assertThat(config.serviceCluster(ebs)).contains("ha-1@EBS");
        assertThat(config.availabilityZone(ebs)).isEqualTo("az-9");
    }

    @Test
    void environmentVariablesOverrideTheFilesAndTheCommandLineOverridesBoth() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.environment.put("OS_DEFAULT__STORAGE_AVAILABILITY_ZONE", "az-env");
        files.environment.put("OS_EBS__TARGET_PORT", "3262");
        files.environment.put("OS_DEFAULT__DEBUG", "false");
        Path conf = files.write("cinder.conf", ConfigFiles.BASE + "storage_availability_zone = az-file\ndebug = false\n"
                + "log_file = from-file.log\n[EBS]\ntarget_port = 3261\n");

        CinderConfig config = files.load("--config-file", conf.toString(), "--debug", "--log-file", "cli.log");

        assertThat(config.storageAvailabilityZone()).isEqualTo("az-env");
        assertThat(config.backends().get(0).target().port()).isEqualTo(3262);
        assertThat(config.debug()).isTrue();
        assertThat(config.logFile()).contains("cli.log");
    }

    @Test
    void rabbitOptionsComeFromTheirSectionAndTheTransportUrlQuery() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE.replace("192.0.2.1:5672/", "192.0.2.1:5672/?ssl=0")
                + "rabbit_ha_queues = true\ncontrol_exchange = cinder\nrpc_response_timeout = 120\n"
                + "[oslo_messaging_rabbit]\nssl = true\nheartbeat_timeout_threshold = 30\n[EBS]\n");

        assertThat(config.transport().rabbit().ssl()).isFalse();
        assertThat(config.transport().rabbit().heartbeatTimeoutThreshold()).isEqualTo(30);
        assertThat(config.transport().rabbit().rabbitHaQueues()).isTrue();
        assertThat(config.transport().controlExchange()).isEqualTo("cinder");
        assertThat(config.transport().rpcResponseTimeout()).hasSeconds(120);
        assertThat(config.transport().url().hosts()).singleElement()
                .satisfies(h -> assertThat(h.hostname()).isEqualTo("192.0.2.1"));
    }

    @Test
    void notificationsAreReadWithTheirDeprecatedNames() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + """
                notification_driver = messagingv2
                notification_topics = notifications, audit
                [oslo_messaging_notifications]
                driver = log
                transport_url = rabbit://notify:notify-secret@192.0.2.3/
                [EBS]
                """);

        assertThat(config.notifications().drivers()).containsExactly("messagingv2", "log");
        assertThat(config.notifications().topics()).containsExactly("notifications", "audit");
        assertThat(config.notifications().enabled()).isTrue();
        assertThat(config.notifications().transportUrl()).hasValueSatisfying(
                u -> assertThat(u.hosts().get(0).hostname()).isEqualTo("192.0.2.3"));
    }

    @Test
    void imageOptionsDefaultAsInCinderWithTheConversionDirUnderStatePath() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path conf = files.write("cinder.conf", ConfigFiles.BASE + "state_path = /srv/cinder\n[EBS]\n");

        CinderConfig config = files.load("--config-file", conf.toString());

        assertThat(config.image()).isEqualTo(new ImageConfig(List.of(), 3, "/srv/cinder/conversion"));
    }

    @Test
    void glanceApiServersIsAListKeptInItsOrder() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path conf = files.write("cinder.conf", ConfigFiles.BASE + """
                glance_api_servers = http://10.0.2.2:9292, 10.0.2.3:9292
                glance_num_retries = 0
                image_conversion_dir = /var/tmp/conversion
                [EBS]
                """);

        CinderConfig config = files.load("--config-file", conf.toString());

        assertThat(config.image()).isEqualTo(new ImageConfig(List.of("http://10.0.2.2:9292", "10.0.2.3:9292"), 0,
                "/var/tmp/conversion"));
    }

    @Test
    void serviceDownTimeIsRaisedAboveTheReportIntervalAsCinderDoes() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + "report_interval = 30\nservice_down_time = 30\n[EBS]\n");

        assertThat(config.serviceDownTime()).isEqualTo(75);
        assertThat(config.warnings()).singleElement().asString().endsWith("cinder.conf:9: [DEFAULT] service_down_time"
                + " (30) must be above report_interval (30); using 75 as Cinder does");
    }

    @Test
    void unknownKeysInKnownSectionsAreWarningsNotProblems() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path conf = files.write("cinder.conf", ConfigFiles.BASE + """
                trasport_url = rabbit://typo
                volume_group = in-the-wrong-section
                glance_api_servers = http://127.0.0.1:9292
                backend_host = ignored
                [database]
                max_pool_sise = 10
                [oslo_messaging_notifications]
                drivers = log
                [oslo_messaging_rabbit]
                rabbit_hosts = old
                [keystone_authtoken]
                anything = goes
                [EBS]
                volume_grop = typo
                volume_dd_blocksize = 4M
                """);

        CinderConfig config = files.load("--config-file", conf.toString());

        assertThat(config.warnings()).containsExactly(
                conf + ":8: [DEFAULT] trasport_url is not an option ebs-volume reads; did you mean transport_url? ignored",
                conf + ":9: [DEFAULT] volume_group is a backend option: cinder-volume reads it from each backend"
                        + " section or from [backend_defaults], not from [DEFAULT]; ignored",
                conf + ":11: [DEFAULT] backend_host is not used by cinder-volume; set backend_host in each backend"
                        + " section instead; ignored",
                conf + ":13: [database] max_pool_sise is not an option of [database]; ignored",
                conf + ":15: [oslo_messaging_notifications] drivers is not an option of"
                        + " [oslo_messaging_notifications]; ignored",
                conf + ":17: [oslo_messaging_rabbit] rabbit_hosts is not an option of [oslo_messaging_rabbit]; ignored",
                conf + ":21: [EBS] volume_grop is not an option of a Cinder volume backend; ignored",
                conf + ":22: [EBS] volume_dd_blocksize is a Cinder option that ebs-volume does not implement; ignored");
        assertThat(config.transport().url().hosts().get(0).hostname()).isEqualTo("192.0.2.1");
    }

    @Test
    void describeAndToStringNeverShowPasswords() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        CinderConfig config = files.loadText(ConfigFiles.BASE + """
                [oslo_messaging_notifications]
                transport_url = rabbit://notify:notify-secret@192.0.2.3/
                [EBS]
                volume_driver = org.ebsvolume.drivers.capacity.VolumeGroupCapacityDriver
                use_chap_auth = true
                chap_username = chap-user
                chap_password = chap-secret
                replication_device = backend_id:peer,password:peer-secret
                """);

        for (String text : List.of(config.describe(), config.toString(), config.backends().get(0).toString(),
                config.database().toString(), config.transport().toString())) {
            assertThat(text).doesNotContain("rabbit-secret", "db-secret", "notify-secret", "chap-secret", "peer-secret");
        }
        assertThat(config.describe()).contains("chap_user".replace('_', '-'), "cinder:***@192.0.2.2:3306/cinder",
                "openstack:***@192.0.2.1:5672");
        assertThat(config.backends().get(0).target().chap().password()).isEqualTo("chap-secret");
        assertThat(config.database().connection().password()).isEqualTo("db-secret");
    }
}
