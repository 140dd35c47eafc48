package org.ebsvolume.messaging.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.ConnectionFactory;

import org.ebsvolume.messaging.testing.RealPython;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real TLS handshakes against {@code openssl s_server}, once through Debian's oslo.messaging +
 * py-amqp (oslo's own {@code _fetch_ssl_params()} feeding py-amqp's {@code SSLTransport}) and once
 * through {@link BrokerTls}: both must accept and refuse the same brokers.
 */
class BrokerTlsHandshakeParityTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static final List<Process> servers = new ArrayList<>();
    /** Broker certificate for "localhost" (SAN DNS:localhost). */
    static int rightNamePort;
    /** Broker certificate for "wrong.example" only. */
    static int wrongNamePort;
    /** "localhost" certificate, and the broker demands a client certificate from the test CA. */
    static int clientCertPort;
    static Map<String, Map<String, String>> options;
    static Map<String, Integer> ports;
    static Map<String, Boolean> pythonConnects;

    private static final String PY_HANDSHAKE = String.join("\n",
            "import json, sys, types",
            "from amqp.transport import SSLTransport",
            "from oslo_messaging._drivers import impl_rabbit",
            "C = impl_rabbit.Connection",
            "out = {}",
            "for name, case in json.load(sys.stdin).items():",
            "    o = case['opts']",
            "    ca = o.get('ssl_ca_file', '')",
            "    enforce = o.get('ssl_enforce_hostname_verification', 'false') == 'true'",
            "    conn = types.SimpleNamespace(ssl=True, ssl_version=o.get('ssl_version', ''),",
            "        ssl_key_file=o.get('ssl_key_file', ''), ssl_cert_file=o.get('ssl_cert_file', ''),",
            "        ssl_ca_file=ca, ssl_enforce_hostname_verification=enforce,",
            "        ssl_server_hostname='localhost' if (ca and enforce) else None,",
            "        validate_ssl_version=C.validate_ssl_version)",
            "    params = C._fetch_ssl_params(conn)",
            "    t = SSLTransport('localhost:%d' % case['port'], connect_timeout=5, ssl=params)",
            "    try:",
            // connect() also sends the AMQP protocol header, which s_server -rev echoes reversed
            // together with our line: look only at how the answer starts.
            "        t.connect()",
            "        t.sock.settimeout(5)",
            "        t.sock.sendall(b'ping\\n')",
            "        data = b''",
            "        while not data.endswith(b'\\n'):",
            "            chunk = t.sock.recv(64)",
            "            if not chunk:",
            "                break",
            "            data += chunk",
            "        out[name] = data.startswith(b'gnip')",
            "    except Exception as e:",
            "        out[name] = False",
            "    finally:",
            "        try:",
            "            t.close()",
            "        except Exception:",
            "            pass",
            "json.dump(out, sys.stdout)");

    @BeforeAll
    static void startBrokersAndAskPython() throws Exception {
        pki = TestPki.create(dir);
        Path[] rightName = pki.issueRsa("localhost", "localhost", "DNS:localhost");
        Path[] wrongName = pki.issueRsa("wrong", "wrong.example", null);
        Path[] client = pki.issueRsa("client", "client", null);
        Path clientPkcs1 = pki.toTraditionalRsa(client[1]);
        Path[] ecClient = pki.issueSec1Ec("ec-client", "ec-client");

        rightNamePort = startServer(rightName);
        wrongNamePort = startServer(wrongName);
        clientCertPort = startServer(rightName, "-Verify", "1", "-CAfile", pki.caCert.toString());

        String ca = pki.caCert.toString();
        options = new LinkedHashMap<>();
        ports = new LinkedHashMap<>();
        addCase("ssl alone, test CA unknown to the system", rightNamePort);
        addCase("ssl_version without CA accepts anything", wrongNamePort, "ssl_version", "TLSv1_2");
        addCase("CA file without host name check", wrongNamePort, "ssl_ca_file", ca);
        addCase("CA file and matching host name", rightNamePort,
                "ssl_ca_file", ca, "ssl_enforce_hostname_verification", "true");
        addCase("CA file and wrong host name", wrongNamePort,
                "ssl_ca_file", ca, "ssl_enforce_hostname_verification", "true");
        addCase("client certificate, PKCS#8 key", clientCertPort,
                "ssl_ca_file", ca, "ssl_cert_file", client[0].toString(), "ssl_key_file", client[1].toString());
        addCase("client certificate, PKCS#1 key", clientCertPort,
                "ssl_ca_file", ca, "ssl_cert_file", client[0].toString(), "ssl_key_file", clientPkcs1.toString());
        addCase("client certificate, SEC1 EC key", clientCertPort,
                "ssl_ca_file", ca, "ssl_cert_file", ecClient[0].toString(), "ssl_key_file", ecClient[1].toString());
        addCase("no client certificate where one is required", clientCertPort, "ssl_ca_file", ca);

        Map<String, Object> input = new LinkedHashMap<>();
        options.forEach((name, opts) -> input.put(name, Map.of("opts", opts, "port", ports.get(name))));
        JsonNode answer = RealPython.run(PY_HANDSHAKE, input);
        pythonConnects = new LinkedHashMap<>();
        answer.fields().forEachRemaining(e -> pythonConnects.put(e.getKey(), e.getValue().asBoolean()));
    }

    @AfterAll
    static void stopBrokers() {
        servers.forEach(Process::destroy);
    }

    static Stream<String> cases() {
        return options.keySet().stream();
    }

    /** What Debian's Python does in each case, spelled out so a change on either side shows. */
    private static final Map<String, Boolean> EXPECTED = Map.of(
            "ssl alone, test CA unknown to the system", false,
            "ssl_version without CA accepts anything", true,
            "CA file without host name check", true,
            "CA file and matching host name", true,
            "CA file and wrong host name", false,
            "client certificate, PKCS#8 key", true,
            "client certificate, PKCS#1 key", true,
            "client certificate, SEC1 EC key", true,
            "no client certificate where one is required", false);

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void javaAcceptsExactlyTheBrokersPythonAccepts(String name) {
        assertThat(pythonConnects.get(name)).as("python: %s", name).isEqualTo(EXPECTED.get(name));
        assertThat(javaConnects(tlsOptions(options.get(name)), ports.get(name))).as("java: %s", name)
                .isEqualTo(EXPECTED.get(name));
    }

    @Test
    void applyMakesTheConnectionFactoryCheckTheBrokerHostName() {
        Throwable thrown = catchThrowable(() -> connectWithRabbitClient(
                "ssl_ca_file", pki.caCert.toString(), "ssl_enforce_hostname_verification", "true"));

        assertThat(thrown).isNotNull();
        assertThat(causes(thrown)).anyMatch(SSLHandshakeException.class::isInstance);
    }

    @Test
    void applyWithoutHostNameCheckGetsPastTheTlsHandshake() {
        Throwable thrown = catchThrowable(() -> connectWithRabbitClient("ssl_ca_file", pki.caCert.toString()));

        // openssl s_server speaks no AMQP, so the connection fails after TLS, not during it.
        assertThat(thrown).isNotNull();
        assertThat(causes(thrown)).noneMatch(SSLHandshakeException.class::isInstance);
    }

    private static void connectWithRabbitClient(String... keyValues) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            opts.put(keyValues[i], keyValues[i + 1]);
        }
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost("localhost");
        cf.setPort(wrongNamePort);
        cf.setConnectionTimeout(5000);
        cf.setHandshakeTimeout(2000);
        cf.setAutomaticRecoveryEnabled(false);
        BrokerTls.apply(cf, tlsOptions(opts));
        cf.newConnection().close();
    }

    private static boolean javaConnects(RabbitOptions opts, int port) {
        BrokerTls tls = BrokerTls.create(opts);
        try (SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(5000);
            if (tls.hostnameVerification()) {
                // What ConnectionFactory.enableHostnameVerification() sets up for blocking IO.
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return "gnip".equals(line);
        } catch (IOException e) {
            return false;
        }
    }

    private static void addCase(String name, int port, String... keyValues) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            opts.put(keyValues[i], keyValues[i + 1]);
        }
        options.put(name, opts);
        ports.put(name, port);
    }

    private static RabbitOptions tlsOptions(Map<String, String> opts) {
        Map<String, String> section = new LinkedHashMap<>(opts);
        section.put("ssl", "true");
        return RabbitOptions.fromConfig(section);
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    /** An echo-reversing TLS server ({@code s_server -rev}) on a free loopback port. */
    private static int startServer(Path[] certAndKey, String... extra) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certAndKey[0].toString(), "-key", certAndKey[1].toString(), "-rev"));
        command.addAll(List.of(extra));
        Process server = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_server-" + port + ".log").toFile()).start();
        servers.add(server);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return port;
            } catch (IOException notYet) {
                assertThat(server.isAlive()).as("openssl s_server on port %d", port).isTrue();
                assertThat(System.nanoTime()).as("openssl s_server listening on %d", port).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }
}
