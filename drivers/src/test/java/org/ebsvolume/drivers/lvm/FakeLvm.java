package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.command.FakeCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the lvm tools where this host cannot run them for real (thin pools, snapshots,
 * merges need device-mapper): an in-memory {@link FakeCommands} with the production allow-list
 * that records each call and answers with what the test scripted for that binary (for its n-th
 * call, or for every call), else exit 0 with no output. The waits between retries are recorded,
 * not slept.
 */
public final class FakeLvm {

    public static final String VG = "cinder-volumes";

    private final FakeCommands commands =
            new FakeCommands(LvmVolumeGroup.REQUIRED_BINARIES, call -> FakeCommands.Answer.ok(""));
    private final List<Duration> pauses = new ArrayList<>();

    /** The VG {@value #VG} on this fake, with no retry waits. */
    public LvmVolumeGroup group() throws Exception {
        return group(List.of());
    }

    LvmVolumeGroup group(List<String> configOverride) throws Exception {
        return group(new LvmOptions(configOverride, Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ZERO));
    }

    LvmVolumeGroup group(LvmOptions options) throws Exception {
        return new LvmVolumeGroup(VG, commands, options, pauses::add);
    }

    /** Every call of {@code binary} prints {@code stdout} and exits 0. */
    public FakeLvm answer(String binary, String stdout) {
        commands.answer(binary, FakeCommands.Answer.ok(stdout));
        return this;
    }

    /** The {@code nth} call of {@code binary} (from 1) prints {@code stdout} and exits 0. */
    FakeLvm answer(String binary, int nth, String stdout) {
        commands.answer(binary, nth, FakeCommands.Answer.ok(stdout));
        return this;
    }

    /** Every call of {@code binary} fails with {@code rc} and {@code stderr}. */
    FakeLvm fail(String binary, int rc, String stderr) {
        commands.answer(binary, FakeCommands.Answer.failed(rc, stderr));
        return this;
    }

    /** The {@code nth} call of {@code binary} fails with {@code rc} and {@code stderr}. */
    FakeLvm fail(String binary, int nth, int rc, String stderr) {
        commands.answer(binary, nth, FakeCommands.Answer.failed(rc, stderr));
        return this;
    }

    /** Every command run, in order, each as its argument list (binary first). */
    List<List<String>> calls() {
        return commands.calls().stream().map(FakeCommands.Call::argv).toList();
    }

    /** The calls of one binary, in order. */
    public List<List<String>> calls(String binary) {
        return calls().stream().filter(c -> c.get(0).equals(binary)).toList();
    }

    /** The waits between retries, in order (non-zero ones only: a zero wait is skipped). */
    List<Duration> pauses() {
        return List.copyOf(pauses);
    }

    // ---- lvm's outputs, in the shapes lvm2 2.03.16 prints them ----

    /** {@code lvs --reportformat json --units b --nosuffix -o vg_name,lv_name,lv_size,lv_attr,origin,pool_lv,data_percent}. */
    public static String lvs(String... rows) {
        return "  {\n      \"report\": [\n          {\n              \"lv\": [\n"
                + String.join(",\n", rows) + (rows.length > 0 ? "\n" : "")
                + "              ]\n          }\n      ]\n  }\n";
    }

    public static String lv(String name, long sizeBytes, String attr) {
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
