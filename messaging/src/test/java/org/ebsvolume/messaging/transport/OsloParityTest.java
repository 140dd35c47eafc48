package org.ebsvolume.messaging.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.assertj.core.api.SoftAssertions;
import org.ebsvolume.messaging.testing.RealPython;
import org.junit.jupiter.api.Test;

/**
 * The same inputs through Debian's oslo.messaging 14.0.3 (run by /usr/bin/python3) and through
 * this package must give the same results. These tests fail, never skip, when Python or
 * oslo_messaging is missing.
 */
class OsloParityTest {

    /** URLs chosen for the corners of TransportURL.parse, urllib and kombu's second parse. */
    private static final List<String> URLS = List.of(
            "rabbit://",
            "rabbit:///",
            "rabbit://mq1",
            "rabbit://u:p@mq1:5672/",
            "rabbit://u:p@mq1:5672//",
            "rabbit://u:p@mq1:5672/openstack",
            "rabbit://u:p@mq1/a%2Fb",
            "rabbit://u:p@mq1/a%2541",
            "rabbit://u:p@mq1/a%3Bb%3Fc",
            "rabbit://u1:p1@mq1:5672,u2:p2@mq2:5673,mq3/vh",
            "rabbit://u:p@[::1]:5672,u:p@[fe80::2%25eth0]/",
            "rabbit://[::1]:5672,mq2:5672/",
            "rabbit://us%40er:p%3Aw%25d+x%C3%A9@mq1/",
            "rabbit://user:p@ss:w@mq1:5672/",
            "rabbit://user@mq1:0/v;x?q=1#frag",
            "rabbit://:5672/",
            "rabbit://u:p@mq1,,mq2",
            "KOMBU://U:P@MQ1.Example.COM:5671/%2F",
            "rabbit://mq1:+56_72/",
            "rabbit://mq1/?ssl=1&heartbeat_timeout_threshold=30&ssl=0&a=x+y%20z&empty=&noeq&k%3D=v%26",
            "  rabbit://mq\t1/\n",
            // Python refuses these (or, for amqp://, has no such driver); so must we.
            "rabbit://mq1:5672,[::1]:5672/",
            "rabbit://u:p@[::1]:5672,u:p@mq2/",
            "rabbit://[10.0.0.1]/",
            "rabbit://[::1/",
            "rabbit://mq1:abc/",
            "rabbit://mq1:1:2/",
            "amqp://mq1/",
            "no-scheme-at-all");

    private static final String PARSE_URLS = String.join("\n",
            "import json, sys, types",
            "import kombu",
            "from oslo_config import cfg",
            "import oslo_messaging",
            "from oslo_messaging import transport as tr",
            "from oslo_messaging._drivers import impl_rabbit",
            "C = impl_rabbit.Connection",
            "fake = types.SimpleNamespace(_parse_url_hostname=lambda h: C._parse_url_hostname(None, h))",
            "out = []",
            "for u in json.load(sys.stdin):",
            "    try:",
            "        t = oslo_messaging.TransportURL.parse(cfg.ConfigOpts(), u)",
            "    except Exception as e:",
            "        out.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})",
            "        continue",
            "    r = {'ok': True, 'transport': t.transport,",
            "         'hosts': [[h.hostname, h.port, h.username, h.password] for h in t.hosts],",
            "         'virtual_host': t.virtual_host, 'query': list(t.query.items())}",
            // What impl_rabbit.Connection.__init__ hands kombu, and what kombu makes of it.
            "    try:",
            "        hosts = t.hosts or [tr.TransportHost('')]",
            "        dflt = {} if t.hosts else dict(default_username='guest', default_password='guest',",
            "                                       default_hostname='localhost')",
            "        eff = []",
            "        for h in hosts:",
            // kombu 5.2.4 has no 'kombu' transport, so oslo's kombu:// alias cannot connect on
            // Debian 12 at all; compare what the same URL gives under rabbit://.
            "            as_rabbit = types.SimpleNamespace(transport='rabbit', virtual_host=t.virtual_host)",
            "            c = kombu.Connection(C._transform_transport_url(fake, as_rabbit, h, **dflt))",
            "            eff.append([c.hostname or 'localhost', c.port, c.userid or 'guest',",
            "                        c.password or 'guest', c.virtual_host])",
            "        r['kombu'] = eff",
            "    except Exception as e:",
            "        r['kombu_error'] = type(e).__name__",
            "    for h in t.hosts:",
            "        if h.password is not None:",
            "            h.password = 'MASKEDPASSWORD'",
            "    r['str'] = str(t).replace(':MASKEDPASSWORD@', ':***@')",
            "    out.append(r)",
            "json.dump(out, sys.stdout)");

