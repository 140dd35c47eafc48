package org.ebsvolume.worker.testing;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The Java worker deployed and run inside a lab node, as on a real storage host: its runtime
 * classpath (the modules' {@code target/classes} and the dependency jars of this test JVM, minus
 * test-only ones) pushed to {@value #HOME}, the volume group created on the node's data disk,
 * {@code /etc/cinder/cinder.conf} pointing at the host's control plane through {@code 10.0.2.2},
 * and the service run as the systemd unit {@value #UNIT} ({@code systemd-run}).
 *
 * <pre>{@code
 * LabWorker worker = LabWorker.deploy(lab, controlPlane, LabWorker.Settings.defaults());
 * worker.start();                       // until `openstack volume service list` shows nodea@ebs up
 * ...
 * worker.collectLogs("my-test");        // worker/target/lab-logs/my-test/nodea/...
 * worker.stop();
 * }</pre>
 *
 * <p>Every failure is an {@link AssertionError}; a worker that does not come up fails with its log.
 */
public final class LabWorker {

    public static final String HOME = "/opt/ebs-volume";
    public static final String CONF = "/etc/cinder/cinder.conf";
    public static final String LOG_DIR = "/var/log/ebs-volume";
    public static final String UNIT = "ebs-volume";
    public static final String MAIN = "org.ebsvolume.worker.Main";
    /** What the brief and Cinder's own defaults call it. */
    public static final String DEFAULT_VG = "cinder-volumes";

    /** Entries of the test classpath that the service does not need (test frameworks and test classes). */
    private static final List<String> TEST_ONLY = List.of("/org/junit/", "/org/opentest4j/", "/org/apiguardian/",
            "/org/assertj/", "/net/bytebuddy/", "/org/awaitility/", "/org/hamcrest/", "/org/apache/maven/surefire/",
            "/target/surefire/");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");

    /**
     * One {@code enabled_backends} section of the EBS driver, with the VG it uses and the node's
     * disk that VG is created on (lab nodes have /dev/vdb and /dev/vdc).
     */
    public record Backend(String name, String volumeBackendName, String lvmType, String volumeGroup, String device) {
        public Backend {
            requireName(name);
            requireName(volumeBackendName);
            requireName(volumeGroup);
            if (!List.of("thin", "default", "auto").contains(lvmType)) {
                throw new IllegalArgumentException("lvm_type " + lvmType);
            }
            if (!device.matches("/dev/[a-z0-9]+")) {
                throw new IllegalArgumentException("device " + device);
            }
        }

        /** lvm_type = thin on VG {@value #DEFAULT_VG} (/dev/vdb); the driver makes the pool. */
        public static Backend thin(String name) {
            return new Backend(name, name, "thin", DEFAULT_VG, "/dev/vdb");
        }

        /** lvm_type = default (thick) on VG {@code cinder-volumes-thick} (/dev/vdc). */
        public static Backend thick(String name) {
            return new Backend(name, name, "default", DEFAULT_VG + "-thick", "/dev/vdc");
        }
    }

    /**
     * What to deploy.
     *
     * @param node                  the storage node ({@code nodea})
     * @param backends              {@code enabled_backends}, in order
     * @param statsPollingInterval  {@code backend_stats_polling_interval} (seconds)
     * @param javaOptions           JVM options of the service
     * @param deployment            how the worker gets onto the node and runs there
     */
    public record Settings(String node, List<Backend> backends, int statsPollingInterval, List<String> javaOptions,
                           Deployment deployment) {
        public Settings {
            requireName(node);
            backends = List.copyOf(backends);
            javaOptions = List.copyOf(javaOptions);
            java.util.Objects.requireNonNull(deployment, "deployment");
        }

        /**
         * nodea, one thin backend {@code ebs}, Cinder's stats interval; a small heap, serial GC
         * and C1 only (a JIT that does not eat the node's one emulated CPU during start-up).
         */
        public static Settings defaults() {
            return new Settings("nodea", List.of(Backend.thin("ebs")), 60,
                    List.of("-Xms32m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), Deployment.CLASSPATH);
        }

        public Settings withBackends(Backend... b) {
            return new Settings(node, List.of(b), statsPollingInterval, javaOptions, deployment);
        }

        public Settings withStatsPollingInterval(int seconds) {
            return new Settings(node, backends, seconds, javaOptions, deployment);
        }

        public Settings withNode(String n) {
            return new Settings(n, backends, statsPollingInterval, javaOptions, deployment);
        }

        public Settings withJavaOptions(List<String> options) {
            return new Settings(node, backends, statsPollingInterval, options, deployment);
        }

        /** The worker from the project's Debian package, run as {@code systemctl start ebs-volume}. */
        public Settings withDebianPackage() {
            return new Settings(node, backends, statsPollingInterval, javaOptions, Deployment.DEBIAN_PACKAGE);
        }
    }

    /** How the worker gets onto a node. */
    public enum Deployment {
        /** This build's classes and libraries pushed as they are, run by {@code systemd-run} (fast to iterate). */
        CLASSPATH,
        /**
         * {@code target/ebs-volume_*_all.deb} ({@code scripts/build-deb}) installed with {@code dpkg -i},
         * run by its own unit, {@code systemctl start ebs-volume}: as an operator runs it.
         */
        DEBIAN_PACKAGE
    }

    private final Lab lab;
    private final ControlPlane controlPlane;
    private final Settings settings;
    private final String nodeIp;
    private String config;

    private LabWorker(Lab lab, ControlPlane controlPlane, Settings settings, String nodeIp) {
        this.lab = lab;
        this.controlPlane = controlPlane;
        this.settings = settings;
        this.nodeIp = nodeIp;
    }

    /**
     * Pushes the worker's runtime classpath, creates the VG (idempotent) and writes cinder.conf.
     * A worker left running from an earlier deploy is stopped first.
     */
    public static LabWorker deploy(Lab lab, ControlPlane controlPlane, Settings settings) {
        LabWorker w = new LabWorker(lab, controlPlane, settings, lab.ip(settings.node()));
        w.stopUnit();
        if (settings.deployment() == Deployment.DEBIAN_PACKAGE) {
            w.installPackage();
        } else {
            // An installed package's unit file would make `systemd-run --unit ebs-volume` fail.
            lab.exec(Duration.ofMinutes(2), settings.node(), "dpkg", "--purge", "ebs-volume");
            w.pushClasspath();
        }
        w.prepareVolumeGroups();
        w.writeConfig(w.defaultConfig());
        return w;
    }

    /**
     * Puts a reused node's storage back to new: stops the service, clears LIO's whole
     * configuration (live and saved), removes the backends' VGs and their PV labels. For runs on
     * nodes that an earlier run left up; a freshly booted node needs none of it.
     */
    public static void wipeStorage(Lab lab, Settings settings) {
        String node = settings.node();
        lab.exec(Duration.ofMinutes(2), node, "systemctl", "stop", UNIT);
        lab.exec(node, "systemctl", "reset-failed", UNIT);
        lab.execOk(node, "targetcli", "clearconfig", "confirm=True");
        lab.execOk(node, "targetcli", "saveconfig");
        for (Backend b : settings.backends()) {
            lab.exec(node, "bash", "-c", "vgremove -q -ff -y \"$1\" 2>/dev/null; pvremove -q -ff -y \"$2\" 2>/dev/null; true",
                    "wipe", b.volumeGroup(), b.device()).requireSuccess();
        }
    }

    public Settings settings() {
        return settings;
    }

    public String node() {
        return settings.node();
    }

    /** The node's address on the lab network: the iSCSI portal the worker exports on. */
    public String nodeIp() {
        return nodeIp;
    }

    /** {@code <node>@<backend>}, the services row and RPC server of a backend. */
    public String serviceHost(String backend) {
        return node() + "@" + backend;
    }

    /** {@code <node>@<backend>#<volume_backend_name>}, the pool the scheduler places volumes in. */
    public String pool(Backend backend) {
        return serviceHost(backend.name()) + "#" + backend.volumeBackendName();
    }

    /** The cinder.conf the worker runs with. */
    public String config() {
        return config;
    }

    /** cinder.conf for these settings: the host's broker and database through 10.0.2.2, the control plane's timings. */
    public String defaultConfig() {
        StringBuilder c = new StringBuilder();
        c.append("# Written by LabWorker (worker tests); the host's control plane is 10.0.2.2 from a node.\n");
        c.append("[DEFAULT]\n");
        c.append("host = ").append(node()).append('\n');
        c.append("my_ip = ").append(nodeIp).append('\n');
        c.append("transport_url = ").append(fromNode(controlPlane.transportUrl())).append('\n');
        c.append("enabled_backends = ").append(String.join(",", settings.backends().stream().map(Backend::name).toList())).append('\n');
        c.append("report_interval = ").append(controlPlane.reportInterval()).append('\n');
        c.append("service_down_time = ").append(controlPlane.serviceDownTime()).append('\n');
        c.append("backend_stats_polling_interval = ").append(settings.statsPollingInterval()).append('\n');
        c.append("debug = true\n");
        c.append("log_dir = ").append(LOG_DIR).append('\n');
        c.append("state_path = /var/lib/cinder\n");
        // The host's glance-api (scripts/glance.sh, 127.0.0.1:9292) as a node reaches it.
        c.append("glance_api_servers = http://10.0.2.2:9292\n");
        c.append("\n[database]\n");
        c.append("connection = mysql+pymysql://").append(controlPlane.dbUser()).append(':').append(controlPlane.dbPassword())
                .append("@10.0.2.2:3306/").append(controlPlane.dbName()).append('\n');
        for (Backend b : settings.backends()) {
            c.append('\n').append('[').append(b.name()).append("]\n");
            c.append("volume_driver = cinder.volume.drivers.ebs.EBSDriver\n");
            c.append("volume_backend_name = ").append(b.volumeBackendName()).append('\n');
            c.append("volume_group = ").append(b.volumeGroup()).append('\n');
            c.append("lvm_type = ").append(b.lvmType()).append('\n');
            c.append("target_helper = lioadm\n");
            c.append("target_ip_address = ").append(nodeIp).append('\n');
        }
        return c.toString();
    }

    /** Installs {@code content} as {@value #CONF} on the node (takes effect at the next {@link #start}). */
    public void writeConfig(String content) {
        Path local = stagingDir().resolveSibling("lab-cinder-" + node() + ".conf");
        try {
            Files.writeString(local, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lab.execOk(node(), "mkdir", "-p", "/etc/cinder", LOG_DIR, "/var/lib/cinder");
        lab.push(node(), List.of(local), CONF + ".new");
        lab.execOk(node(), "mv", "-f", CONF + ".new", CONF);
        this.config = content;
    }

    // --------------------------------------------------------------------------------------------
    // run

    /**
     * Starts the service ({@code systemd-run --unit ebs-volume java ... --config-file
     * /etc/cinder/cinder.conf}) and waits until every backend is {@code up} for the API and its
     * pool is known to the scheduler ({@code cinder get-pools}). Returns how long that took.
     */
    public Duration start() {
        long t0 = System.nanoTime();
        stopUnit();
        lab.execOk(node(), "mkdir", "-p", LOG_DIR);
        if (settings.deployment() == Deployment.DEBIAN_PACKAGE) {
            lab.execOk(node(), "systemctl", "start", UNIT);
            awaitUp(Duration.ofMinutes(4));
            return Duration.ofNanos(System.nanoTime() - t0);
        }
        List<String> argv = new ArrayList<>(List.of("systemd-run", "--unit=" + UNIT, "--description=ebs-volume (lab)",
                "--property=StandardOutput=append:" + LOG_DIR + "/console.log",
                "--property=StandardError=append:" + LOG_DIR + "/console.log",
                "--property=KillMode=mixed", "--property=TimeoutStopSec=60",
                "/usr/bin/java", "@" + HOME + "/java.args", MAIN, "--config-file", CONF));
        lab.exec(node(), argv.toArray(String[]::new)).requireSuccess();
        awaitUp(Duration.ofMinutes(4));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Waits until the API shows every backend {@code up} and the scheduler lists every pool; fails with the worker's log. */
    public void awaitUp(Duration timeout) {
        try {
            await().atMost(timeout).pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                if (!isRunning()) {
                    throw new AssertionError("the worker's unit " + UNIT + " on " + node() + " is not running:\n" + log());
                }
                for (Backend b : settings.backends()) {
                    if (!controlPlane.serviceState("cinder-volume", serviceHost(b.name())).map("up"::equals).orElse(false)) {
                        return false;
                    }
                }
                return true;
            });
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                java.util.Set<String> pools = controlPlane.pools().keySet();
                return settings.backends().stream().allMatch(b -> pools.contains(pool(b)));
            });
            // Polled through the API (cheap); the CLI, once, must list them too.
            String listed = controlPlane.cinder("get-pools").requireSuccess().stdout();
            for (Backend b : settings.backends()) {
                if (!listed.contains(pool(b))) {
                    throw new AssertionError("cinder get-pools does not list " + pool(b) + " that the API reports:\n" + listed);
                }
            }
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the worker on " + node() + " is not up with its pools after " + timeout.toSeconds()
                    + " s (" + e.getMessage() + ")\n" + log(), e);
        }
    }

    /** {@code systemctl is-active ebs-volume}. */
    public boolean isRunning() {
        return lab.exec(node(), "systemctl", "is-active", "--quiet", UNIT).ok();
    }

    /** SIGTERM (systemctl stop), waiting for the service to exit; a no-op when it does not run. */
    public void stop() {
        stopUnit();
    }

    /** SIGKILL of the service: it dies without a word, as in a crash. */
    public void kill() {
        lab.exec(node(), "systemctl", "kill", "--signal=KILL", UNIT);
        lab.exec(node(), "systemctl", "reset-failed", UNIT);
    }

    private void stopUnit() {
        // `systemctl stop` waits for the exit (TimeoutStopSec, then SIGKILL); reset-failed lets
        // systemd-run reuse the unit name.
        lab.exec(Duration.ofMinutes(2), node(), "systemctl", "stop", UNIT);
        lab.exec(node(), "systemctl", "reset-failed", UNIT);
    }

    // --------------------------------------------------------------------------------------------
    // logs

    /** The worker's log (oslo format, {@value #LOG_DIR}/ebs-volume.log) and its console (stdout/stderr), last lines. */
    public String log() {
        // A packaged unit's stdout/stderr go to the journal; systemd-run's to console.log.
        String console = settings.deployment() == Deployment.DEBIAN_PACKAGE
                ? "echo '===== journal (last 40 lines)'; journalctl -u " + UNIT + " --no-pager -n 40 2>&1; "
                : "echo '===== " + LOG_DIR + "/console.log (last 150 lines)'; tail -n 150 " + LOG_DIR + "/console.log 2>&1; ";
        CliResult r = lab.exec(node(), "bash", "-c", "echo '===== " + LOG_DIR + "/ebs-volume.log (last 150 lines)'; tail -n 150 "
                + LOG_DIR + "/ebs-volume.log 2>&1; " + console
                + "echo '===== systemctl status'; systemctl status --no-pager -n 0 " + UNIT + " 2>&1 || true");
        return r.stdout() + r.stderr();
    }

    /**
     * Copies the node's worker logs, journal of the unit, {@code targetcli ls}, {@code lvs -a} and
     * the host's cinder-api/-scheduler logs into {@code worker/target/lab-logs/<label>/}; returns
     * that directory. Never fails the test (a node that is gone simply yields less).
     */
    public Path collectLogs(String label) {
        Path dir = lab.root().resolve("worker/target/lab-logs").resolve(label);
        Path nodeDir = dir.resolve(node());
        try {
            Files.createDirectories(nodeDir);
            lab.pull(node(), LOG_DIR, nodeDir);
            snapshot(nodeDir.resolve("journal-ebs-volume.txt"), "journalctl", "--no-pager", "-u", UNIT);
            snapshot(nodeDir.resolve("targetcli-ls.txt"), "targetcli", "ls");
            snapshot(nodeDir.resolve("lvs.txt"), "lvs", "-a", "-o", "+lv_size,pool_lv,lv_attr", "--units", "b");
            Files.writeString(nodeDir.resolve("cinder.conf"), config == null ? "" : config.replace(
                    controlPlane.dbPassword() + "@", "***@"));
            Path cpLogs = dir.resolve("control-plane");
            Files.createDirectories(cpLogs);
            for (String name : List.of("cinder-api.log", "cinder-scheduler.log")) {
                Path f = controlPlane.logDir().resolve(name);
                if (Files.isRegularFile(f)) {
                    Files.copy(f, cpLogs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            System.err.println("LabWorker: log collection into " + dir + " incomplete: " + e);
        }
        return dir;
    }

    private void snapshot(Path file, String... argv) throws IOException {
        CliResult r = lab.exec(node(), argv);
        Files.writeString(file, r.stdout() + (r.stderr().isBlank() ? "" : "\n--- stderr ---\n" + r.stderr()));
    }

    // --------------------------------------------------------------------------------------------
    // deployment

    /** Each backend's VG on its disk, unless it exists (a reused node keeps its volumes). */
    private void prepareVolumeGroups() {
        String script = """
                set -eu
                vg=$1 dev=$2
                if ! vgs "$vg" >/dev/null 2>&1; then
                  pvcreate -q -y "$dev"
                  vgcreate -q "$vg" "$dev"
                fi
                vgs --noheadings -o vg_name,pv_count,vg_size,vg_free "$vg"
                """;
        Map<String, String> vgs = new LinkedHashMap<>();
        for (Backend b : settings.backends()) {
            String other = vgs.putIfAbsent(b.volumeGroup(), b.device());
            if (other != null && !other.equals(b.device())) {
                throw new IllegalArgumentException("VG " + b.volumeGroup() + " on both " + other + " and " + b.device());
            }
        }
        vgs.forEach((vg, device) -> lab.exec(node(), "bash", "-c", script, "prepare-vg", vg, device).requireSuccess());
    }

    private void pushClasspath() {
        Path staging = stagingDir();
        List<String> nodeEntries = new ArrayList<>();
        try {
            deleteTree(staging);
            Files.createDirectories(staging.resolve("lib"));
            Files.createDirectories(staging.resolve("modules"));
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (Path entry : runtimeClasspath()) {
                if (Files.isDirectory(entry)) {
                    // <module>/target/classes -> modules/<module>
                    String module = entry.getParent() != null && entry.getParent().getParent() != null
                            ? entry.getParent().getParent().getFileName().toString() : "classes";
                    int n = seen.merge(module, 1, Integer::sum);
                    String name = n == 1 ? module : module + "-" + n;
                    copyTree(entry, staging.resolve("modules").resolve(name));
                    nodeEntries.add(HOME + "/modules/" + name);
                } else {
                    String name = entry.getFileName().toString();
                    int n = seen.merge(name, 1, Integer::sum);
                    if (n > 1) {
                        name = n + "-" + name;
                    }
                    Files.copy(entry, staging.resolve("lib").resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    nodeEntries.add(HOME + "/lib/" + name);
                }
            }
            List<String> args = new ArrayList<>(settings.javaOptions());
            args.add("-cp");
            args.add(String.join(":", nodeEntries));
            Files.write(staging.resolve("java.args"), args, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot stage the worker's classpath in " + staging + ": " + e, e);
        }
        lab.execOk(node(), "rm", "-rf", HOME);
        lab.push(node(), List.of(staging), HOME);
        lab.execOk(node(), "test", "-f", HOME + "/java.args");
        installLioHelper(lab, node());
    }

    /**
     * The package {@code scripts/build-deb} made, installed as an operator installs it ({@code dpkg
     * -i}: its dependencies are in the lab image), with this worker's JVM options in
     * {@code /etc/default/ebs-volume}.
     */
    private void installPackage() {
        lab.execOk(node(), "rm", "-rf", HOME);
        lab.push(node(), List.of(builtDebianPackage(lab.root())), "/tmp/ebs-volume.deb");
        lab.execOk(node(), "dpkg", "-i", "/tmp/ebs-volume.deb");
        List<String> options = new ArrayList<>(settings.javaOptions());
        options.add("-XX:+ExitOnOutOfMemoryError");
        lab.execOk(node(), "bash", "-c", "printf 'EBS_VOLUME_JAVA_OPTS=\"%s\"\\n' \"$1\" > /etc/default/ebs-volume", "defaults",
                String.join(" ", options));
    }

    /**
     * The one {@code target/ebs-volume_*_all.deb} under the repository root; a missing one fails
     * with the command that makes it (the lab stage, {@code scripts/test-lab}, runs it first).
     */
    public static Path builtDebianPackage(Path root) {
        List<Path> debs = new ArrayList<>();
        try (var files = Files.newDirectoryStream(root.resolve("target"), "ebs-volume_*_all.deb")) {
            files.forEach(debs::add);
        } catch (IOException e) {
            throw new AssertionError("no " + root.resolve("target") + " with the package: run scripts/build-deb", e);
        }
        if (debs.size() != 1) {
            throw new AssertionError("want exactly one target/ebs-volume_*_all.deb, found " + debs
                    + ": run scripts/build-deb (the lab stage, scripts/test-lab, runs it first)");
        }
        return debs.get(0);
    }

    /** {@code bin/ebs-lio} as {@code /usr/bin/ebs-lio}, where an operator installs it (the LIO target runs it). */
    public static void installLioHelper(Lab lab, String node) {
        lab.push(node, List.of(lab.root().resolve("bin/ebs-lio")), "/usr/bin/ebs-lio");
        lab.execOk(node, "chmod", "0755", "/usr/bin/ebs-lio");
    }

    /**
     * The service's runtime classpath: this JVM's {@code java.class.path} (Surefire puts the
     * module's test classpath there) without test classes and test frameworks. Must hold
     * {@value #MAIN}.
     */
    static List<Path> runtimeClasspath() {
        List<Path> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            Path p = Path.of(e).toAbsolutePath().normalize();
            String s = p.toString().replace('\\', '/');
            if (s.endsWith("/test-classes") || s.endsWith("-tests.jar") || TEST_ONLY.stream().anyMatch(s::contains)
                    || !Files.exists(p)) {
                continue;
            }
            out.add(p);
        }
        String mainClass = MAIN.replace('.', '/') + ".class";
        boolean hasMain = out.stream().anyMatch(p -> Files.isDirectory(p) ? Files.isRegularFile(p.resolve(mainClass))
                : p.getFileName().toString().contains("worker"));
        if (!hasMain) {
            throw new AssertionError("no " + MAIN + " on this JVM's classpath (run the test through Maven): " + out);
        }
        return out;
    }

    private Path stagingDir() {
        return lab.root().resolve("worker/target/lab-deploy-" + node());
    }

    /** Copies a directory tree (the worker's classes into a deploy staging directory). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The host's loopback as a node sees it (QEMU user networking: 10.0.2.2 = the host's 127.0.0.1). */
    static String fromNode(String url) {
        return url.replace("@127.0.0.1:", "@10.0.2.2:").replace("@localhost:", "@10.0.2.2:")
                .replace("@127.0.0.1/", "@10.0.2.2/").replace("@localhost/", "@10.0.2.2/");
    }

    private static void requireName(String s) {
        if (s == null || !NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("not a plain name: " + s);
        }
    }

    /** A timestamped label for {@link #collectLogs}. */
    public static String label(String base) {
        return base + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
