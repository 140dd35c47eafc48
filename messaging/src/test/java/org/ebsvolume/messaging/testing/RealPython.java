package org.ebsvolume.messaging.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs a script under Debian's own {@code /usr/bin/python3}, where oslo.messaging 14.0.3, kombu
 * and py-amqp are installed, feeding it JSON on stdin and reading JSON from stdout. Anything
 * short of a clean run fails the calling test: a parity check that quietly skips proves nothing.
 */
public final class RealPython {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RealPython() {
    }

    public static JsonNode run(String script, Object input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PYTHON, "-c", script).start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (var in = process.getOutputStream()) {
            in.write(JSON.writeValueAsBytes(input));
        }
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String err = new String(stderr.join(), StandardCharsets.UTF_8);
        assertThat(finished).as("python3 finished in time; stderr:%n%s", err).isTrue();
        assertThat(process.exitValue())
                .as("%s must run with oslo_messaging importable (Debian package python3-oslo.messaging); stderr:%n%s",
                        PYTHON, err)
                .isZero();
        return JSON.readTree(stdout.join());
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
