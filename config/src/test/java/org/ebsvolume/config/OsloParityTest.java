package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.assertj.core.api.SoftAssertions;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same files through Debian's real oslo.config (run by /usr/bin/python3, options registered
 * as Cinder Zed registers them) and through this package give the same values. These tests fail,
 * never skip, when Python or oslo.config is missing.
 */
class OsloParityTest {

    @TempDir
    Path tmp;

    private static final Map<String, String> DEFAULTS = Map.of("host", "node-default", "my_ip", "192.0.2.10");
    private static final Map<String, String> ENVIRONMENT = Map.of("OS_DEFAULT__STORAGE_AVAILABILITY_ZONE", "az-env");

    private MachineEnvironment machine() {
        return new MachineEnvironment(() -> DEFAULTS.get("host"), () -> DEFAULTS.get("my_ip"), ENVIRONMENT,
                tmp.resolve("home"));
    }

    @Test
    void aTrickyConfigMeansTheSameToOsloConfigAndToUs() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path a = files.write("a.conf", """
                # comment before any section
                [DEFAULT]
                host = node-from-a
                my_ip: 10.0.0.5
                state_path = "/var/lib/ebs"
                enabled_backends = EBS, lvm2 ,
                debug = Yes
                report_interval = 5
                report_interval = 6
                transport_url = rabbit://openstack:pa%24%24@mq1:5672,openstack:pw@mq2/vhost
                cluster = ' quoted '
                log_file = $state_path/log/${host}.log
                logdir = /old/name/dir
                control_exchange = x-$EBS.volume_group
                notification_topics = notifications,audit
                rabbit_ha_queues = true
                rabbit_retry_backoff = 4
                sql_connection = mysql+pymysql://old:old@db-old/cinder
                glance_api_servers = 10.0.2.2:9292, https://glance.example:9292/ ,
                glance_num_retries = 5
                [oslo_messaging_notifications]
                driver = messagingv2
                [oslo_messaging_rabbit]
                heartbeat_timeout_threshold = 20
                rabbit_retry_backoff = 3
                [EBS]
                volume_driver = org.ebsvolume.drivers.capacity.VolumeGroupCapacityDriver
                volume_group = vg-a
                target_prefix = iqn.2010-10.org.openstack:$$literal:\\$also
                volume_backend_name = first
                volume_backend_name = second
                replication_device = backend_id:hci-0002,ip:10.0.0.12
                replication_device = backend_id:hci-0005, ip: fd00::15 ,port:8801,note:a,b,c:d
                extra_capabilities = {"tier": "gold",
                    "ssd": true, "iops": 5000}
                target_ip_address = $my_ip
                [Lvm2]
                lvm_type = thin
                target_prefix = iqn.$volume_group:
                iscsi_secondary_ip_addresses = 10.0.3.1,10.0.3.2
                [backend_defaults]
                target_port = 3261
                volume_clear = none
                max_over_subscription_ratio = 1.5
                [database]
                max_pool_size = 9
                """);
        files.write("conf.d/20-y.conf", """
                [DEFAULT]
                host = node-from-dir-20
                [ebs]
                replication_device = backend_id:hci-0003,ip:10.0.0.13
                volume_group = vg-dir
                """);
        files.write("conf.d/10-x.conf", """
                [DEFAULT]
                host = node-from-dir-10
                periodic_interval = 45
                [database]
                connection = mysql+pymysql://cinder:s3cret@db.example.com/cinder?charset=utf8
                """);
        Path b = files.write("b.conf", """
                [DEFAULT]
                report_interval = 7
                debug: off
                storage_availability_zone = az-file
                [EBS]
                volume_group = vg-b
                lvm_mirrors = 2
                """);
        List<String> args = List.of("--config-file", a.toString(), "--config-dir", files.path("conf.d"),
                "--config-file", b.toString());
        List<String> backends = List.of("EBS", "lvm2");

        JsonNode python = RealOslo.run(Map.of("mode", "config", "args", args, "backends", backends,
                "defaults", DEFAULTS), ENVIRONMENT);

