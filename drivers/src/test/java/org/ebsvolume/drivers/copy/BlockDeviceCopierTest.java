package org.ebsvolume.drivers.copy;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dd copy and wipe with the real dd, on files (this host has no block devices to spare);
 * the block-device runs happen in the lab tests.
 */
class BlockDeviceCopierTest {

    private static final CommandRunner DD = new CommandRunner(BlockDeviceCopier.REQUIRED_BINARIES, List.of(), Duration.ofSeconds(30));
    private final BlockDeviceCopier copier = new BlockDeviceCopier(DD, "1M", Duration.ofSeconds(60));

    @TempDir
    Path dir;

    private Path randomFile(String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(42).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void copiesExactlyTheRequestedBytesIntoALargerDestination() throws Exception {
        Path source = randomFile("src", 3 << 20);
        Path destination = dir.resolve("dst");
        Files.write(destination, new byte[5 << 20]);
        copier.copy(source.toString(), destination.toString(), 2 << 20, false);
        byte[] copied = Files.readAllBytes(destination);
        assertThat(copied.length).isEqualTo(5 << 20);
        byte[] expected = java.util.Arrays.copyOf(Files.readAllBytes(source), 2 << 20);
        assertThat(sha256(java.util.Arrays.copyOf(copied, 2 << 20))).isEqualTo(sha256(expected));
        assertThat(copied[(2 << 20) + 1]).isZero();
    }

    @Test
    void aSparseCopyReadsBackTheSameContent() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        java.util.Arrays.fill(data, 1 << 20, 3 << 20, (byte) 0);
        Path source = Files.write(dir.resolve("holes"), data);
        Path destination = Files.write(dir.resolve("dst"), new byte[4 << 20]);
        copier.copy(source.toString(), destination.toString(), 4 << 20, true);
        assertThat(sha256(Files.readAllBytes(destination))).isEqualTo(sha256(data));
    }

    @Test
    void zeroWipesOnlyTheRequestedStart() throws Exception {
        Path device = randomFile("dev", 3 << 20);
        copier.zero(device.toString(), 1 << 20);
        byte[] after = Files.readAllBytes(device);
        assertThat(after.length).isEqualTo(3 << 20);
        assertThat(sha256(java.util.Arrays.copyOf(after, 1 << 20))).isEqualTo(sha256(new byte[1 << 20]));
        assertThat(sha256(java.util.Arrays.copyOfRange(after, 1 << 20, 3 << 20))).isNotEqualTo(sha256(new byte[2 << 20]));
    }

    @Test
    void aMissingSourceFailsWithDdsMessage() {
        assertThatThrownBy(() -> copier.copy(dir.resolve("none").toString(), dir.resolve("dst").toString(), 1 << 20, false))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.getMessage()).contains("No such file"));
    }

    @Test
    void pathsThatAreNotPlainDevicePathsAreRefusedBeforeDdRuns() {
        for (String bad : List.of("relative/path", "/dev/x;rm -rf /", "/dev/../etc/passwd", "/dev/a b")) {
            assertThatThrownBy(() -> copier.copy(bad, "/dev/null", 1, false))
                    .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"));
        }
    }

    @Test
    void anInvalidBlockSizeFallsBackToOneMebibyte() throws Exception {
        BlockDeviceCopier odd = new BlockDeviceCopier(DD, "1M; reboot", Duration.ofSeconds(60));
        Path source = randomFile("src", 1 << 20);
        Path destination = Files.write(dir.resolve("dst"), new byte[1 << 20]);
        odd.copy(source.toString(), destination.toString(), 1 << 20, false);
        assertThat(sha256(Files.readAllBytes(destination))).isEqualTo(sha256(Files.readAllBytes(source)));
    }

    @Test
    void onlyDdIsNeeded() {
        assertThat(BlockDeviceCopier.REQUIRED_BINARIES).isEqualTo(Set.of("dd"));
    }
}
