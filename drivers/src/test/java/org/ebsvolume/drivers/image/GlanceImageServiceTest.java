package org.ebsvolume.drivers.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's side of the Glance v2 protocol, for what a healthy real Glance never does: answer
 * 503, serve data that does not match its checksum, echo a token in an error. The "Glance" here
 * is a real HTTP server on 127.0.0.1 (the JDK's), scripted per test; the happy paths run against
 * Debian's glance-api in {@link ImageCopierTest}.
 */
class GlanceImageServiceTest {

    private static final String ID = "0b9d7d53-5c1e-4a55-9d4e-5d1a0e8f1c01";
    private static final String TOKEN = "gAAAAABn-another-secret-token-77";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<Map<String, List<String>>> requestHeaders = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private GlanceImageService client(int retries) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return new GlanceImageService(ImageTransferSettings.of(List.of(url), retries, tmp)
                .withRetryDelay(Duration.ofMillis(10)));
    }

    private interface Handler {
        void handle(HttpExchange exchange, int requestNumber) throws IOException;
    }

    private void serve(String path, Handler handler) {
        server.createContext(path, exchange -> {
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                handler.handle(exchange, requests.incrementAndGet());
            }
        });
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] record(String status, String hashValue) throws IOException {
        return JSON.writeValueAsBytes(Map.of("id", ID, "name", "scripted", "status", status, "disk_format", "raw",
                "container_format", "bare", "size", 11, "os_hash_algo", "sha512", "os_hash_value", hashValue));
    }

    private static String sha512(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data));
    }

    @Test
    void everyRequestCarriesTheCallersTokenAsXAuthToken() throws Exception {
        serve("/v2/images/" + ID, (ex, n) -> reply(ex, 200, "application/json", record("active", "00")));

        client(0).show(ID, TOKEN);

        assertThat(requestHeaders).singleElement()
                .satisfies(h -> assertThat(h.get("X-auth-token")).containsExactly(TOKEN));
    }

    @Test
    void withoutATokenNoXAuthTokenHeaderIsSent() throws Exception {
        serve("/v2/images/" + ID, (ex, n) -> reply(ex, 200, "application/json", record("active", "00")));

        client(0).show(ID, null);

        assertThat(requestHeaders).singleElement().satisfies(h -> assertThat(h).doesNotContainKey("X-auth-token"));
    }

    @Test
    void a503IsRetriedUntilGlanceAnswers() throws Exception {
        serve("/v2/images/" + ID, (ex, n) -> {
            if (n < 3) {
                reply(ex, 503, "text/plain", "busy".getBytes(StandardCharsets.UTF_8));
            } else {
                reply(ex, 200, "application/json", record("active", "00"));
            }
        });

        GlanceImage image = client(3).show(ID, TOKEN);

        assertThat(image.status()).isEqualTo("active");
        assertThat(requests).hasValue(3);
    }

    @Test
    void a503OnEveryTryIsGlanceConnectionFailedAfterOnePlusRetriesTries() {
        serve("/v2/images/" + ID, (ex, n) -> reply(ex, 503, "text/plain", new byte[0]));

        assertThatThrownBy(() -> client(2).show(ID, TOKEN))
                .isInstanceOfSatisfying(ImageTransferException.class,
                        e -> assertThat(e.cinderClass()).isEqualTo("GlanceConnectionFailed"));
        assertThat(requests).hasValue(3);
    }

    @Test
    void aDownloadThatDoesNotMatchItsHashIsRefused() throws Exception {
        byte[] data = "hello glance".getBytes(StandardCharsets.UTF_8);
        String right = sha512(data);
        String wrong = sha512("something else".getBytes(StandardCharsets.UTF_8));
        serve("/v2/images/" + ID + "/file", (ex, n) -> reply(ex, 200, "application/octet-stream", data));
        GlanceImage image = GlanceImage.fromJson(JSON.readTree(record("active", wrong)));

        assertThatThrownBy(() -> client(0).download(image, TOKEN, tmp.resolve("download")))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageDownloadFailed");
                    assertThat(e.getMessage()).contains("Corrupt image download. Hash was " + right
                            + " expected " + wrong);
                });
    }

    @Test
    void aDownloadThatMatchesItsHashIsWrittenWhole() throws Exception {
        byte[] data = "hello glance".getBytes(StandardCharsets.UTF_8);
        serve("/v2/images/" + ID + "/file", (ex, n) -> reply(ex, 200, "application/octet-stream", data));
        GlanceImage image = GlanceImage.fromJson(JSON.readTree(record("active", sha512(data))));
        Path target = tmp.resolve("download");

        long bytes = client(0).download(image, TOKEN, target);

        assertThat(bytes).isEqualTo(data.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void aDownloadThatStopsMidwayFailsAfterTheRequestTimeoutInsteadOfHanging() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        serve("/v2/images/" + ID + "/file", (ex, n) -> {
            ex.sendResponseHeaders(200, 1000);
            OutputStream out = ex.getResponseBody();
            out.write(new byte[100]);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS); // then the connection closes short
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        GlanceImageService client = new GlanceImageService(ImageTransferSettings.of(
                List.of("http://127.0.0.1:" + server.getAddress().getPort()), 0, tmp)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        GlanceImage image = GlanceImage.fromJson(JSON.readTree(record("active", "00")));
        long started = System.nanoTime();

        try {
            assertThatThrownBy(() -> client.download(image, TOKEN, tmp.resolve("download")))
                    .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                        assertThat(e.cinderClass()).isEqualTo("ImageDownloadFailed");
                        assertThat(e.getMessage()).contains("no data for 1 s");
                        assertThat(e.context()).contains("after 100 bytes");
                    });
        } finally {
            release.countDown();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aTokenThatGlanceEchoesInAnErrorIsScrubbedFromTheException() {
        serve("/v2/images/" + ID, (ex, n) -> reply(ex, 403, "text/html",
                ("<html><body>403 Forbidden: token " + TOKEN + " is not valid</body></html>")
                        .getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> client(0).show(ID, TOKEN))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageNotAuthorized");
                    assertThat(e.context()).contains("403 Forbidden: token *** is not valid");
                    assertThat(e.describe()).doesNotContain(TOKEN);
                });
    }
}
