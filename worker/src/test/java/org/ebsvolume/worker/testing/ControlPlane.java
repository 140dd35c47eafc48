package org.ebsvolume.worker.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenStack Cinder control plane (Debian 12's cinder-api and cinder-scheduler, RabbitMQ,
 * MariaDB) that the worker's end-to-end tests drive with the real {@code cinder} and
 * {@code openstack} CLIs, started by {@code scripts/control-plane.sh} (see
 * scripts/control-plane/README.md).
 *
 * <pre>{@code
 * ControlPlane cp = ControlPlane.start(Map.of("EBS_CINDER_SERVICE_DOWN_TIME", "20"));
 * // start the Java worker with cp.cinderConf() ...
 * JsonNode services = cp.openstackJson("volume", "service", "list", "--long");
 * cp.cinder("create", "1", "--name", "v1").requireSuccess();
 * }</pre>
 *
 * <p>{@link #start} is idempotent and cheap when the control plane already runs with the same
 * settings (well under a second); with other settings it restarts cinder-api and
 * cinder-scheduler. On a machine without the Debian packages it installs them first (as root),
 * which takes about a minute. Nothing here ever skips a test: every failure is an
 * {@link AssertionError} carrying the script's or the CLI's output.
 *
 * <p>Settings are the script's environment variables ({@code EBS_CINDER_DIR},
 * {@code EBS_CINDER_HOST}, {@code EBS_CINDER_BACKEND}, {@code EBS_CINDER_SERVICE_DOWN_TIME},
 * {@code EBS_CINDER_REPORT_INTERVAL}, {@code EBS_CINDER_BACKEND_CONF}, {@code EBS_CINDER_EXTRA_CONF},
 * ...): the ones given to {@link #start} on top of this JVM's environment.
 */
public final class ControlPlane {

    public static final String SCRIPT = "scripts/control-plane.sh";
    public static final String DEFAULT_DIR = "/tmp/ebs-cinder";
    public static final String PROJECT_ID = "0123456789abcdef0123456789abcdef";

    /** Covers an apt-get install on a fresh machine plus the script's own readiness waits. */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(20);
    public static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
    /**
     * Per CLI run. cinder-api answers an RPC-backed request (e.g. {@code service-list} at
     * microversion 3.70 asks the scheduler for pools) only after rpc_response_timeout (60 s)
     * when nobody consumes, so this must exceed 60 s for such failures to show as the API's error.
     */
    public static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);
    /** A setting of this harness (not of the script): the CLI timeout in seconds, {@link #CLI_TIMEOUT} when unset. */
    public static final String CLI_TIMEOUT_SETTING = "EBS_TEST_CLI_TIMEOUT";

    /** Debian's CLIs, by absolute path: a pyenv or venv {@code cinder} on PATH lacks the noauth plugin. */
    public static final String CINDER_CLI = "/usr/bin/cinder";
    public static final String OPENSTACK_CLI = "/usr/bin/openstack";

    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Path repoRoot;
    private final Map<String, String> env;
    private final Map<String, String> cliEnv;
    private final String startOutput;

    private ControlPlane(Path repoRoot, Map<String, String> env, Map<String, String> cliEnv, String startOutput) {
        this.repoRoot = repoRoot;
        this.env = env;
        this.cliEnv = cliEnv;
        this.startOutput = startOutput;
    }

    /**
     * The {@code EBS_CINDER_EXTRA_CONF} of every lab test. cinder-api waits for
     * attachment_update / attachment_delete (RPC calls). In an emulated node a single LVM or
     * Python command takes 1 to 20 s (the longest while another node boots or resyncs on the same
     * two cores): an attach (an {@code ebs-lio create} and {@code add-initiator}, and before them
     * the driver's LVM reads) can come near Cinder's default rpc_response_timeout of 60 s on a busy
     * lab (with one targetcli run per step, ~13 of them, it went past 110 s). 110 s stays below
     * the CLI's own timeout ({@link #CLI_TIMEOUT}).
     */
    public static Path labExtraConf() {
        return labExtraConf(110);
    }

    /**
     * As {@link #labExtraConf()} with cinder-api waiting {@code rpcResponseTimeoutSeconds} for a
     * volume service's answer; start such a control plane with {@link #CLI_TIMEOUT_SETTING} above it.
     */
    public static Path labExtraConf(int rpcResponseTimeoutSeconds) {
        try {
            Path f = Files.createDirectories(Path.of("target"))
                    .resolve("lab-control-plane-extra-" + rpcResponseTimeoutSeconds + ".conf");
            Files.writeString(f, "[DEFAULT]\nrpc_response_timeout = " + rpcResponseTimeoutSeconds + "\n");
            return f.toAbsolutePath();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code scripts/control-plane.sh start} with these settings on top of this JVM's environment. */
    public static ControlPlane start(Map<String, String> env) {
        return start(env, new String[0]);
    }

    /**
     * {@code scripts/control-plane.sh start OPTIONS...}: {@code --reset-db} drops the cinder
     * database first (stopping the cinder services), {@code --with-python-volume} also runs
     * Debian's Python cinder-volume for {@code host@backend} (comparisons only: it consumes the
     * same queues as the Java worker).
     */
    public static ControlPlane start(Map<String, String> env, String... options) {
        Path root = repoRoot();
        Map<String, String> settings = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        List<String> command = new ArrayList<>(List.of("/bin/bash", root.resolve(SCRIPT).toString(), "start"));
        command.addAll(Arrays.asList(options));
        CliResult started = exec(command, scriptEnv(settings), root, START_TIMEOUT, true);
        if (!started.ok()) {
            throw new AssertionError("the Cinder control plane did not start (" + String.join(" ", command)
                    + ", settings " + settings + ", exit " + started.exitCode() + "):\n" + started.stdout()
                    + "\nlogs: " + dir(settings).resolve("log"));
        }
        CliResult printed = exec(List.of("/bin/bash", root.resolve(SCRIPT).toString(), "env"),
                scriptEnv(settings), root, Duration.ofSeconds(30), true).requireSuccess();
        return new ControlPlane(root, settings, parseExports(printed.stdout()), started.stdout());
    }

    /**
     * The project's root: the first directory at or above {@code user.dir} (the module
     * directory under Maven) that holds {@value #SCRIPT}.
     */
    public static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir;
            }
        }
        throw new AssertionError("no " + SCRIPT + " in " + start + " or above it");
    }

    /** {@code $EBS_CINDER_DIR}: everything the script writes (etc/, log/, run/, state/). */
    public Path dir() {
        return dir(env);
    }

    /** The cinder.conf cinder-api and cinder-scheduler run with; the Java worker reads the same file. */
    public Path cinderConf() {
        return dir().resolve("etc/cinder.conf");
    }

    /** cinder-api.log, cinder-scheduler.log, cinder-manage.log, ... */
    public Path logDir() {
        return dir().resolve("log");
    }

    /** The environment the CLIs get: OS_AUTH_TYPE=noauth, OS_ENDPOINT, CINDER_ENDPOINT, OS_PROJECT_ID, ... */
    public Map<String, String> cliEnv() {
        return cliEnv;
    }

    /** The settings this control plane was started with (on top of this JVM's environment). */
    public Map<String, String> settings() {
        return env;
    }

    public String startOutput() {
        return startOutput;
    }

    /** {@code http://127.0.0.1:8776/v3} (the volume API endpoint, without the project). */
    public String endpoint() {
        return cliEnv.get("OS_ENDPOINT");
    }

    public String projectId() {
        return cliEnv.get("OS_PROJECT_ID");
    }

    /** A database client for this control plane's cinder DB (close it when done). */
    public CinderDb db() {
        return CinderDb.connect(setting(env, "EBS_CINDER_DB_NAME", "cinder"),
                setting(env, "EBS_CINDER_DB_USER", "cinder"), setting(env, "EBS_CINDER_DB_PASS", "cinder"));
    }

    /** {@code EBS_CINDER_DB_NAME} (default {@code cinder}). */
    public String dbName() {
        return setting(env, "EBS_CINDER_DB_NAME", "cinder");
    }

    /** {@code EBS_CINDER_DB_USER} (default {@code cinder}); MariaDB grants it on 127.0.0.1 and localhost. */
    public String dbUser() {
        return setting(env, "EBS_CINDER_DB_USER", "cinder");
    }

    /** {@code EBS_CINDER_DB_PASS} (default {@code cinder}). */
    public String dbPassword() {
        return setting(env, "EBS_CINDER_DB_PASS", "cinder");
    }

    /** {@code EBS_CINDER_TRANSPORT_URL}: the broker cinder-api and cinder-scheduler use. */
    public String transportUrl() {
        return setting(env, "EBS_CINDER_TRANSPORT_URL", "rabbit://guest:guest@127.0.0.1:5672/");
    }

    /** {@code report_interval} the control plane runs with (seconds). */
    public int reportInterval() {
        return Integer.parseInt(setting(env, "EBS_CINDER_REPORT_INTERVAL", "10"));
    }

    /** {@code service_down_time} the control plane runs with (seconds). */
    public int serviceDownTime() {
        return Integer.parseInt(setting(env, "EBS_CINDER_SERVICE_DOWN_TIME", "60"));
    }

    /** The real {@code cinder} CLI (noauth, microversion 3.70). Check {@link CliResult#requireSuccess()}. */
    public CliResult cinder(String... args) {
        return cli(CINDER_CLI, args);
    }

    /** The real {@code openstack} CLI (noauth). {@code openstack volume create} does not work under noauth: use {@code cinder create}. */
    public CliResult openstack(String... args) {
        return cli(OPENSTACK_CLI, args);
    }

    /** {@code openstack ARGS... -f json}, which must succeed, parsed. */
    public JsonNode openstackJson(String... args) {
        List<String> withFormat = new ArrayList<>(Arrays.asList(args));
        withFormat.addAll(List.of("-f", "json"));
        CliResult result = openstack(withFormat.toArray(String[]::new)).requireSuccess();
        try {
            return JSON.readTree(result.stdout());
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON (" + e.getOriginalMessage() + "):\n" + result.describe(), e);
        }
    }

    /**
     * The state ({@code up}/{@code down}) the API reports for a service, as
     * {@code openstack volume service list} shows it, or empty when it has no such service.
     */
    public Optional<String> serviceStateFromCli(String binary, String host) {
        for (JsonNode service : openstackJson("volume", "service", "list", "--service", binary, "--host", host)) {
            if (host.equals(service.path("Host").asText()) && binary.equals(service.path("Binary").asText())) {
                return Optional.of(service.path("State").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * The state ({@code up}/{@code down}) cinder-api reports for a service ({@code GET
     * os-services}, the call behind {@code openstack volume service list}), or empty when it has
     * no such service. For polling: one CLI call costs seconds of this host's CPU, which the
     * lab's emulated nodes share; {@link #serviceStateFromCli} is the same answer through the CLI.
     */
    public Optional<String> serviceState(String binary, String host) {
        JsonNode services = apiGet("os-services?binary=" + encode(binary) + "&host=" + encode(host)).path("services");
        for (JsonNode service : services) {
            if (host.equals(service.path("host").asText()) && binary.equals(service.path("binary").asText())) {
                return Optional.of(service.path("state").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * The scheduler's pools as cinder-api reports them ({@code GET scheduler-stats/get_pools?detail=True},
     * the call behind {@code cinder get-pools --detail}): pool name to its capabilities. For polling,
     * as {@link #serviceState}.
     */
    public Map<String, JsonNode> pools() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode pool : apiGet("scheduler-stats/get_pools?detail=True").path("pools")) {
            out.put(pool.path("name").asText(), pool.path("capabilities"));
        }
        return out;
    }

    /**
     * GET {@code path} (below {@code /v3/<project>/}) from cinder-api with the noauth token and
     * microversion the CLIs send; the answer must be 200 and JSON.
     */
    public JsonNode apiGet(String path) {
        String url = endpoint() + "/" + projectId() + "/" + path;
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("X-Auth-Token", setting(env, "EBS_CINDER_USER_ID", "admin") + ":" + projectId())
                .header("OpenStack-API-Version", "volume " + setting(env, "EBS_CINDER_API_VERSION", "3.70"))
                .header("Accept", "application/json")
                .GET().build();
        try {
            java.net.http.HttpResponse<String> response = HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + url + ": HTTP " + response.statusCode() + "\n" + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: GET " + url, e);
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Runs any command with the CLI environment (e.g. {@code curl} with the noauth token header). */
    public CliResult run(Duration timeout, String... command) {
        return exec(List.of(command), cliProcessEnv(), repoRoot, timeout, false);
    }

    /** {@code scripts/control-plane.sh status}: exit 0 when api + scheduler run and answer. */
    public CliResult status() {
        return exec(List.of("/bin/bash", repoRoot.resolve(SCRIPT).toString(), "status"),
                scriptEnv(env), repoRoot, Duration.ofMinutes(3), false);
    }

    /**
     * {@code scripts/control-plane.sh stop}: stops cinder-api, cinder-scheduler (and a Python
     * cinder-volume), and RabbitMQ/MariaDB only if the script started them.
     */
    public void stop() {
        List<String> command = List.of("/bin/bash", repoRoot.resolve(SCRIPT).toString(), "stop");
        CliResult stopped = exec(command, scriptEnv(env), repoRoot, STOP_TIMEOUT, true);
        if (!stopped.ok()) {
            throw new AssertionError("stopping the Cinder control plane failed (exit " + stopped.exitCode() + "):\n"
                    + stopped.stdout());
        }
    }

    @Override
    public String toString() {
        return "ControlPlane[" + endpoint() + ", " + cinderConf() + "]";
    }

    // -----------------------------------------------------------------------------------------

    private CliResult cli(String executable, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(Arrays.asList(args));
        return exec(command, cliProcessEnv(), repoRoot,
                Duration.ofSeconds(Long.parseLong(setting(env, CLI_TIMEOUT_SETTING, Long.toString(CLI_TIMEOUT.toSeconds())))), false);
    }

    /** This JVM's environment without any OpenStack credentials, plus the noauth settings. */
    private Map<String, String> cliProcessEnv() {
        Map<String, String> result = new LinkedHashMap<>(System.getenv());
        result.keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("CINDER_") || k.equals("PYTHONPATH")
                || k.equals("PYTHONHOME"));
        result.put("PATH", SYSTEM_PATH + (System.getenv("PATH") == null ? "" : ":" + System.getenv("PATH")));
        result.putAll(cliEnv);
        return result;
    }

    private static Map<String, String> scriptEnv(Map<String, String> settings) {
        Map<String, String> result = new LinkedHashMap<>(System.getenv());
        result.putAll(settings);
        return result;
    }

    private static Path dir(Map<String, String> settings) {
        return Path.of(setting(settings, "EBS_CINDER_DIR", DEFAULT_DIR));
    }

    private static String setting(Map<String, String> settings, String name, String fallback) {
        String value = settings.get(name);
        if (value == null || value.isEmpty()) {
            value = System.getenv(name);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** {@code export K=V} lines of {@code control-plane.sh env}. */
    static Map<String, String> parseExports(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.startsWith("export ")) {
                String assignment = l.substring("export ".length());
                int eq = assignment.indexOf('=');
                if (eq > 0) {
                    result.put(assignment.substring(0, eq), assignment.substring(eq + 1));
                }
            }
        }
        for (String required : List.of("OS_AUTH_TYPE", "OS_ENDPOINT", "CINDER_ENDPOINT", "OS_PROJECT_ID")) {
            if (!result.containsKey(required)) {
                throw new AssertionError(SCRIPT + " env printed no " + required + ":\n" + text);
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Runs a command to completion with stdout and stderr in temporary files (no pipe can fill
     * up, and the timeout holds even if the command hangs). On timeout the command and its
     * descendants are killed and the result has exit code {@link CliResult#TIMED_OUT}.
     *
     * @param mergeStderr stderr goes into stdout (one interleaved transcript, as the scripts log)
     */
    public static CliResult exec(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
                                 boolean mergeStderr) {
        String shown = String.join(" ", command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("ebs-cli-", ".out");
            err = Files.createTempFile("ebs-cli-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile());
            if (mergeStderr) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            pb.environment().clear();
            pb.environment().putAll(environment);
            Process process = pb.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = mergeStderr ? "" : Files.readString(err, StandardCharsets.UTF_8);
            if (!finished) {
                String note = "\n[killed: no exit within " + timeout.toSeconds() + " s]";
                return new CliResult(CliResult.TIMED_OUT, mergeStderr ? stdout + note : stdout, stderr + note, shown);
            }
            return new CliResult(process.exitValue(), stdout, stderr, shown);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + shown + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + shown, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
