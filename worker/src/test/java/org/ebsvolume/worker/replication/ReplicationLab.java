package org.ebsvolume.worker.replication;

import org.ebsvolume.worker.testing.CliResult;
import org.ebsvolume.worker.testing.ControlPlane;
import org.ebsvolume.worker.testing.LabWorker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab for the replication test: lab/lab.sh with this suite's own run directory and ports
 * ({@code EBS_LAB_RUN=/tmp/ebs-lab-repl}, {@code EBS_LAB_PORT_BASE=27000} unless
 * {@code -Debs.lab.run} / {@code -Debs.lab.portBase} say otherwise), and the worker deployed into
 * a node as a systemd unit running this build's classes. Argument lists only, no shell strings
 * built from data (the few {@code bash -c} scripts take their values as positional arguments).
 */
final class ReplicationLab {

    static final String HOME = "/opt/ebs-volume";
    static final String CONF = "/etc/cinder/cinder.conf";
    static final String LOG_DIR = "/var/log/ebs-volume";
    static final String UNIT = "ebs-volume";
    private static final List<String> TEST_ONLY = List.of("/org/junit/", "/org/opentest4j/", "/org/apiguardian/",
            "/org/assertj/", "/net/bytebuddy/", "/org/awaitility/", "/org/hamcrest/", "/org/apache/maven/surefire/",
            "/target/surefire/");

    private final Path root = ControlPlane.repoRoot();
    private final Map<String, String> env = new LinkedHashMap<>();

    ReplicationLab() {
        env.put("EBS_LAB_RUN", System.getProperty("ebs.lab.run", "/tmp/ebs-lab-repl"));
        env.put("EBS_LAB_PORT_BASE", System.getProperty("ebs.lab.portBase", "27000"));
        env.put("EBS_LAB_LIFETIME", "5400");
    }

