package org.ebsvolume.drivers.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.ebsvolume.drivers.command.CommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image <-> volume copies against Debian's real glance-api (noauth, file store, started by
 * scripts/glance.sh) with the real qemu-img. A regular file stands in for the volume's block
 * device (this host has no device-mapper). Each test is one behaviour of Cinder's
 * copy_image_to_volume / copy_volume_to_image.
 */
class ImageCopierTest {

    /** Looks like a Keystone fernet token: it must never show up in a log line or an error. */
    static final String TOKEN = "gAAAAABn-secret-token-Zq9xV7wK3mP2";

    @TempDir
    Path tmp;

    private Path conversionDir;
    private ImageCopier copier;
    private final List<String> images = new ArrayList<>();

    @BeforeAll
    static void glanceRuns() {
        RealGlance.ensureRunning();
    }

    @BeforeEach
    void setUp() {
        conversionDir = tmp.resolve("conversion");
        copier = copier(List.of(RealGlance.URL.toString()), 3);
    }

    @AfterEach
    void deleteImages() {
        RealGlance.delete(images);
    }

    private ImageCopier copier(List<String> servers, int retries) {
        ImageTransferSettings settings = ImageTransferSettings.of(servers, retries, conversionDir)
                .withRetryDelay(Duration.ofMillis(50));
        return new ImageCopier(settings, new CommandRunner(ImageCopier.REQUIRED_BINARIES, List.of(), Duration.ofMinutes(5)));
    }

    private String image(String diskFormat, String containerFormat, Path data) throws Exception {
        String id = RealGlance.imageWithData("ebs-test", diskFormat, containerFormat, data);
        images.add(id);
        return id;
    }

    private String queuedImage(String diskFormat) throws Exception {
        String id = RealGlance.createImage("ebs-test-upload", diskFormat, "bare");
        images.add(id);
        return id;
    }

    private List<Path> conversionDirEntries() throws IOException {
        if (!Files.exists(conversionDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(conversionDir)) {
            return s.toList();
        }
    }

    // ------------------------------------------------------------------------------------------
    // image -> volume

    @Test
    void aQcow2ImageIsWrittenToTheVolumeAsRaw() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 6, "qcow2-source");
        Path qcow2 = tmp.resolve("disk.qcow2");
        TestDisks.qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        String id = image("qcow2", "bare", qcow2);
        Path volume = TestDisks.volume(tmp.resolve("volume"));

        GlanceImage copied = copier.copyImageToVolume(id, TOKEN, volume, 1);

