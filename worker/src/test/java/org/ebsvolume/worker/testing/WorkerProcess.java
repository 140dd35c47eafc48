package org.ebsvolume.worker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The worker as an operator runs it: a separate JVM started with {@code --config-file}, on the
 * test's classpath (the jar is built after the tests run), output captured to a file.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private WorkerProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static WorkerProcess start(Path... configFiles) {
        return start(java.util.Map.of(), configFiles);
    }

    /** As {@link #start(Path...)}, with extra environment variables (e.g. LVM_SYSTEM_DIR). */
    public static WorkerProcess start(java.util.Map<String, String> env, Path... configFiles) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.ebsvolume.worker.Main"));
        for (Path f : configFiles) {
            cmd.add("--config-file");
            cmd.add(f.toString());
        }
        try {
            Path out = Files.createTempFile(Path.of("target"), "worker-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            return new WorkerProcess(p, out);
        } catch (IOException e) {
            return fail("cannot start the worker: " + e);
        }
    }

    /** Runs the worker to completion (for configuration errors) and returns exit code and output. */
    public static CliResult runToExit(Duration timeout, Path... configFiles) {
        try (WorkerProcess w = start(configFiles)) {
            if (!w.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return fail("worker did not exit within " + timeout + ":\n" + w.output());
            }
            return new CliResult(w.process.exitValue(), w.output(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process dies without a word, as in a power cut of the service. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then the exit status once it stopped. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return fail("worker did not stop within " + timeout + " of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