        OsloIniFiles ini = OsloIniFiles.read(List.of(a, tmp.resolve("conf.d/10-x.conf"),
                tmp.resolve("conf.d/20-y.conf"), b));
        List<ConfigProblem> problems = new ArrayList<>();
        OptionReader reader = new OptionReader(ini, machine(), Map.of(), Set.copyOf(backends), problems);
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("DEFAULT", values(reader, Options.DEFAULT, Options.DEFAULT_OPTS));
        Map<String, Object> javaBackends = new LinkedHashMap<>();
        for (String backend : backends) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (Opt<?> opt : Options.BACKEND_OPTS) {
                v.put(opt.name(), opt.multi() ? plain(reader.backendAll(backend, opt))
                        : asOslo(reader.backend(backend, opt).value()));
            }
            v.put("backend_host", reader.get(backend, Options.BACKEND_HOST).value());
            javaBackends.put(backend, v);
        }
        java.put("backends", javaBackends);
        java.put(Options.NOTIFICATIONS, values(reader, Options.NOTIFICATIONS, Options.NOTIFICATION_OPTS));
        java.put(Options.DATABASE, values(reader, Options.DATABASE, Options.DATABASE_OPTS));

        assertThat(problems).isEmpty();
        JsonNode ours = PythonJson.MAPPER.valueToTree(java);
        SoftAssertions soft = new SoftAssertions();
        for (String section : List.of("DEFAULT", Options.NOTIFICATIONS, Options.DATABASE)) {
            ours.get(section).fieldNames().forEachRemaining(key -> soft.assertThat(ours.get(section).get(key))
                    .as("[%s] %s", section, key).isEqualTo(python.get(section).get(key)));
        }
        for (String backend : backends) {
            JsonNode mine = ours.get("backends").get(backend);
            JsonNode theirs = python.get("backends").get(backend);
            mine.fieldNames().forEachRemaining(key -> {
                JsonNode expected = theirs.get(key);
                if (key.equals("replication_device") && expected.isNull()) {
                    expected = PythonJson.MAPPER.createArrayNode(); // an unset MultiOpt is None to oslo
                }
                if (!key.equals("replication_resync_rate")) { // a string to oslo, KiB/s to us
                    soft.assertThat(mine.get(key)).as("[%s] %s", backend, key).isEqualTo(expected);
                }
            });
        }
        soft.assertAll();

        // The same files through the launcher's path: command line, config dir, records.
        CinderConfig config = ConfigLoader.load(files.commandLine(args.toArray(String[]::new)), machine());
        JsonNode rabbit = python.get(Options.RABBIT);
        RabbitOptions r = config.transport().rabbit();
        assertThat(config.host()).isEqualTo(python.get("DEFAULT").get("host").asText()).isEqualTo("node-from-dir-20");
        assertThat(config.reportInterval()).isEqualTo(python.get("DEFAULT").get("report_interval").asInt()).isEqualTo(7);
        assertThat(config.storageAvailabilityZone()).isEqualTo("az-env");
        assertThat(config.backend("EBS").orElseThrow().replication().devices()).hasSize(3);
        assertThat(config.database().connection().host()).isEqualTo("db.example.com");
        assertThat(config.image().imageConversionDir())
                .isEqualTo(python.get("DEFAULT").get("image_conversion_dir").asText()).isEqualTo("/var/lib/ebs/conversion");
        assertThat(config.image().glanceApiServers()).containsExactly("10.0.2.2:9292", "https://glance.example:9292/");
        assertThat(r.ssl()).isEqualTo(rabbit.get("ssl").asBoolean());
        assertThat(r.heartbeatTimeoutThreshold()).isEqualTo(rabbit.get("heartbeat_timeout_threshold").asInt()).isEqualTo(20);
        assertThat(r.rabbitHaQueues()).isEqualTo(rabbit.get("rabbit_ha_queues").asBoolean()).isTrue();
        assertThat(r.rabbitRetryBackoff()).isEqualTo(rabbit.get("rabbit_retry_backoff").asInt()).isEqualTo(3);
        assertThat(r.kombuReconnectDelay()).isEqualTo(rabbit.get("kombu_reconnect_delay").asDouble());
    }

    @Test
    void oddFilesAreAcceptedOrRefusedAsOsloConfigDoes() throws Exception {
        List<String> snippets = List.of(
                "[DEFAULT]\nstate_path = a$$b\\$c $ d$ $$$$\n",
                "[DEFAULT]\nstate_path = ${host}x$host.\n",
                "[DEFAULT]\nstate_path = $My_Ip\n",
                "[DEFAULT]\nstate_path = $DEFAULT.host\n",
                "[DEFAULT]\nstate_path = $nosuchoption\n",
                "[DEFAULT]\nstate_path = \"quoted\"\n",
                "[DEFAULT]\nstate_path = 'half\n",
                "[DEFAULT]\nstate_path = \"\n",
                "[DEFAULT]\nstate_path =\n",
                "[DEFAULT]\nstate_path = first\n  second\n\tthird\n",
                "[DEFAULT]\nstate_path: a = b\n",
                "[DEFAULT]\nstate_path = 1\nstate_path = 2\n",
                "[DEFAULT]\nstate_path = x\u00a0\u2003\n",
                "[DEFAULT]\r\nstate_path = crlf\r\n",
                "[default]\nstate_path = lower-case default is another section\n",
                "[DEFAULT]\nhost = h\nstate_path = /s/$host/${my_ip}\n",
                "[DEFAULT]\nstate_path=$host\nhost=$my_ip\nmy_ip=10.1.1.1\n",
                "[DEFAULT]\nstate_path = $state_path\n",
                "[DEFAULT]\nstate_path = $debug-$report_interval-$enabled_backends\nenabled_backends = a, b\n",
                "state_path = before any section\n[DEFAULT]\n",
                "[DEFAULT]\n  unexpected continuation\n",
                "[DEFAULT] # comment\nstate_path = x\n",
                "[DEFAULT]\nstate_path x\n",
                "[DEFAULT]\n= x\n",
                "[]\nstate_path = x\n",
                "\uFEFF[DEFAULT]\nstate_path = x\n");
        ConfigFiles files = new ConfigFiles(tmp);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            paths.add(files.write("snippet-" + i + ".conf", snippets.get(i)).toString());
        }

        JsonNode python = RealOslo.run(Map.of("mode", "snippets", "files", paths, "defaults", DEFAULTS), Map.of());

        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < snippets.size(); i++) {
            JsonNode theirs = python.get(i);
            List<ConfigProblem> problems = new ArrayList<>();
            String ours = null;
            try {
                OsloIniFiles ini = OsloIniFiles.read(List.of(Path.of(paths.get(i))));
                ours = new OptionReader(ini, new MachineEnvironment(() -> "node-default", () -> "192.0.2.10", Map.of(),
                        tmp), Map.of(), Set.of(), problems).get(Options.DEFAULT, Options.STATE_PATH).value();
            } catch (InvalidConfigException e) {
                problems.addAll(e.problems());
            }
            String snippet = snippets.get(i).replace("\n", "\\n");
            if (theirs.get("ok").asBoolean()) {
                soft.assertThat(problems).as("oslo accepts %s", snippet).isEmpty();
                soft.assertThat(ours).as("state_path from %s", snippet).isEqualTo(theirs.get("state_path").asText());
            } else {
                soft.assertThat(problems).as("oslo refuses %s (%s)", snippet, theirs.get("error").asText()).isNotEmpty();
            }
        }
        soft.assertAll();
    }

    @Test
    void valuesConvertAsOsloTypesConvertThem() throws Exception {
        Map<String, OsloType<?>> ours = Map.of(
                "boolean", OsloTypes.BOOLEAN,
                "integer", OsloTypes.integer(null, null),
                "port", OsloTypes.PORT,
                "ip", OsloTypes.IP_ADDRESS,
                "host_address", OsloTypes.HOST_ADDRESS,
                "list", OsloTypes.STRING_LIST,
                "ip_list", OsloTypes.listOf(OsloTypes.IP_ADDRESS),
                "dict", OsloTypes.DICT);
        List<List<String>> cases = new ArrayList<>();
        for (String s : List.of("true", "False", "YES", "no", "On", "off", "1", "0", "t", "y", "2", "", " true")) {
            cases.add(List.of("boolean", s));
        }
        for (String s : List.of("42", "-7", "+5", " 8 ", "1_000", "1__0", "_1", "007", "0x10", "1e3", "4.0", "\u0663",
                "2147483647", "2147483648", "-2147483648", "-2147483649", "abc")) {
            cases.add(List.of("integer", s));
        }
        for (String s : List.of("1", "3260", "65535", "65536", "0", "-1", "80 ")) {
            cases.add(List.of("port", s));
        }
        for (String s : List.of("10.0.0.1", "255.255.255.255", "256.0.0.1", "10.0.0", "10.0.0.1.2", "010.0.0.1",
                "1.2.3.04", " 10.0.0.1", "::", "::1", "fd00::12", "FD00::AB:cd", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::2::3", ":::", "1:2:3:4:5:6:7", "::ffff:10.0.0.1",
                "1:2:3:4:5:6:10.0.0.1", "1:2:3:4:5:6:7:10.0.0.1", "fe80::1%eth0", "[::1]", "12345::", "g::1",
                "localhost", "")) {
            cases.add(List.of("ip", s));
        }
        for (String s : List.of("node-1", "node-1.example.com", "node-1.example.com.", "-bad", "bad-", "a..b", "10.0.0",
                "1.2.3.4", "under_score", "x".repeat(64), "a.123", "fd00::1")) {
            cases.add(List.of("host_address", s));
        }
        for (String s : List.of("a,b", " a , b ,", "a,,b", "", " , ", ",a", "\"a\",'b'", "a,b,,,")) {
            cases.add(List.of("list", s));
        }
        for (String s : List.of("10.0.0.1,10.0.0.2", "10.0.0.1, fd00::1 ,", "10.0.0.1,bad", "")) {
            cases.add(List.of("ip_list", s));
        }
        for (String s : List.of("backend_id:hci-0002,ip:10.0.0.12,port:8800", "a:1", "ip:fd00::1", " a : b , c:d ",
                "a:1,b,c:2", "a:1,b", "a:1,a:2", ":x", "a", "", "k:", "a:b:c")) {
            cases.add(List.of("dict", s));
        }

        JsonNode python = RealOslo.run(Map.of("mode", "types", "cases", cases), Map.of());

        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < cases.size(); i++) {
            String type = cases.get(i).get(0);
            String text = cases.get(i).get(1);
            JsonNode theirs = python.get(i);
            Object value = null;
            boolean ok = true;
            try {
                value = ours.get(type).parse(text);
            } catch (BadValueException e) {
                ok = false;
            }
            if (STRICTER.contains(cases.get(i))) {
                soft.assertThat(ok).as("we refuse %s '%s'", type, text).isFalse();
                soft.assertThat(theirs.get("ok").asBoolean()).as("oslo accepts %s '%s'", type, text).isTrue();
                continue;
            }
            soft.assertThat(ok).as("%s accepts '%s'", type, text).isEqualTo(theirs.get("ok").asBoolean());
            if (ok && theirs.get("ok").asBoolean()) {
                JsonNode converted = PythonJson.MAPPER.valueToTree(value);
                soft.assertThat(converted).as("%s of '%s'", type, text)
                        .isEqualTo(theirs.get("value"));
            }
        }
        soft.assertAll();
    }

    /** Where we knowingly refuse what oslo takes: integers beyond a Java int (no option needs them). */
    private static final Set<List<String>> STRICTER = Set.of(
            List.of("integer", "2147483648"), List.of("integer", "-2147483649"));

    private static Map<String, Object> values(OptionReader reader, String group, List<Opt<?>> opts) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Opt<?> opt : opts) {
            values.put(opt.name(), opt.multi() ? plain(reader.getAll(group, opt)) : reader.get(group, opt).value());
        }
        return values;
    }

    /** A closed-set option's value as oslo holds it: the string, not our enum constant. */
    private static Object asOslo(Object value) {
        return value instanceof ConfigChoice choice ? choice.configName() : value;
    }

    private static List<Object> plain(List<? extends OptionReader.Value<?>> values) {
        List<Object> plain = new ArrayList<>();
        values.forEach(v -> plain.add(v.value()));
        return plain;
    }
}
