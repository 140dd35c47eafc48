package org.ebsvolume.drivers.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Debian's real glance-api on 127.0.0.1:9292 (noauth, file store), started by
 * {@code scripts/glance.sh start} once per JVM, and plain-HTTP helpers a test uses to set the
 * scene (create an image, put data into it, read data back) without going through the code
 * under test. A Glance that does not start fails the test: it never skips.
 */
final class RealGlance {

    static final String SCRIPT = "scripts/glance.sh";
    static final URI URL = URI.create("http://127.0.0.1:" + System.getenv().getOrDefault("EBS_GLANCE_PORT", "9292"));
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static boolean started;

    private RealGlance() {
    }

    /** Starts glance-api unless this JVM already did (the script itself is idempotent too). */
    static synchronized void ensureRunning() {
        if (started) {
            return;
        }
        Path root = repoRoot();
        Path out = null;
        try {
            out = Files.createTempFile("glance-start-", ".out");
            Process p = new ProcessBuilder("/bin/bash", root.resolve(SCRIPT).toString(), "start")
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(SCRIPT + " start did not finish in " + START_TIMEOUT + ":\n"
                        + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("glance-api did not start (" + SCRIPT + " start, exit " + p.exitValue()
                        + "; logs in /tmp/ebs-glance/log):\n" + Files.readString(out));
            }
            started = true;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + SCRIPT + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted starting glance", e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir;
            }
        }
        throw new AssertionError("no " + SCRIPT + " in " + start + " or above it");
    }

    /** POST /v2/images: a queued image record; returns its id. */
    static String createImage(String name, String diskFormat, String containerFormat) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("name", name, "disk_format", diskFormat,
                "container_format", containerFormat));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URL.resolve("/v2/images"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AssertionError("POST /v2/images -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asText();
    }

    /** PUT /v2/images/{id}/file with a file's bytes. */
    static void putData(String id, Path data) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URL.resolve("/v2/images/" + id + "/file"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(data)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
            throw new AssertionError("PUT /v2/images/" + id + "/file -> " + r.statusCode() + ": " + r.body());
        }
    }

    /** An active image holding {@code data}. */
    static String imageWithData(String name, String diskFormat, String containerFormat, Path data) throws Exception {
        String id = createImage(name, diskFormat, containerFormat);
        putData(id, data);
        return id;
    }

    static JsonNode show(String id) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URL.resolve("/v2/images/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /v2/images/" + id + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** GET /v2/images/{id}/file into {@code target}. */
    static void getData(String id, Path target) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URL.resolve("/v2/images/" + id + "/file"))
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new AssertionError("GET /v2/images/" + id + "/file -> " + r.statusCode() + ": "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void delete(List<String> ids) {
        for (String id : ids) {
            try {
                HTTP.send(HttpRequest.newBuilder(URL.resolve("/v2/images/" + id)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException ignored) {
                // cleanup only: a leftover image in the test Glance harms nothing
            }
        }
    }
}