        assertThat(copied.id()).isEqualTo(id);
        assertThat(copied.diskFormat()).isEqualTo("qcow2");
        assertThat(TestDisks.sha256(volume, Files.size(raw))).isEqualTo(TestDisks.sha256(raw));
    }

    @Test
    void aRawImageIsWrittenToTheVolumeByteForByte() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 5, "raw-source");
        String id = image("raw", "bare", raw);
        Path volume = TestDisks.volume(tmp.resolve("volume"));

        copier.copyImageToVolume(id, TOKEN, volume, 1);

        assertThat(TestDisks.sha256(volume, Files.size(raw))).isEqualTo(TestDisks.sha256(raw));
    }

    @Test
    void theDownloadedImageIsDeletedAfterTheCopy() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 2, "temp-file");
        String id = image("raw", "bare", raw);

        copier.copyImageToVolume(id, TOKEN, TestDisks.volume(tmp.resolve("volume")), 1);

        assertThat(conversionDir).isDirectory();
        assertThat(conversionDirEntries()).isEmpty();
    }

    @Test
    void anUnknownImageIsImageNotFound() throws Exception {
        String unknown = "6a1f6e0e-33b8-4f4b-9d3e-000000000404";
        Path volume = TestDisks.volume(tmp.resolve("volume"));

        assertThatThrownBy(() -> copier.copyImageToVolume(unknown, TOKEN, volume, 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageNotFound");
                    assertThat(e.getMessage()).isEqualTo("Image " + unknown + " could not be found.");
                    assertThat(e.imageId()).isEqualTo(unknown);
                    assertThat(e.context()).contains("GET " + RealGlance.URL + "/v2/images/" + unknown, "404");
                });
    }

    @Test
    void anImageLargerThanTheVolumeIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path big = tmp.resolve("big.qcow2");
        TestDisks.qemuImg("create", "-f", "qcow2", big.toString(), "2G");
        String id = image("qcow2", "bare", big);
        Path volume = TestDisks.volume(tmp.resolve("volume"));
        String before = TestDisks.sha256(volume);

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, volume, 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable");
                    assertThat(e.getMessage()).isEqualTo("Image " + id + " is unacceptable: Image virtual size is 2GB"
                            + " and doesn't fit in a volume of size 1GB.");
                });
        assertThat(TestDisks.sha256(volume)).isEqualTo(before);
        assertThat(conversionDirEntries()).isEmpty();
    }

    @Test
    void anImageWhoseVirtualSizeOnlyQemuImgKnowsIsStillRefusedBeforeTheVolumeIsWritten() throws Exception {
        // Glance computes no virtual_size for an "ami" image: the size check must happen again on
        // the downloaded data, before qemu-img convert touches the volume.
        Path big = tmp.resolve("big.qcow2");
        TestDisks.qemuImg("create", "-f", "qcow2", big.toString(), "3G");
        String id = image("ami", "ami", big);
        assertThat(RealGlance.show(id).get("virtual_size").isNull()).isTrue();
        Path volume = TestDisks.volume(tmp.resolve("volume"));
        String before = TestDisks.sha256(volume);

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, volume, 2))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable");
                    assertThat(e.getMessage()).endsWith("Image virtual size is 3GB and doesn't fit in a volume of"
                            + " size 2GB.");
                });
        assertThat(TestDisks.sha256(volume)).isEqualTo(before);
        assertThat(conversionDirEntries()).isEmpty();
    }

    @Test
    void aQcow2WithABackingFileIsUnacceptable() throws Exception {
        Path base = tmp.resolve("base.qcow2");
        TestDisks.qemuImg("create", "-f", "qcow2", base.toString(), "16M");
        Path overlay = tmp.resolve("overlay.qcow2");
        TestDisks.qemuImg("create", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", overlay.toString());
        String id = image("qcow2", "bare", overlay);
        Path volume = TestDisks.volume(tmp.resolve("volume"));
        String before = TestDisks.sha256(volume);

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, volume, 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable");
                    assertThat(e.getMessage()).isEqualTo("Image " + id + " is unacceptable: fmt=qcow2 backed by:"
                            + base);
                });
        assertThat(TestDisks.sha256(volume)).isEqualTo(before);
        assertThat(conversionDirEntries()).as("the download is deleted after a refusal too").isEmpty();
    }

    @Test
    void aQcow2WhoseDataLivesInAnotherFileIsUnacceptable() throws Exception {
        // A data-file names a file on the host that would otherwise be copied onto the volume.
        Path hostFile = TestDisks.rawPattern(tmp.resolve("host-secret.raw"), 1, "host data");
        Path image = tmp.resolve("external-data.qcow2");
        TestDisks.qemuImg("create", "-f", "qcow2", "-o", "data_file=" + hostFile + ",data_file_raw=on",
                image.toString(), "1M");
        String id = image("qcow2", "bare", image);
        Path volume = TestDisks.volume(tmp.resolve("volume"));

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, volume, 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable");
                    assertThat(e.getMessage()).endsWith("A qcow2 format image is not allowed to have a data file");
                });
    }

    @Test
    void dataThatIsNotInItsClaimedDiskFormatIsUnacceptable() throws Exception {
        Path qcow2 = tmp.resolve("disk.qcow2");
        TestDisks.qemuImg("create", "-f", "qcow2", qcow2.toString(), "8M");
        String id = image("raw", "bare", qcow2);

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, TestDisks.volume(tmp.resolve("volume")), 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable");
                    assertThat(e.getMessage()).endsWith("The image format was claimed to be 'raw' but the image data"
                            + " appears to be in a different format.");
                });
    }

    @Test
    void aCompressedContainerIsUnacceptable() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 1, "compressed");
        String id = image("raw", "compressed", raw);

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, TestDisks.volume(tmp.resolve("volume")), 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable");
                    assertThat(e.getMessage()).endsWith("Image compression disallowed, but container_format is"
                            + " compressed.");
                });
    }

    @Test
    void anImageWithoutDataIsNotActiveAndIsRefused() throws Exception {
        String id = queuedImage("raw");

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, TestDisks.volume(tmp.resolve("volume")), 1))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("InvalidInput");
                    assertThat(e.getMessage()).isEqualTo("Invalid input received: Image " + id + " is not active.");
                });
    }

    @Test
    void aVolumeDeviceThatDoesNotExistIsRefused() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 1, "no-device");
        String id = image("raw", "bare", raw);
        Path missing = tmp.resolve("no-such-device");

        assertThatThrownBy(() -> copier.copyImageToVolume(id, TOKEN, missing, 1))
                .isInstanceOfSatisfying(ImageTransferException.class,
                        e -> assertThat(e.cinderClass()).isEqualTo("ImageCopyFailure"));
        assertThat(missing).as("qemu-img must not create a file in the device's place").doesNotExist();
    }

    @Test
    void anImageIdThatIsNotAUuidIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> copier.copyImageToVolume("../../v2/images", TOKEN, tmp, 1))
                .isInstanceOfSatisfying(ImageTransferException.class,
                        e -> assertThat(e.cinderClass()).isEqualTo("InvalidImageRef"));
    }

    // ------------------------------------------------------------------------------------------
    // volume -> image

    @Test
    void aVolumeUploadedAsQcow2ReadsBackAsTheSameDisk() throws Exception {
        Path volume = TestDisks.rawPattern(tmp.resolve("volume"), 6, "volume-to-qcow2");
        String id = queuedImage("qcow2");

        GlanceImage uploaded = copier.copyVolumeToImage(id, TOKEN, volume, "qcow2");

        assertThat(uploaded.status()).isEqualTo("active");
        Path back = tmp.resolve("back.qcow2");
        RealGlance.getData(id, back);
        assertThat(TestDisks.format(back)).isEqualTo("qcow2");
        Path backRaw = tmp.resolve("back.raw");
        TestDisks.qemuImg("convert", "-f", "qcow2", "-O", "raw", back.toString(), backRaw.toString());
        assertThat(TestDisks.sha256(backRaw)).isEqualTo(TestDisks.sha256(volume));
        assertThat(conversionDirEntries()).as("the converted file is deleted").isEmpty();
    }

    @Test
    void aVolumeUploadedAsRawIsTheVolumeByteForByte() throws Exception {
        Path volume = TestDisks.rawPattern(tmp.resolve("volume"), 4, "volume-to-raw");
        String id = queuedImage("raw");

        GlanceImage uploaded = copier.copyVolumeToImage(id, TOKEN, volume, "raw");

        assertThat(uploaded.status()).isEqualTo("active");
        assertThat(uploaded.size()).hasValue(Files.size(volume));
        Path back = tmp.resolve("back.raw");
        RealGlance.getData(id, back);
        assertThat(TestDisks.sha256(back)).isEqualTo(TestDisks.sha256(volume));
    }

    @Test
    void aVolumeUploadedAsVmdkIsAVmdkGlanceAccepts() throws Exception {
        Path volume = TestDisks.rawPattern(tmp.resolve("volume"), 2, "volume-to-vmdk");
        String id = queuedImage("vmdk");

        copier.copyVolumeToImage(id, TOKEN, volume, "vmdk");

        Path back = tmp.resolve("back.vmdk");
        RealGlance.getData(id, back);
        assertThat(TestDisks.format(back)).isEqualTo("vmdk");
        JsonNode record = RealGlance.show(id);
        assertThat(record.get("virtual_size").asLong()).isEqualTo(Files.size(volume));
    }

    @Test
    void anImageThatAlreadyHasDataCannotBeUploadedInto() throws Exception {
        Path volume = TestDisks.rawPattern(tmp.resolve("volume"), 1, "again");
        String id = image("raw", "bare", volume);

        assertThatThrownBy(() -> copier.copyVolumeToImage(id, TOKEN, volume, "raw"))
                .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("VolumeBackendAPIException");
                    assertThat(e.context()).contains("PUT", "409");
                });
    }

    @Test
    void aDiskFormatOtherThanTheImagesIsRefused() throws Exception {
        String id = queuedImage("qcow2");
        Path volume = TestDisks.rawPattern(tmp.resolve("volume"), 1, "mismatch");

        assertThatThrownBy(() -> copier.copyVolumeToImage(id, TOKEN, volume, "raw"))
                .isInstanceOfSatisfying(ImageTransferException.class,
                        e -> assertThat(e.cinderClass()).isEqualTo("ImageUnacceptable"));
    }

    // ------------------------------------------------------------------------------------------
    // Glance endpoints, retries, logs

    @Test
    void anUnreachableGlanceIsGlanceConnectionFailedAfterTheRetries() throws Exception {
        String dead = "127.0.0.1:" + closedPort();
        ImageCopier unreachable = copier(List.of(dead), 2);

        try (CapturedLog log = new CapturedLog()) {
            assertThatThrownBy(() -> unreachable.copyImageToVolume("6a1f6e0e-33b8-4f4b-9d3e-00000000dead", TOKEN,
                    TestDisks.volume(tmp.resolve("volume")), 1))
                    .isInstanceOfSatisfying(ImageTransferException.class, e -> {
                        assertThat(e.cinderClass()).isEqualTo("GlanceConnectionFailed");
                        assertThat(e.getMessage()).startsWith("Connection to glance failed: Error contacting glance"
                                + " server 'http://" + dead + "' for 'get'").contains("gave up after 3 attempts");
                    });
            assertThat(log.lines(Level.WARN, "retrying")).hasSize(2);
        }
    }

    @Test
    void aDeadGlanceServerIsPassedOverForTheNextOne() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 1, "second-server");
        String id = image("raw", "bare", raw);
        ImageCopier twoServers = copier(List.of("127.0.0.1:" + closedPort(), RealGlance.URL.toString()), 3);
        Path volume = TestDisks.volume(tmp.resolve("volume"));

        twoServers.copyImageToVolume(id, TOKEN, volume, 1);

        assertThat(TestDisks.sha256(volume, Files.size(raw))).isEqualTo(TestDisks.sha256(raw));
    }

    @Test
    void theTokenNeverAppearsInALogLineOrAnError() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 2, "token");
        Path qcow2 = tmp.resolve("disk.qcow2");
        TestDisks.qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        String id = image("qcow2", "bare", qcow2);
        String queued = queuedImage("qcow2");
        ImageCopier unreachable = copier(List.of("127.0.0.1:" + closedPort()), 1);
        List<String> errors = new ArrayList<>();

        try (CapturedLog log = new CapturedLog()) {
            copier.copyImageToVolume(id, TOKEN, TestDisks.volume(tmp.resolve("volume")), 1);
            copier.copyVolumeToImage(queued, TOKEN, raw, "qcow2");
            for (ThrowingCall call : List.<ThrowingCall>of(
                    () -> copier.copyImageToVolume("6a1f6e0e-33b8-4f4b-9d3e-000000000404", TOKEN, raw, 1),
                    () -> copier.copyVolumeToImage(id, TOKEN, raw, "qcow2"),
                    () -> unreachable.copyImageToVolume(id, TOKEN, raw, 1))) {
                try {
                    call.run();
                    throw new AssertionError("expected a failure");
                } catch (ImageTransferException e) {
                    errors.add(e.describe());
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        errors.add(String.valueOf(t.getMessage()));
                    }
                }
            }
            assertThat(log.text()).contains(id).doesNotContain(TOKEN);
        }
        assertThat(errors).hasSizeGreaterThanOrEqualTo(3).noneMatch(text -> text.contains(TOKEN));
    }

    @Test
    void progressIsLoggedEveryTenPercentAndAtTheEndWithTheRate() throws Exception {
        Path raw = TestDisks.rawPattern(tmp.resolve("disk.raw"), 10, "progress");
        String id = image("raw", "bare", raw);

        try (CapturedLog log = new CapturedLog()) {
            copier.copyImageToVolume(id, TOKEN, TestDisks.volume(tmp.resolve("volume")), 1);

            List<String> lines = log.lines(Level.INFO, "image " + id + " download");
            assertThat(lines).anyMatch(l -> l.contains(": 10% ("))
                    .anyMatch(l -> l.contains(": 50% (")).anyMatch(l -> l.contains(": 90% ("));
            assertThat(lines.get(lines.size() - 1)).contains("done, 100% (" + Files.size(raw) + " bytes")
                    .containsPattern("[0-9.]+ MiB/s\\)$");
            assertThat(lines).hasSizeBetween(10, 13);
        }
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // closed again when this returns: connections are refused
        }
    }
}
