package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad value names its file, line, section, key and what would be valid; all of them
 * are reported together; secrets never appear.
 */
class ConfigProblemsTest {

    @TempDir
    Path tmp;

    /** BASE fills lines 1-7, so the first added [DEFAULT] line is 8 and "[EBS]" + one line puts it at 9. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("bad choice", "[EBS]\nreplication_mode = sync\n",
                        ":9: [EBS] replication_mode = 'sync' is invalid: expected one of async, semi-sync, full-sync"),
                bad("bad lvm_type", "[EBS]\nlvm_type = thick\n",
                        ":9: [EBS] lvm_type = 'thick' is invalid: expected one of default, thin, auto"),
                bad("bad volume_clear", "[EBS]\nvolume_clear = shred\n",
                        ":9: [EBS] volume_clear = 'shred' is invalid: expected one of none, zero"),
                bad("bad target_helper", "[EBS]\ntarget_helper = LIO\n",
                        ":9: [EBS] target_helper = 'LIO' is invalid: expected one of tgtadm, lioadm, scstadmin, iscsictl,"
                                + " ietadm, nvmet, spdk-nvmeof, fake"),
                bad("bad target_protocol", "[EBS]\ntarget_protocol = nvmet-tcp\n",
                        ":9: [EBS] target_protocol = 'nvmet-tcp' is invalid: expected one of iscsi, iser, nvmet_rdma,"
                                + " nvmet_tcp"),
                bad("iSCSI protocol with an NVMe helper", "[EBS]\ntarget_helper = nvmet\n",
                        ": [EBS] target_protocol = 'iscsi' is invalid: expected nvmet_rdma or nvmet_tcp with"
                                + " target_helper = nvmet (this is the default)"),
                bad("bad port", "[EBS]\ntarget_port = 70000\n",
                        ":9: [EBS] target_port = '70000' is invalid: expected a port number 1..65535"),
                bad("port zero", "[EBS]\nbackend_port = 0\n",
                        ":9: [EBS] backend_port = '0' is invalid: expected a port number 1..65535"),
                bad("bad IP", "[EBS]\nbackend_ip = 10.0.0.256\n",
                        ":9: [EBS] backend_ip = '10.0.0.256' is invalid: expected an IPv4 or IPv6 address"),
                bad("host name where an IP is needed", "[EBS]\ntarget_ip_address = storage.example.com\n",
                        ":9: [EBS] target_ip_address = 'storage.example.com' is invalid: expected an IPv4 or IPv6 address"),
                bad("bad IP in a list", "[EBS]\ntarget_secondary_ip_addresses = 10.0.1.11, 10.0.1\n",
                        ":9: [EBS] target_secondary_ip_addresses = '10.0.1.11, 10.0.1' is invalid: item '10.0.1':"
                                + " expected an IPv4 or IPv6 address"),
                bad("bad integer", "report_interval = ten\n[EBS]\n",
                        ":8: [DEFAULT] report_interval = 'ten' is invalid: expected an integer"),
                bad("blank integer", "periodic_interval =\n[EBS]\n",
                        ":8: [DEFAULT] periodic_interval = '' is invalid: a blank number means None (unset) to"
                                + " oslo.config, which Cinder does not expect; give a number, or remove the line to get"
                                + " the default"),
                bad("integer below its minimum", "backend_stats_polling_interval = 2\n[EBS]\n",
                        ":8: [DEFAULT] backend_stats_polling_interval = '2' is invalid: expected an integer >= 3"),
                bad("negative glance retries", "glance_num_retries = -1\n[EBS]\n",
                        ":8: [DEFAULT] glance_num_retries = '-1' is invalid: expected an integer >= 0"),
                bad("integer out of range", "[EBS]\nreserved_percentage = 101\n",
                        ":9: [EBS] reserved_percentage = '101' is invalid: expected an integer from 0 to 100"),
                bad("bad boolean", "debug = maybe\n[EBS]\n",
                        ":8: [DEFAULT] debug = 'maybe' is invalid: expected a boolean: true/false, yes/no, on/off or 1/0"),
                bad("bad resync rate", "[EBS]\nreplication_resync_rate = 100MB\n",
                        ":9: [EBS] replication_resync_rate = '100MB' is invalid: expected a DRBD resync rate: KiB/s,"
                                + " or a number with a K, M or G suffix such as 40M or 1G"),
                bad("resync rate above DRBD's limit", "[EBS]\nreplication_resync_rate = 5G\n",
                        ":9: [EBS] replication_resync_rate = '5G' is invalid: expected a DRBD resync rate from 250"
                                + " (KiB/s; a plain number is KiB/s) to 4G (DRBD's limits: it refuses a c-max-rate under"
                                + " 250 KiB/s), such as 100M"),
                bad("bad volume group name", "[EBS]\nvolume_group = /dev/cinder-volumes\n",
                        ":9: [EBS] volume_group = '/dev/cinder-volumes' is invalid: expected an LVM volume group name:"
                                + " 1 to 127 of A-Z a-z 0-9 + _ . -, not starting with '-', not '.' or '..'"),
                bad("over-subscription below 1", "[EBS]\nmax_over_subscription_ratio = 0.5\n",
                        ":9: [EBS] max_over_subscription_ratio = '0.5' is invalid: expected 'auto' or a number >= 1.0:"
                                + " below 1 the scheduler could never place a volume (Cinder refuses to start the driver)"),
                bad("extra capabilities not an object", "[EBS]\nextra_capabilities = [1, 2]\n",
                        ":9: [EBS] extra_capabilities = '[1, 2]' is invalid: expected a JSON object such as"
                                + " {\"tier\": \"gold\"}"),
                bad("NVMe protocol with an iSCSI helper", "[EBS]\ntarget_helper = lioadm\ntarget_protocol = nvmet_tcp\n",
                        ":10: [EBS] target_protocol = 'nvmet_tcp' is invalid: expected iscsi or iser with target_helper"
                                + " = lioadm (nvmet_rdma and nvmet_tcp need target_helper nvmet or spdk-nvmeof)"),
                bad("no room for the DRBD ports", "[EBS]\nreplication_starting_port = 65000\n",
                        ":9: [EBS] replication_starting_port = '65000' is invalid: expected a port from 1024 to 64536,"
                                + " so that the 1000 DRBD ports from it are unprivileged and below 65536"),
                bad("our own port inside the DRBD range", "[EBS]\nreplication_starting_port = 8000\nbackend_port = 8800\n",
                        ":10: [EBS] backend_port = '8800' is invalid: expected a port outside 8000..8999, which"
                                + " replication_starting_port reserves for DRBD"),
                bad("replication device without backend_id", "[EBS]\nreplication_device = ip:10.0.0.12\n",
                        ":9: [EBS] replication_device = '***' is invalid: backend_id is required"
                                + " (replication_device = backend_id:ID,ip:ADDRESS,...)"),
                bad("replication device named default", "[EBS]\nreplication_device = backend_id:default\n",
                        ":9: [EBS] replication_device = '***' is invalid: backend_id 'default' is reserved: Cinder"
                                + " fails back to the primary with it"),
                bad("replication device with a bad address", "[EBS]\nreplication_device = backend_id:b,ip:10.0.0.300\n",
                        ":9: [EBS] replication_device = '***' is invalid: ip '10.0.0.300' is not an IPv4 or IPv6 address"),
                bad("replication device that is not key:value", "[EBS]\nreplication_device = hci-0002\n",
                        ":9: [EBS] replication_device = '***' is invalid: expected key:value pairs separated by ','"
                                + " but 'hci-0002' has no ':'"),
                bad("replication device with a repeated key", "[EBS]\nreplication_device = backend_id:a,backend_id:b\n",
                        ":9: [EBS] replication_device = '***' is invalid: key 'backend_id' appears twice"),
                bad("unknown $variable", "[EBS]\ntarget_prefix = iqn.$nosuch\n",
                        ":9: [EBS] target_prefix = 'iqn.$nosuch' is invalid: $nosuch is not an option of [EBS] or"
                                + " [DEFAULT], so oslo.config cannot substitute it (write $$ for a literal $)"),
                bad("circular reference", "state_path = $log_dir\nlog_dir = $state_path\n[EBS]\n",
                        ":9: [DEFAULT] log_dir = '$state_path' is invalid: $state_path refers back to the option being"
                                + " read (a circular reference)"),
                bad("rabbit option", "[oslo_messaging_rabbit]\nssl = maybe\n[EBS]\n",
                        ":9: [oslo_messaging_rabbit] ssl = 'maybe' (from the config file) is invalid: expected a"
                                + " boolean: true/false, yes/no, on/off or 1/0"),
                bad("transport URL of another driver", "transport_url = amqp://u:rabbit-pw@h/\n[EBS]\n",
                        ":8: [DEFAULT] transport_url = '***' is invalid: transport_url scheme 'amqp' is not"
                                + " supported; only the RabbitMQ driver exists here: use rabbit://"),
                bad("unknown backend section", "enabled_backends = EBS,missing\n[EBS]\n",
                        ":8: [DEFAULT] enabled_backends = 'EBS,missing' is invalid: backend 'missing' has no [missing]"
                                + " section in "),
                bad("backend listed twice", "enabled_backends = EBS,ebs\n[EBS]\n",
                        ":8: [DEFAULT] enabled_backends = 'EBS,ebs' is invalid: backend 'ebs' is listed twice (section"
                                + " names are compared ignoring case); two services would manage the same storage"));
    }

    private static Arguments bad(String name, String addition, String expected) {
        return Arguments.of(Named.of(name, addition), expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void eachBadValueIsReportedPrecisely(String addition, String expected) {
        ConfigFiles files = new ConfigFiles(tmp);
        String text = addition.startsWith("[EBS]") ? ConfigFiles.BASE + addition
                : ConfigFiles.BASE + addition + (addition.contains("[EBS]") ? "" : "[EBS]\n");

        List<String> problems = files.problems(text);

        assertThat(problems).singleElement().asString().startsWith(files.path("cinder.conf") + expected);
    }

    @Test
    void severalProblemsAreReportedTogetherInFileOrder() {
        ConfigFiles files = new ConfigFiles(tmp);
        String conf = files.path("cinder.conf");

        List<String> problems = files.problems("""
                [DEFAULT]
                host = node-1
                report_interval = often
                enabled_backends = EBS
                [EBS]
                replication_mode = sync
                target_port = 0
                volume_clear = shred
                """);

        assertThat(problems).containsExactly(
                conf + ":3: [DEFAULT] report_interval = 'often' is invalid: expected an integer",
                conf + ":6: [EBS] replication_mode = 'sync' is invalid: expected one of async, semi-sync, full-sync",
                conf + ":7: [EBS] target_port = '0' is invalid: expected a port number 1..65535",
                conf + ":8: [EBS] volume_clear = 'shred' is invalid: expected one of none, zero",
                "[database] connection is not set: Cinder would fall back to a private SQLite file, which the other"
                        + " Cinder services cannot see; set connection = mysql+pymysql://cinder:PASSWORD@HOST/cinder");
    }

    @Test
    void aMissingEnabledBackendsIsAProblem() {
        ConfigFiles files = new ConfigFiles(tmp);

        assertThat(files.problems(ConfigFiles.BASE.replace("enabled_backends = EBS\n", "")))
                .containsExactly("[DEFAULT] enabled_backends is not set: cinder-volume needs at least one backend"
                        + " section named there (configuring a backend in [DEFAULT] is not supported since Ocata)");
    }

    @Test
    void aBadDatabaseUrlIsReportedWithoutItsPassword() {
        ConfigFiles files = new ConfigFiles(tmp);

        List<String> problems = files.problems(ConfigFiles.BASE.replace(
                "mysql+pymysql://cinder:db-secret@192.0.2.2/cinder?charset=utf8",
                "postgresql://cinder:db-secret@192.0.2.2/cinder") + "[EBS]\n");

        assertThat(problems).containsExactly(files.path("cinder.conf") + ":2: [database] connection = '***' is invalid:"
                + " the URL uses the postgresql dialect; ebs-volume works only with MySQL or MariaDB"
                + " (mysql+pymysql://...), the database the Cinder services share");
    }

    @Test
    void theEbsDriverNeedsItsOwnIdentityAndPeerAddressesToReplicate() {
        ConfigFiles files = new ConfigFiles(tmp);
        String conf = files.path("cinder.conf");

        List<String> problems = files.problems(ConfigFiles.BASE + """
                [EBS]
                volume_driver = cinder.volume.drivers.ebs.EBSDriver
                replication_device = backend_id:hci-0002,secret:0123456789abcdef
                replication_device = backend_id:hci-0003,ip:10.0.0.13,secret:0123456789abcdef
                replication_device = backend_id:hci-0003,ip:10.0.0.14,secret:0123456789abcdef
                """);

        assertThat(problems).containsExactly(
                conf + ":10: [EBS] replication_device = '***' is invalid: ip is required by the EBS driver (the peer's"
                        + " replication address)",
                conf + ":12: [EBS] replication_device = '***' is invalid: backend_id 'hci-0003' is already used by the"
                        + " replication_device at " + conf + ":11",
                conf + ": [EBS] backend_id is not set: the EBS driver needs this host's replication identity when"
                        + " replication_device is set");
    }

    @Test
    void aReplicationDeviceWithoutASecretIsAcceptedAndAShortSecretRefused() {
        ConfigFiles files = new ConfigFiles(tmp);
        String conf = files.path("cinder.conf");

        List<String> problems = files.problems(ConfigFiles.BASE + """
                [EBS]
                volume_driver = cinder.volume.drivers.ebs.EBSDriver
                backend_id = hci-0001
                replication_device = backend_id:hci-0002,ip:10.0.0.12
                replication_device = backend_id:hci-0003,ip:10.0.0.13,secret:short-Secret
                """);

        assertThat(problems).containsExactly(conf + ":12: [EBS] replication_device = '***' is invalid: secret is shorter"
                + " than 16 characters (the key shared with the peer that signs replication calls: secret:<at least 16"
                + " characters>, the same on both hosts)");
        assertThat(String.join("\n", problems)).doesNotContain("short-Secret");
    }

    @Test
    void aVolumeDriverTheWorkerCannotServeIsAConfigurationErrorNamingTheSupportedOnes() {
        ConfigFiles files = new ConfigFiles(tmp);

        List<String> problems = files.problems(ConfigFiles.BASE + "[EBS]\nvolume_driver = cinder.volume.drivers.rbd.RBDDriver\n");

        assertThat(problems).singleElement().asString()
                .startsWith(files.path("cinder.conf") + ":9: [EBS] volume_driver = 'cinder.volume.drivers.rbd.RBDDriver' is invalid")
                .contains("cinder.volume.drivers.ovt.ebs.EBSVolumeDriver", "cinder.volume.drivers.lvm.LVMVolumeDriver");
    }

    @Test
    void cindersLvmDriverWithAReplicationDeviceIsAConfigurationError() {
        ConfigFiles files = new ConfigFiles(tmp);

        List<String> problems = files.problems(ConfigFiles.BASE + """
                [EBS]
                volume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver
                backend_id = hci-0001
                replication_device = backend_id:hci-0002,ip:10.0.0.12
                """);

        assertThat(problems).singleElement().asString().contains("Cinder's LVM driver, which does not replicate",
                "volume_driver = cinder.volume.drivers.ovt.ebs.EBSVolumeDriver");
    }

    @Test
    void aResyncRateDrbdRefusesFailsAtStartWithTheAcceptedRange() {
        ConfigFiles files = new ConfigFiles(tmp);

        List<String> problems = files.problems(ConfigFiles.BASE + "[EBS]\nreplication_resync_rate = 100\n");

        assertThat(problems).containsExactly(files.path("cinder.conf") + ":9: [EBS] replication_resync_rate = '100' is"
                + " invalid: expected a DRBD resync rate from 250 (KiB/s; a plain number is KiB/s) to 4G (DRBD's limits:"
                + " it refuses a c-max-rate under 250 KiB/s), such as 100M");
    }

    @Test
    void aValueBuiltFromASecretIsMasked() {
        ConfigFiles files = new ConfigFiles(tmp);

        List<String> problems = files.problems(ConfigFiles.BASE + "[EBS]\ntarget_ip_address = $transport_url\n");

        assertThat(problems).containsExactly(files.path("cinder.conf") + ":9: [EBS] target_ip_address = '***' is"
                + " invalid: expected an IPv4 or IPv6 address");
    }

    @Test
    void aDefaultThatDoesNotFitIsReportedAsSuch() {
        ConfigFiles files = new ConfigFiles(tmp);

        List<String> problems = files.problems(ConfigFiles.BASE.replace("my_ip = 192.0.2.10", "my_ip = storage-1.example")
                + "[EBS]\nbackend_ip = 10.0.0.11\n");

        assertThat(problems).containsExactly("[backend_defaults] target_ip_address = '$my_ip' is invalid: expected an"
                + " IPv4 or IPv6 address (after $-substitution it reads 'storage-1.example') (this is the default of"
                + " target_ip_address; set it to a value that fits)");
    }

    @Test
    void aMultiValuedOptionCannotComeFromTheEnvironment() {
        ConfigFiles files = new ConfigFiles(tmp);
        files.environment.put("OS_EBS__REPLICATION_DEVICE", "backend_id:x");

        assertThat(files.problems(ConfigFiles.BASE + "[EBS]\n")).containsExactly("environment variable"
                + " OS_EBS__REPLICATION_DEVICE: [EBS] replication_device may be given several times and so cannot come"
                + " from an environment variable (oslo.config would read it character by character); set it in a file");
    }

    @Test
    void aMissingConfigDirIsAProblem() {
        ConfigFiles files = new ConfigFiles(tmp);
        Path conf = files.write("cinder.conf", ConfigFiles.BASE + "[EBS]\n");

        assertThat(files.problemsLoading("--config-file", conf.toString(), "--config-dir", files.path("nope")))
                .containsExactly(files.path("nope") + ": --config-dir not found");
    }
}