    @Test
    void transportUrlsParseExactlyAsOsloParsesThem() throws Exception {
        JsonNode python = RealPython.run(PARSE_URLS, URLS);
        assertThat(python).hasSize(URLS.size());

        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < URLS.size(); i++) {
            String url = URLS.get(i);
            JsonNode py = python.get(i);
            Throwable javaError = catchThrowable(() -> TransportUrl.parse(url));
            boolean pythonAccepts = py.get("ok").asBoolean()
                    && List.of("rabbit", "kombu").contains(py.get("transport").asText());
            if (!pythonAccepts) {
                soft.assertThat(javaError).as("%s (python: %s)", url, py).isInstanceOf(InvalidTransportUrlException.class);
                continue;
            }
            soft.assertThat(javaError).as(url).isNull();
            if (javaError != null) {
                continue;
            }
            TransportUrl parsed = TransportUrl.parse(url);
            soft.assertThat(parsed.transport()).as("%s transport", url).isEqualTo(py.get("transport").asText());
            soft.assertThat(hostsOf(parsed.hosts())).as("%s hosts", url).isEqualTo(pythonHosts(py.get("hosts")));
            JsonNode vhost = py.get("virtual_host");
            soft.assertThat(parsed.virtualHost()).as("%s virtual host", url).isEqualTo(vhost.isNull() ? "" : vhost.asText());
            soft.assertThat(parsed.query()).as("%s query", url).containsExactlyEntriesOf(pythonPairs(py.get("query")));
            soft.assertThat(parsed.toString()).as("%s str()", url).isEqualTo(py.get("str").asText());
            if (py.has("kombu_error")) {
                soft.assertThat(catchThrowable(parsed::effectiveHosts)).as("%s effective hosts", url)
                        .isInstanceOf(InvalidTransportUrlException.class);
                continue;
            }
            List<List<Object>> kombuHosts = new ArrayList<>();
            for (JsonNode h : py.get("kombu")) {
                kombuHosts.add(List.of(h.get(0).asText(), h.get(1).asInt(), h.get(2).asText(), h.get(3).asText()));
                soft.assertThat(parsed.effectiveVirtualHost()).as("%s effective virtual host", url)
                        .isEqualTo(h.get(4).asText());
            }
            List<List<Object>> javaHosts = new ArrayList<>();
            for (TransportHost h : parsed.effectiveHosts()) {
                javaHosts.add(List.of(h.hostname(), h.port(), h.username(), h.password()));
            }
            soft.assertThat(javaHosts).as("%s effective hosts", url).isEqualTo(kombuHosts);
        }
        soft.assertAll();
    }

    private static final String OPTION_TYPES = String.join("\n",
            "import json, sys",
            "from oslo_messaging._drivers import impl_rabbit, amqp, base",
            "opts = {o.dest: o for o in impl_rabbit.rabbit_opts + amqp.amqp_opts + base.base_opts}",
            "req = json.load(sys.stdin)",
            "out = {'defaults': {n: o.default for n, o in opts.items()}, 'values': []}",
            "for name, raw in req:",
            "    try:",
            "        out['values'].append({'ok': True, 'value': opts[name].type(raw)})",
            "    except Exception as e:",
            "        out['values'].append({'ok': False, 'error': str(e)})",
            "json.dump(out, sys.stdout)");

    /** Raw option text as it may appear in cinder.conf or a URL query. */
    private static final List<List<String>> VALUES = List.of(
            List.of("ssl", "true"), List.of("ssl", "YES"), List.of("ssl", "On"), List.of("ssl", "1"),
            List.of("ssl", "0"), List.of("ssl", "off"), List.of("ssl", "No"), List.of("ssl", "FALSE"),
            List.of("ssl", "maybe"), List.of("ssl", ""), List.of("ssl", " true"), List.of("ssl", "1,0"),
            List.of("rabbit_qos_prefetch_count", "10"), List.of("rabbit_qos_prefetch_count", "+5"),
            List.of("rabbit_qos_prefetch_count", " 7 "), List.of("rabbit_qos_prefetch_count", "1_000"),
            List.of("rabbit_qos_prefetch_count", "1__0"), List.of("rabbit_qos_prefetch_count", "0x10"),
            List.of("rabbit_qos_prefetch_count", "1.5"), List.of("rabbit_qos_prefetch_count", "-3"),
            List.of("rabbit_qos_prefetch_count", "abc"),
            List.of("rabbit_transient_queues_ttl", "0"), List.of("rabbit_transient_queues_ttl", "1"),
            List.of("rpc_conn_pool_size", "0"), List.of("rpc_conn_pool_size", "5"),
            List.of("heartbeat_timeout_threshold", "-1"),
            List.of("kombu_reconnect_delay", "1"), List.of("kombu_reconnect_delay", "2.5"),
            List.of("kombu_reconnect_delay", ".5"), List.of("kombu_reconnect_delay", "4."),
            List.of("kombu_reconnect_delay", "1e0"), List.of("kombu_reconnect_delay", "4.6"),
            List.of("kombu_reconnect_delay", "-0.1"), List.of("kombu_reconnect_delay", "1_0.5"),
            List.of("kombu_reconnect_delay", "abc"),
            List.of("kombu_failover_strategy", "shuffle"), List.of("kombu_failover_strategy", "SHUFFLE"),
            List.of("kombu_failover_strategy", ""),
            List.of("rabbit_login_method", "PLAIN"), List.of("rabbit_login_method", "plain"),
            List.of("rabbit_login_method", "EXTERNAL"),
            List.of("ssl_version", "TLSv1_2"), List.of("kombu_compression", "gzip"),
            List.of("rabbit_quroum_max_memory_bytes", "3000000000"));

    @Test
    void optionsAreExactlyOslosWithTheirDefaults() throws Exception {
        JsonNode defaults = RealPython.run(OPTION_TYPES, List.of()).get("defaults");
        Map<String, Object> javaDefaults = byOsloName(RabbitOptions.defaults());

        List<String> pythonNames = new ArrayList<>();
        defaults.fieldNames().forEachRemaining(pythonNames::add);
        assertThat(javaDefaults.keySet()).containsExactlyInAnyOrderElementsOf(pythonNames);
        SoftAssertions soft = new SoftAssertions();
        for (Iterator<Map.Entry<String, JsonNode>> it = defaults.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // kombu_compression defaults to None; '' means the same (no compression) to oslo.
            Object expected = e.getValue().isNull() ? "" : scalar(e.getValue());
            soft.assertThat(javaValue(javaDefaults.get(e.getKey()))).as(e.getKey()).isEqualTo(expected);
        }
        soft.assertAll();
    }

    @Test
    void optionValuesConvertExactlyAsOsloConfigConvertsThem() throws Exception {
        JsonNode python = RealPython.run(OPTION_TYPES, VALUES).get("values");

        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < VALUES.size(); i++) {
            String name = VALUES.get(i).get(0);
            String raw = VALUES.get(i).get(1);
            JsonNode py = python.get(i);
            Throwable javaError = catchThrowable(() -> RabbitOptions.fromConfig(Map.of(name, raw)));
            if (!py.get("ok").asBoolean()) {
                soft.assertThat(javaError).as("%s = '%s' (python: %s)", name, raw, py.get("error"))
                        .isInstanceOf(InvalidRabbitOptionException.class);
                continue;
            }
            soft.assertThat(javaError).as("%s = '%s'", name, raw).isNull();
            if (javaError == null) {
                Object value = byOsloName(RabbitOptions.fromConfig(Map.of(name, raw))).get(name);
                soft.assertThat(javaValue(value)).as("%s = '%s'", name, raw).isEqualTo(scalar(py.get("value")));
            }
        }
        soft.assertAll();
    }

    private static List<List<Object>> hostsOf(List<TransportHost> hosts) {
        List<List<Object>> out = new ArrayList<>();
        for (TransportHost h : hosts) {
            out.add(java.util.Arrays.asList(h.hostname(), h.port(), h.username(), h.password()));
        }
        return out;
    }

    private static List<List<Object>> pythonHosts(JsonNode hosts) {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode h : hosts) {
            out.add(java.util.Arrays.asList(
                    h.get(0).isNull() ? null : h.get(0).asText(),
                    h.get(1).isNull() ? null : h.get(1).asInt(),
                    h.get(2).isNull() ? null : h.get(2).asText(),
                    h.get(3).isNull() ? null : h.get(3).asText()));
        }
        return out;
    }

    private static Map<String, String> pythonPairs(JsonNode pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : pairs) {
            out.put(p.get(0).asText(), p.get(1).asText());
        }
        return out;
    }

    /** The record's components keyed by oslo name (camelCase back to snake_case). */
    private static Map<String, Object> byOsloName(RabbitOptions options) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : RabbitOptions.class.getRecordComponents()) {
            String osloName = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
            out.put(osloName, c.getAccessor().invoke(options));
        }
        return out;
    }

    private static Object scalar(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        return v.asText();
    }

    private static Object javaValue(Object v) {
        return v instanceof Integer i ? Long.valueOf(i) : v;
    }
}
