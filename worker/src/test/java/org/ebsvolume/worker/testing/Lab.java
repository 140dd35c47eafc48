package org.ebsvolume.worker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The project's QEMU lab ({@code lab/lab.sh}, see lab/README.md) driven from a test as an
 * external process with argument lists, never shell strings (except {@link #ssh}, whose whole
 * point is one remote shell line).
 *
 * <pre>{@code
 * Lab lab = Lab.fromEnvironment();           // EBS_LAB_RUN=/tmp/ebs-lab-it, EBS_LAB_PORT_BASE=26000 unless set
 * lab.up("nodea", "nodeb");                  // builds the image first when needed
 * CliResult r = lab.exec("nodea", "lvs", "--reportformat", "json");
 * String out = lab.execOk("nodea", "java", "-version");
 * lab.clean();                               // poweroff + delete the run directory
 * }</pre>
 *
 * <p>Settings come from this JVM's environment (or the system properties {@code ebs.lab.run} /
 * {@code ebs.lab.portBase}), defaulting to a run directory and port range of their own so that
 * another lab on the machine (lab/smoke.sh, a DRBD suite) is never touched. Every failure is an
 * {@link AssertionError} carrying the command and its output; nothing skips.
 */
public final class Lab {

    public static final String SCRIPT = "lab/lab.sh";
    public static final String DEFAULT_RUN = "/tmp/ebs-lab-it";
    public static final int DEFAULT_PORT_BASE = 26000;
    /** A node powers itself off after this long even if the test JVM died without {@link #clean}. */
    public static final int DEFAULT_LIFETIME_SECONDS = 3600;

    /** Image build on a fresh machine (~100 s, apt included) plus a boot at TCG speed under load. */
    public static final Duration UP_TIMEOUT = Duration.ofMinutes(15);
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

    private final Path repoRoot;
    private final Map<String, String> env;

    private Lab(Path repoRoot, Map<String, String> env) {
        this.repoRoot = repoRoot;
        this.env = env;
    }

    /** The lab with this JVM's {@code EBS_LAB_*} settings, and the test defaults for run directory and ports. */
    public static Lab fromEnvironment() {
        return withSettings(Map.of());
    }

    /**
     * The lab with these {@code EBS_LAB_*} settings on top of this JVM's environment (see
     * {@code lab/lab.sh} for the names); {@code EBS_LAB_RUN} and {@code EBS_LAB_PORT_BASE} default
     * to {@value #DEFAULT_RUN} and {@value #DEFAULT_PORT_BASE}, {@code EBS_LAB_LIFETIME} to
     * {@value #DEFAULT_LIFETIME_SECONDS}.
     */
    public static Lab withSettings(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.put("EBS_LAB_RUN", firstSet(settings.get("EBS_LAB_RUN"), System.getProperty("ebs.lab.run"),
                System.getenv("EBS_LAB_RUN"), DEFAULT_RUN));
        env.put("EBS_LAB_PORT_BASE", firstSet(settings.get("EBS_LAB_PORT_BASE"), System.getProperty("ebs.lab.portBase"),
                System.getenv("EBS_LAB_PORT_BASE"), String.valueOf(DEFAULT_PORT_BASE)));
        env.put("EBS_LAB_LIFETIME", firstSet(settings.get("EBS_LAB_LIFETIME"), System.getenv("EBS_LAB_LIFETIME"),
                String.valueOf(DEFAULT_LIFETIME_SECONDS)));
        settings.forEach((k, v) -> {
            if (!List.of("EBS_LAB_RUN", "EBS_LAB_PORT_BASE", "EBS_LAB_LIFETIME").contains(k)) { // resolved above
                env.put(k, v);
            }
        });
        return new Lab(repoRoot(), Collections.unmodifiableMap(env));
    }