    CliResult lab(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of("/bin/bash", root.resolve("lab/lab.sh").toString()));
        argv.addAll(List.of(args));
        Map<String, String> e = new LinkedHashMap<>(System.getenv());
        e.putAll(env);
        return ControlPlane.exec(argv, e, root, timeout, false);
    }

    /**
     * Starts {@code argv} on {@code node} without waiting: the caller reads its output as it
     * comes (a writer whose every printed line is an acknowledged write) and ends it.
     */
    Process spawn(String node, String... argv) {
        List<String> args = new ArrayList<>(List.of("/bin/bash", root.resolve("lab/lab.sh").toString(), "exec", node));
        args.addAll(List.of(argv));
        ProcessBuilder pb = new ProcessBuilder(args).directory(root.toFile()).redirectErrorStream(false);
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings lab.sh runs with (run directory, port base), for the shared test helpers. */
    Map<String, String> settings() {
        return Map.copyOf(env);
    }

    CliResult exec(String node, String... argv) {
        List<String> args = new ArrayList<>(List.of("exec", node));
        args.addAll(List.of(argv));
        return lab(Duration.ofMinutes(5), args.toArray(String[]::new));
    }

    String execOk(String node, String... argv) {
        return exec(node, argv).requireSuccess().stdout();
    }

    String ip(String node) {
        return lab(Duration.ofSeconds(30), "ip", node).requireSuccess().stdout().strip();
    }

    void push(String node, Path local, String remote) {
        lab(Duration.ofMinutes(5), "push", node, local.toString(), remote).requireSuccess();
    }

    /** The worker's runtime classpath (this JVM's, without test classes and frameworks) and a java.args file, into {@value #HOME}. */
    void deployWorker(String node) {
        // One staging directory per lab: the storage group's lab deploys with this class too, side by side.
        Path staging = root.resolve("worker/target/lab-deploy-" + env.get("EBS_LAB_PORT_BASE"));
        List<String> nodeEntries = new ArrayList<>();
        try {
            LabWorker.deleteTree(staging);
            Files.createDirectories(staging.resolve("lib"));
            Files.createDirectories(staging.resolve("modules"));
            int n = 0;
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path p = Path.of(e).toAbsolutePath().normalize();
                String s = p.toString();
                if (e.isBlank() || s.endsWith("/test-classes") || TEST_ONLY.stream().anyMatch(s::contains) || !Files.exists(p)) {
                    continue;
                }
                String name = (n++) + "-" + p.getFileName();
                if (Files.isDirectory(p)) {
                    LabWorker.copyTree(p, staging.resolve("modules").resolve(name));
                    nodeEntries.add(HOME + "/modules/" + name);
                } else {
                    Files.copy(p, staging.resolve("lib").resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    nodeEntries.add(HOME + "/lib/" + name);
                }
            }
            List<String> args = new ArrayList<>(List.of("-Xms32m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            args.add("-cp");
            args.add(String.join(":", nodeEntries));
            Files.write(staging.resolve("java.args"), args, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        execOk(node, "rm", "-rf", HOME);
        push(node, staging, HOME);
        // DRBD's fence-peer handler, where every resource file names it (as an operator installs it).
        String handler = org.ebsvolume.drivers.drbd.DrbdResourceConfig.FENCE_HANDLER;
        execOk(node, "mkdir", "-p", Path.of(handler).getParent().toString());
        push(node, root.resolve("bin/ebs-drbd-handler"), handler);
        execOk(node, "chmod", "0755", handler);
        push(node, root.resolve("bin/ebs-lio"), "/usr/bin/ebs-lio");
        execOk(node, "chmod", "0755", "/usr/bin/ebs-lio");
    }

    /**
     * The package {@code scripts/build-deb} made ({@code target/ebs-volume_<version>_all.deb}; the
     * lab stage builds it before its groups), installed as an operator installs it: {@code dpkg -i}
     * (its dependencies are in the lab image), which puts the jar, the launcher, ebs-lio, the DRBD
     * handler, the unit and the LVM filter in place. Then the worker runs as
     * {@code systemctl start ebs-volume}; {@link #stopWorker} and the logs work the same.
     */
    void installPackage(String node) {
        Path deb = LabWorker.builtDebianPackage(root);
        execOk(node, "rm", "-rf", HOME);
        push(node, deb, "/tmp/ebs-volume.deb");
        execOk(node, "dpkg", "-i", "/tmp/ebs-volume.deb");
        // The JVM options of the classpath deploy (a small heap, C1 only: the nodes are emulated).
        try {
            Path defaults = Files.createTempFile("ebs-volume-default", "");
            Files.writeString(defaults, "EBS_VOLUME_JAVA_OPTS=\"-Xms32m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                    + " -XX:+ExitOnOutOfMemoryError\"\n");
            push(node, defaults, "/etc/default/ebs-volume");
            Files.delete(defaults);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dpkg --purge ebs-volume}: what the package added goes (the LVM filter too), so a later class can deploy its own way. */
    void purgePackage(String node) {
        exec(node, "dpkg", "--purge", "ebs-volume");
    }

    /** The installed unit ({@code systemctl start ebs-volume}), as an operator starts it. */
    void startInstalledWorker(String node) {
        execOk(node, "systemctl", "start", UNIT);
    }

    void writeConfig(String node, String text) {
        try {
            Path local = Files.createTempFile("lab-repl-" + node, ".conf");
            Files.writeString(local, text);
            execOk(node, "mkdir", "-p", "/etc/cinder", LOG_DIR, "/var/lib/cinder");
            push(node, local, CONF);
            Files.delete(local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startWorker(String node) {
        stopWorker(node);
        execOk(node, "systemd-run", "--unit=" + UNIT, "--description=ebs-volume (replication lab)",
                "--property=StandardOutput=append:" + LOG_DIR + "/console.log",
                "--property=StandardError=append:" + LOG_DIR + "/console.log",
                "--property=KillMode=mixed", "--property=TimeoutStopSec=60",
                "/usr/bin/java", "@" + HOME + "/java.args", "org.ebsvolume.worker.Main", "--config-file", CONF);
    }

    void stopWorker(String node) {
        exec(node, "systemctl", "stop", UNIT);
        exec(node, "systemctl", "reset-failed", UNIT);
    }

    /**
     * Copies each node's whole worker log directory and the control plane's logs to
     * {@code worker/target/lab-logs/<label>/}: a failed CI run is read there, not in the tails
     * printed on failure.
     */
    Path collectLogs(String label, ControlPlane cp, String... nodes) {
        Path dir = root.resolve("worker/target/lab-logs").resolve(label);
        try {
            for (String node : nodes) {
                Path nodeDir = Files.createDirectories(dir.resolve(node));
                lab(Duration.ofMinutes(2), "pull", node, LOG_DIR, nodeDir.toString());
                CliResult drbd = exec(node, "bash", "-c", "drbdadm status; lvs -a; targetcli ls", "state");
                Files.writeString(nodeDir.resolve("state.txt"), drbd.stdout() + drbd.stderr());
            }
            if (cp != null) {
                Path cpLogs = Files.createDirectories(dir.resolve("control-plane"));
                for (String name : List.of("cinder-api.log", "cinder-scheduler.log")) {
                    Path f = cp.logDir().resolve(name);
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, cpLogs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("collecting the lab logs into " + dir + " failed: " + e);
        }
        return dir;
    }

    String workerLog(String node) {
        CliResult r = exec(node, "bash", "-c", "tail -n 120 \"$1\"/ebs-volume.log; if [ -f \"$1\"/console.log ]; then tail -n 40 \"$1\"/console.log;"
                + " else journalctl -u ebs-volume --no-pager -n 40; fi", "log", LOG_DIR);
        return "===== " + node + " worker log\n" + r.stdout() + r.stderr();
    }
}
