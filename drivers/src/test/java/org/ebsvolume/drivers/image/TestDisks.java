package org.ebsvolume.drivers.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Disk files with content a test can recognise, made and inspected with the real qemu-img. */
final class TestDisks {

    static final int MIB = 1 << 20;

    private TestDisks() {
    }

    /**
     * A raw disk of {@code mib} MiB: every 4 KiB block starts with its own number and a label, the
     * middle third is zeros (so a converter that drops or misplaces zero runs is caught).
     */
    static Path rawPattern(Path file, int mib, String label) throws IOException {
        long size = (long) mib * MIB;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            for (long offset = 0; offset < size; offset += 4096) {
                if (offset >= size / 3 && offset < 2 * size / 3) {
                    continue; // a hole: reads as zeros
                }
                block.clear();
                byte[] text = (label + " block " + offset / 4096 + " ").repeat(40).getBytes(StandardCharsets.US_ASCII);
                block.put(text, 0, Math.min(text.length, 4096));
                while (block.hasRemaining()) {
                    block.put((byte) (offset / 4096));
                }
                block.flip();
                ch.write(block, offset);
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return file;
    }

    /**
     * A sparse 16 MiB file standing in for a volume's block device, with a marker in its first
     * bytes. (Its size need not match the volume size the copier is told: qemu-img recreates a
     * regular-file target at the image's virtual size, as it would not a block device.)
     */
    static Path volume(Path file) throws IOException {
        long bytes = 16L * MIB;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("OLD VOLUME CONTENT ".repeat(1000).getBytes(StandardCharsets.US_ASCII)), 0);
            ch.write(ByteBuffer.allocate(1), bytes - 1);
        }
        return file;
    }

    /** Runs the real qemu-img (test tooling, not the code under test). */
    static String qemuImg(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("qemu-img"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    static String format(Path image) throws Exception {
        String json = qemuImg("info", "--output=json", image.toString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("format").asText();
    }

    /** SHA-256 of the first {@code length} bytes of a file. */
    static String sha256(Path file, long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[MIB];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new AssertionError(file + " is shorter than " + length + " bytes");
                }
                md.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(Path file) throws Exception {
        return sha256(file, Files.size(file));
    }
}