    /** The first directory at or above {@code user.dir} that holds {@value #SCRIPT}. */
    public static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir;
            }
        }
        throw new AssertionError("no " + SCRIPT + " in " + start + " or above it");
    }

    public Path root() {
        return repoRoot;
    }

    public Path script() {
        return repoRoot.resolve(SCRIPT);
    }

    /** {@code EBS_LAB_RUN}: disks, consoles, pids, the ssh key of this lab. */
    public Path runDir() {
        return Path.of(env.get("EBS_LAB_RUN"));
    }

    public int portBase() {
        return Integer.parseInt(env.get("EBS_LAB_PORT_BASE"));
    }

    /** The {@code EBS_LAB_*} settings in force. */
    public Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("EBS_LAB_")) {
                out.put(k, v);
            }
        });
        return out;
    }

    // --------------------------------------------------------------------------------------------
    // lifecycle

    /** {@code lab.sh up NODE...}: boots them in parallel (running ones are left alone) and waits for sshd. */
    public String up(String... nodes) {
        return run(UP_TIMEOUT, "up", nodes).requireSuccess().stdout();
    }

    /** {@code lab.sh start NODE...}: boots a stopped or power-cut node again on its own disks. */
    public String start(String... nodes) {
        return run(UP_TIMEOUT, "start", nodes).requireSuccess().stdout();
    }

    /** {@code lab.sh kill -9 NODE...}: a power cut (disks kept). */
    public void kill(String... nodes) {
        List<String> args = new ArrayList<>(List.of("-9"));
        args.addAll(Arrays.asList(nodes));
        run(Duration.ofMinutes(1), "kill", args.toArray(String[]::new)).requireSuccess();
    }

    /** {@code lab.sh down [NODE...]}: clean poweroff (all running nodes when none is named). */
    public void down(String... nodes) {
        run(DOWN_TIMEOUT, "down", nodes).requireSuccess();
    }

    /** {@code lab.sh clean}: down + delete the run directory (every node's disks). */
    public void clean() {
        run(DOWN_TIMEOUT, "clean").requireSuccess();
    }

    /** {@code lab.sh status}: one line per node of this run. */
    public String status() {
        return run(Duration.ofSeconds(30), "status").requireSuccess().stdout();
    }

    /** Seconds the last boot of the node took to sshd ({@code lab.sh up} writes it), if known. */
    public OptionalDouble bootSeconds(String node) {
        try {
            return OptionalDouble.of(Double.parseDouble(Files.readString(runDir().resolve(node + ".boot_seconds")).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    // --------------------------------------------------------------------------------------------
    // commands in a node

    /** Runs exactly this argument list as root on the node; stdout and stderr apart, exit status the command's (255: ssh failed). */
    public CliResult exec(String node, String... argv) {
        return exec(DEFAULT_EXEC_TIMEOUT, node, argv);
    }

    public CliResult exec(Duration timeout, String node, String... argv) {
        List<String> args = new ArrayList<>(List.of(node));
        args.addAll(Arrays.asList(argv));
        return run(timeout, "exec", args.toArray(String[]::new));
    }

    /** {@link #exec} that must succeed; returns its stdout. */
    public String execOk(String node, String... argv) {
        return exec(node, argv).requireSuccess().stdout();
    }

    /** {@code bash -c SCRIPT} on the node (the script is one argument: no quoting games); must succeed. */
    public String bash(String node, String script) {
        return exec(node, "bash", "-c", script).requireSuccess().stdout();
    }

    /** Plain ssh: {@code command} is one remote shell string (pipes, {@code nohup ... &}). */
    public CliResult ssh(String node, String command) {
        return run(DEFAULT_EXEC_TIMEOUT, "ssh", node, command);
    }

    /** {@code lab.sh push NODE SRC... DST} (scp -r, then sync on the node). */
    public void push(String node, List<Path> sources, String destination) {
        List<String> args = new ArrayList<>(List.of(node));
        sources.forEach(p -> args.add(p.toString()));
        args.add(destination);
        run(Duration.ofMinutes(10), "push", args.toArray(String[]::new)).requireSuccess();
    }

    /** {@code lab.sh pull NODE SRC DST} (scp -r). */
    public CliResult pull(String node, String source, Path destination) {
        return run(Duration.ofMinutes(5), "pull", node, source, destination.toString());
    }

    // --------------------------------------------------------------------------------------------
    // addresses

    /** The node's address on the private lab network (eth1): {@code 10.99.0.(10+N)}. */
    public String ip(String node) {
        return run(Duration.ofSeconds(30), "ip", node).requireSuccess().stdout().strip();
    }

    /** The host port on 127.0.0.1 forwarded to the node's {@code ssh}, {@code iscsi} or {@code backend} port. */
    public int port(String node, String service) {
        return Integer.parseInt(run(Duration.ofSeconds(30), "port", node, service).requireSuccess().stdout().strip());
    }

    /** {@code iqn.2025-01.lab.ebs:<node>}, the initiator name the image gives every node. */
    public static String initiatorName(String node) {
        return "iqn.2025-01.lab.ebs:" + node;
    }

    /** The node's serial console so far (boot problems). */
    public String console(String node) {
        return run(Duration.ofSeconds(30), "console", node).stdout();
    }

    @Override
    public String toString() {
        return "Lab[" + runDir() + ", ports " + portBase() + "+]";
    }

    // --------------------------------------------------------------------------------------------

    private CliResult run(Duration timeout, String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(script().toString(), command));
        argv.addAll(Arrays.asList(args));
        return ControlPlane.exec(argv, env, repoRoot, timeout, false);
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
