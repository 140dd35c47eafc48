package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.command.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stands in for the lvm tools where this host cannot run them for real (thin pools, snapshots,
 * merges need device-mapper). It is a small shell script given to the real {@link CommandRunner}
 * as its root-helper prefix, so the runner still checks its allow-list and builds the argument
 * list; the script records each call and answers with what the test scripted for that binary
 * (for its n-th call, or for every call), else exit 0 with no output.
 */
final class FakeLvm {

    static final String VG = "cinder-volumes";

    private static final String SCRIPT = """
            #!/bin/sh
            # Records one call (arguments NUL-separated) and replays the scripted answer.
            dir=$(dirname "$0")
            bin=$1
            n=$(( $(cat "$dir/count") + 1 )); echo "$n" > "$dir/count"
            k=$(( $(cat "$dir/count-$bin" 2>/dev/null || echo 0) + 1 )); echo "$k" > "$dir/count-$bin"
            printf '%s\\0' "$@" > "$dir/call-$n"
            for answer in "$dir/answer-$bin-$k" "$dir/answer-$bin"; do
                if [ -d "$answer" ]; then
                    cat "$answer/stdout"
                    cat "$answer/stderr" >&2
                    exit "$(cat "$answer/rc")"
                fi
            done
            exit 0
            """;

    private final Path dir;
    private final CommandRunner runner;

    FakeLvm(Path dir) throws IOException {
        this.dir = dir;
        Path script = dir.resolve("fake-lvm");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("count"), "0\n");
        this.runner = new CommandRunner(LvmVolumeGroup.REQUIRED_BINARIES, List.of(script.toString()), Duration.ofSeconds(20));
    }

    /** The VG {@value #VG} on this fake, with no retry waits. */
    LvmVolumeGroup group() throws Exception {
        return group(List.of());
    }

    LvmVolumeGroup group(List<String> configOverride) throws Exception {
        return new LvmVolumeGroup(VG, runner, new LvmOptions(configOverride, Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ZERO));
    }

    /** Every call of {@code binary} prints {@code stdout} and exits 0. */
    FakeLvm answer(String binary, String stdout) throws IOException {
        return write("answer-" + binary, 0, stdout, "");
    }

    /** The {@code nth} call of {@code binary} (from 1) prints {@code stdout} and exits 0. */
    FakeLvm answer(String binary, int nth, String stdout) throws IOException {
        return write("answer-" + binary + "-" + nth, 0, stdout, "");
    }

    /** Every call of {@code binary} fails with {@code rc} and {@code stderr}. */
    FakeLvm fail(String binary, int rc, String stderr) throws IOException {
        return write("answer-" + binary, rc, "", stderr);
    }

    /** The {@code nth} call of {@code binary} fails with {@code rc} and {@code stderr}. */
    FakeLvm fail(String binary, int nth, int rc, String stderr) throws IOException {
        return write("answer-" + binary + "-" + nth, rc, "", stderr);
    }

    /** Every command run, in order, each as its argument list (binary first). */
    List<List<String>> calls() throws IOException {
        int count = Integer.parseInt(Files.readString(dir.resolve("count")).strip());
        List<List<String>> calls = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String raw = Files.readString(dir.resolve("call-" + i), StandardCharsets.UTF_8);
            calls.add(Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1)));
        }
        return calls;
    }

    /** The calls of one binary, in order. */
    List<List<String>> calls(String binary) throws IOException {
        return calls().stream().filter(c -> c.get(0).equals(binary)).toList();
    }

    private FakeLvm write(String name, int rc, String stdout, String stderr) throws IOException {
        Path answer = dir.resolve(name);
        Files.createDirectories(answer);
        Files.writeString(answer.resolve("stdout"), stdout);
        Files.writeString(answer.resolve("stderr"), stderr);
        Files.writeString(answer.resolve("rc"), rc + "\n");
        return this;
    }

    // ---- lvm's outputs, in the shapes lvm2 2.03.16 prints them ----

    /** {@code lvs --reportformat json --units b --nosuffix -o vg_name,lv_name,lv_size,lv_attr,origin,pool_lv,data_percent}. */
    static String lvs(String... rows) {
        return "  {\n      \"report\": [\n          {\n              \"lv\": [\n"
                + String.join(",\n", rows) + (rows.length > 0 ? "\n" : "")
                + "              ]\n          }\n      ]\n  }\n";
    }

    static String lv(String name, long sizeBytes, String attr) {
        return lv(name, sizeBytes, attr, "", "");
    }

    static String lv(String name, long sizeBytes, String attr, String origin, String pool) {
        return "                  {\"vg_name\":\"" + VG + "\", \"lv_name\":\"" + name + "\", \"lv_size\":\"" + sizeBytes
                + "\", \"lv_attr\":\"" + attr + "\", \"origin\":\"" + origin + "\", \"pool_lv\":\"" + pool
                + "\", \"data_percent\":\"" + (attr.startsWith("V") || attr.startsWith("t") || attr.startsWith("s") ? "0.00" : "") + "\"}";
    }

    static String vgs(long sizeBytes, long freeBytes, int lvCount) {
        return "  {\n      \"report\": [\n          {\n              \"vg\": [\n"
                + "                  {\"vg_name\":\"" + VG + "\", \"vg_size\":\"" + sizeBytes + "\", \"vg_free\":\"" + freeBytes
                + "\", \"lv_count\":\"" + lvCount + "\", \"pv_count\":\"1\", \"vg_extent_size\":\"4194304\"}\n"
                + "              ]\n          }\n      ]\n  }\n";
    }

    static String lvNotFound(String lvName) {
        return "  Failed to find logical volume \"" + VG + "/" + lvName + "\"\n";
    }
}
