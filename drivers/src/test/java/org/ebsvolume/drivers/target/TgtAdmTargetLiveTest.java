package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.time.Pause;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link TgtAdmTarget} against a real tgtd, fully in userspace on this host: a private tgtd
 * (own control socket, portal on 127.0.0.1 and a free port) serving sparse files, checked from
 * the initiator side with libiscsi's tools, CHAP included.
 *
 * <p>Needs the Debian packages {@code tgt} and {@code libiscsi-bin}, and root (tgtd's control
 * socket lives in /var/run/tgtd). Without them this class fails: a skipped test would hide that
 * the export path was never exercised.
 */
class TgtAdmTargetLiveTest {

    private static final String PREFIX = "iqn.2010-10.org.openstack:";
    private static final String INITIATOR = "iqn.1993-08.org.debian:01:ebstest0001";
    private static final long SIZE = 64L * 1024 * 1024;

    private static Path work;
    private static Path volumesDir;
    private static Path tgtConfig;
    private static int port;
    private static int controlPort;
    private static Process tgtd;
    private static CommandRunner runner;

    @BeforeAll
    static void startTgtd() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String[] tool : new String[][] {{"tgtd", "tgt"}, {"tgtadm", "tgt"}, {"tgt-admin", "tgt"},
                {"iscsi-inq", "libiscsi-bin"}, {"iscsi-readcapacity16", "libiscsi-bin"}}) {
            if (!onPath(tool[0])) {
                missing.add(tool[0] + " (Debian package " + tool[1] + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("The tgt live tests need " + String.join(", ", missing)
                    + " on PATH: apt-get install tgt libiscsi-bin (scripts/test should ensure both packages)");
        }
        work = Files.createTempDirectory("ebs-tgt-live");
        volumesDir = work.resolve("volumes");
        tgtConfig = work.resolve("targets.conf");
        // What Debian's cinder-volume package drops into /etc/tgt/conf.d for /var/lib/cinder/volumes.
        Files.writeString(tgtConfig, "include " + volumesDir + "/*\n");
        port = freePort();
        controlPort = freeControlPort();
        tgtd = new ProcessBuilder("tgtd", "-f", "-C", Integer.toString(controlPort),
                "--iscsi", "portal=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("tgtd.log").toFile()).start();
        runner = new CommandRunner(Set.of("tgtadm", "tgt-admin", "iscsi-inq", "iscsi-readcapacity16"), List.of(),
                Duration.ofSeconds(60));
        awaitTgtd();
    }

    @AfterAll
    static void stopTgtd() throws Exception {
        if (tgtd == null) {
            return;
        }
        try {
            // tgtd ignores SIGTERM and refuses "delete system" while targets exist.
            runner.run(List.of("tgt-admin", "-C", Integer.toString(controlPort), "-c", tgtConfig.toString(), "--delete", "ALL", "-f"));
            runner.run(List.of("tgtadm", "-C", Integer.toString(controlPort), "--op", "delete", "--mode", "system"));
        } catch (CommandFailedException e) {
            System.err.println("tgtd did not stop cleanly: " + e.getMessage());
        } finally {
            if (!tgtd.waitFor(10, TimeUnit.SECONDS)) {
                tgtd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(Path.of("/var/run/tgtd/socket." + controlPort));
            Files.deleteIfExists(Path.of("/var/run/tgtd/socket." + controlPort + ".lock"));
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // --- the tests ----------------------------------------------------------------------------------

    @Test
    void anExportIsReadableOverIscsiWithItsChapCredentials() throws Exception {
        ExportRequest request = newVolume(null);

        ExportResult result = tgt().createExport(request);

        ChapCredentials chap = ChapCredentials.fromProviderAuth(result.providerAuth());
        CommandResult inq = runner.run(List.of("iscsi-inq", "-i", INITIATOR, lunUrl(chap.user(), chap.password(), request.iqn())));
        assertThat(inq.stdout()).contains("Peripheral Device Type:DIRECT_ACCESS").contains("Vendor:IET");
        CommandResult capacity = runner.run(List.of("iscsi-readcapacity16", "-i", INITIATOR,
                lunUrl(chap.user(), chap.password(), request.iqn())));
        assertThat(capacity.stdout()).contains("Total size:" + SIZE);
    }

    @Test
    void aWrongOrMissingChapSecretIsRefused() throws Exception {
        ExportRequest request = newVolume(null);
        ChapCredentials chap = ChapCredentials.fromProviderAuth(tgt().createExport(request).providerAuth());

        for (String url : List.of(lunUrl(chap.user(), "wrongSecret12345", request.iqn()),
                "iscsi://127.0.0.1:" + port + "/" + request.iqn() + "/1")) {
            assertThatThrownBy(() -> runner.run(List.of("iscsi-inq", "-i", INITIATOR, url)))
                    .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(10);
                        assertThat(e.stderr()).contains("Authentication failure(513)");
                    });
        }
    }

    @Test
    void providerLocationAndAuthHaveCindersFormat() throws Exception {
        ExportRequest request = newVolume(null);

        ExportResult result = tgt().createExport(request);

        String tid = tidOf(request.iqn());
        assertThat(result.providerLocation()).isEqualTo("127.0.0.1:" + port + "," + tid + " " + request.iqn() + " 1");
        assertThat(result.providerAuth()).matches("CHAP [2-9A-HJ-NP-Za-km-z]{20} [2-9A-HJ-NP-Za-km-z]{16}");
    }

    @Test
    void thePersistenceFileIsCindersTemplateReadableByRootOnly() throws Exception {
        ChapCredentials chap = new ChapCredentials("Zq8kR3mNwX5tP2aVbC7d", "h7KxQ2mPz9RtVw4N");
        ExportRequest request = newVolume(chap);

        tgt().createExport(request);

        Path file = volumesDir.resolve(request.volumeName());
        assertThat(Files.readString(file)).isEqualTo("\n"
                + "<target " + request.iqn() + ">\n"
                + "    backing-store " + request.devicePath() + "\n"
                + "    driver iscsi\n"
                + "    incominguser Zq8kR3mNwX5tP2aVbC7d h7KxQ2mPz9RtVw4N\n"
                + "    \n"
                + "    write-cache on\n"
                + "    params thin_provisioning=1\n"
                + "</target>\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void connectionInfoIsCindersWithEveryPortalListed() throws Exception {
        ChapCredentials chap = new ChapCredentials("Zq8kR3mNwX5tP2aVbC7d", "h7KxQ2mPz9RtVw4N");
        String id = UUID.randomUUID().toString();
        // iscsi_secondary_ip_addresses: tgt ignores portals (tgtd listens where it was told), but
        // provider_location lists them and so does the connection info, for os-brick's multipath.
        ExportRequest request = new ExportRequest(id, "volume-" + id, sparseFile(id).toString(), chap, PREFIX,
                "127.0.0.1", List.of("127.0.0.2"), port);
        ExportResult result = tgt().createExport(request);
        ExportedVolume volume = new ExportedVolume(id, request.volumeName(), result.providerLocation(), result.providerAuth(), false);

        Map<String, Object> info = tgt().initializeConnection(volume, new Connector(INITIATOR, false));

        String tid = tidOf(request.iqn());
        assertThat(result.providerLocation()).isEqualTo("127.0.0.1:" + port + ";127.0.0.2:" + port + "," + tid + " " + request.iqn() + " 1");
        assertThat(info).containsOnlyKeys("driver_volume_type", "data").containsEntry("driver_volume_type", "iscsi");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) info.get("data");
        assertThat(data).containsExactly(
                Map.entry("target_discovered", false),
                Map.entry("target_portals", List.of("127.0.0.1:" + port, "127.0.0.2:" + port)),
                Map.entry("target_iqns", List.of(request.iqn(), request.iqn())),
                Map.entry("target_luns", List.of(1, 1)),
                Map.entry("target_portal", "127.0.0.1:" + port),
                Map.entry("target_iqn", request.iqn()),
                Map.entry("target_lun", 1),
                Map.entry("volume_id", id),
                Map.entry("auth_method", "CHAP"),
                Map.entry("auth_username", "Zq8kR3mNwX5tP2aVbC7d"),
                Map.entry("auth_password", "h7KxQ2mPz9RtVw4N"),
                Map.entry("encrypted", false));
        // What os-brick would do with it logs in: portal, IQN, LUN and CHAP from the dict.
        runner.run(List.of("iscsi-inq", "-i", INITIATOR, "iscsi://" + data.get("auth_username") + "%" + data.get("auth_password")
                + "@" + data.get("target_portal") + "/" + data.get("target_iqn") + "/" + data.get("target_lun")));
    }

    @Test
    void exportingAgainKeepsTheTargetAndItsTid() throws Exception {
        // Cinder calls create_export on every attach, with the credentials stored the first time.
        ChapCredentials chap = ChapCredentials.generate();
        ExportRequest request = newVolume(chap);
        ExportResult first = tgt().createExport(request);

        ExportResult second = tgt().createExport(request);

        assertThat(second).isEqualTo(first);
        assertThat(targetLines()).filteredOn(l -> l.endsWith(" " + request.iqn())).hasSize(1);
        runner.run(List.of("iscsi-inq", "-i", INITIATOR, lunUrl(chap.user(), chap.password(), request.iqn())));
    }

    @Test
    void removeExportLeavesNoTargetAndNoFile() throws Exception {
        ExportRequest request = newVolume(null);
        ExportResult result = tgt().createExport(request);
        ExportedVolume volume = new ExportedVolume(request.volumeId(), request.volumeName(), result.providerLocation(),
                result.providerAuth(), false);
        assertThat(tgt().exists(volume)).isTrue();

        tgt().removeExport(volume);

        assertThat(targetLines()).noneMatch(l -> l.endsWith(" " + request.iqn()));
        assertThat(volumesDir.resolve(request.volumeName())).doesNotExist();
        assertThat(tgt().exists(volume)).isFalse();
        // Removing what is gone is a success, as in Cinder.
        tgt().removeExport(volume);
    }

    @Test
    void aMissingBackingDeviceFailsAfterCindersWaitAndLeavesNothingBehind() throws Exception {
        // tgt-admin exits 0 when tgtd cannot open the backing store: the target has LUN 0 only.
        String id = UUID.randomUUID().toString();
        ExportRequest request = new ExportRequest(id, "volume-" + id, work.resolve("no-such-device").toString(), null,
                PREFIX, "127.0.0.1", List.of(), port);
        List<Duration> waits = new ArrayList<>();

        assertThatThrownBy(() -> tgt(waits::add).createExport(request))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetCreateFailed");
                    assertThat(e.getMessage()).contains("did not attach backing store");
                });
        assertThat(waits).containsExactly(Duration.ofSeconds(10));
        assertThat(targetLines()).noneMatch(l -> l.endsWith(" " + request.iqn()));
        assertThat(volumesDir.resolve(request.volumeName())).doesNotExist();
    }

    @Test
    void aTargetThatNeverShowsUpIsRetriedAsCinderDoes() throws Exception {
        // tgt's config does not include volumes_dir: tgt-admin --update quietly does nothing, and
        // the target is missing from 'tgtadm --op show' - Cinder's NotFound retry (3 attempts).
        Path blind = work.resolve("blind.conf");
        Files.writeString(blind, "include " + work.resolve("elsewhere") + "/*\n");
        ExportRequest request = newVolume(null);
        List<Duration> waits = new ArrayList<>();

        assertThatThrownBy(() -> tgt(blind, waits::add).createExport(request))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetCreateFailed");
                    assertThat(e.getMessage()).contains("does tgt's config include " + volumesDir + "/*");
                });
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(volumesDir.resolve(request.volumeName())).doesNotExist();
    }

    @Test
    void aFailingUpdateIsRetriedAsCinderDoes() throws Exception {
        // tgt's config has other targets but not ours: tgt-admin exits 1 ("can't continue").
        Path elsewhere = Files.createDirectories(work.resolve("other-volumes"));
        Files.writeString(elsewhere.resolve("volume-other"), "<target " + PREFIX + "volume-other>\n"
                + "    backing-store " + sparseFile("other") + "\n</target>\n");
        Path other = work.resolve("other.conf");
        Files.writeString(other, "include " + elsewhere + "/*\n");
        ExportRequest request = newVolume(null);
        List<Duration> waits = new ArrayList<>();

        assertThatThrownBy(() -> tgt(other, waits::add).createExport(request))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetCreateFailed");
                    assertThat(e.command()).isEqualTo("tgt-admin -C " + controlPort + " -c " + other + " --update " + request.iqn());
                    assertThat(e.exitCode()).isEqualTo(1);
                });
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(volumesDir.resolve(request.volumeName())).doesNotExist();
    }

    @Test
    void anUnreachableTgtdFailsTheExportAfterCindersRetriesAndLeavesNoFile() throws Exception {
        int nobody = freeControlPort();
        TgtAdmTarget.Settings settings = new TgtAdmTarget.Settings(volumesDir, true, "", false, nobody, tgtConfig);
        ExportRequest request = newVolume(null);
        List<Duration> waits = new ArrayList<>();

        assertThatThrownBy(() -> new TgtAdmTarget(settings, runner, waits::add).createExport(request))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetCreateFailed");
                    assertThat(e.getMessage()).contains("cannot reach tgtd: is it running with control port " + nobody + "?");
                    assertThat(e.exitCode()).isEqualTo(107);
                    assertThat(e.stderr()).contains("Transport endpoint is not connected");
                });
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(volumesDir.resolve(request.volumeName())).doesNotExist();
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static TgtAdmTarget tgt() {
        return tgt(tgtConfig, d -> fail("unexpected retry wait of " + d));
    }

    private static TgtAdmTarget tgt(Pause pause) {
        return tgt(tgtConfig, pause);
    }

    private static TgtAdmTarget tgt(Path config, Pause pause) {
        TgtAdmTarget.Settings settings = new TgtAdmTarget.Settings(volumesDir, true, "", false, controlPort, config);
        return new TgtAdmTarget(settings, runner, pause);
    }

    /** A new 64 MiB sparse "volume" (tgt's rdwr backing store takes a file as well as a device). */
    private static ExportRequest newVolume(ChapCredentials chap) throws IOException {
        String id = UUID.randomUUID().toString();
        return new ExportRequest(id, "volume-" + id, sparseFile(id).toString(), chap, PREFIX, "127.0.0.1", List.of(), port);
    }

    private static Path sparseFile(String name) throws IOException {
        Path file = work.resolve(name + ".img");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        return file;
    }

    private static String lunUrl(String user, String password, String iqn) {
        return "iscsi://" + user + "%" + password + "@127.0.0.1:" + port + "/" + iqn + "/1";
    }

    private static List<String> targetLines() throws CommandFailedException {
        String out = runner.run(List.of("tgtadm", "-C", Integer.toString(controlPort), "--lld", "iscsi", "--op", "show",
                "--mode", "target")).stdout();
        return out.lines().filter(l -> l.startsWith("Target ")).toList();
    }

    private static String tidOf(String iqn) throws CommandFailedException {
        return targetLines().stream().filter(l -> l.endsWith(": " + iqn)).findFirst()
                .map(l -> l.substring("Target ".length(), l.indexOf(':'))).orElseThrow();
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, binary);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * tgtd's control "port" is only the suffix of its socket {@code /var/run/tgtd/socket.N}
     * (0-32767; tgtadm refuses more). One nobody uses keeps this tgtd apart from a system tgtd
     * (N = 0) and from parallel test runs.
     */
    private static int freeControlPort() {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 100; i++) {
            int n = 1000 + random.nextInt(32767 - 1000);
            if (!Files.exists(Path.of("/var/run/tgtd/socket." + n)) && !Files.exists(Path.of("/var/run/tgtd/socket." + n + ".lock"))) {
                return n;
            }
        }
        throw new IllegalStateException("no free tgtd control port in /var/run/tgtd");
    }

    /** Until tgtd answers on its control socket and listens on the portal, at most 15 s. */
    private static void awaitTgtd() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!tgtd.isAlive()) {
                fail("tgtd exited with " + tgtd.exitValue() + ": " + Files.readString(work.resolve("tgtd.log")));
            }
            try (Socket s = new Socket()) {
                runner.run(List.of("tgtadm", "-C", Integer.toString(controlPort), "--op", "show", "--mode", "sys"));
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (CommandFailedException | IOException e) {
                last = e.getMessage();
                Thread.sleep(100);
            }
        }
        fail("tgtd did not come up on 127.0.0.1:" + port + " (control " + controlPort + "): " + last + "\n"
                + Files.readString(work.resolve("tgtd.log")));
    }
}
