package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.ebsvolume.messaging.wire.PythonJson;

/**
 * Runs src/test/python/oslo_parity.py under Debian's /usr/bin/python3, where the real
 * oslo.config 9.0 and oslo.messaging 14 are installed. Anything short of a clean run fails the
 * calling test: a parity check that quietly skips proves nothing.
 */
final class RealOslo {

    static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/python/oslo_parity.py");

    private RealOslo() {
    }

    static JsonNode run(Object request, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(PYTHON, SCRIPT.toAbsolutePath().toString());
        // Only the test's own OS_<GROUP>__<OPTION> variables: oslo.config reads them all.
        builder.environment().keySet().removeIf(name -> name.startsWith("OS_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (var in = process.getOutputStream()) {
            in.write(PythonJson.MAPPER.writeValueAsBytes(request));
        }
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String err = new String(stderr.join(), StandardCharsets.UTF_8);
        assertThat(finished).as("python3 finished in time; stderr:%n%s", err).isTrue();
        assertThat(process.exitValue())
                .as("%s must run %s with oslo_config and oslo_messaging importable (Debian packages"
                        + " python3-oslo.config, python3-oslo.messaging); stderr:%n%s", PYTHON, SCRIPT, err)
                .isZero();
        return PythonJson.loads(stdout.join());
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
