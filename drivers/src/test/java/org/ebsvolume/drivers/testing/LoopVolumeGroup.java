package org.ebsvolume.drivers.testing;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.lvm.LvmOptions;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A real LVM volume group on a sparse file behind a loop device, metadata only
 * ({@code activation=0}: this host has no device-mapper). lvm sees only this device and keeps its
 * metadata backups in the temp directory, so the host's /etc/lvm is left alone.
 */
public final class LoopVolumeGroup implements AutoCloseable {

    private static final CommandRunner SETUP = new CommandRunner(
            Set.of("losetup", "pvcreate", "vgcreate", "vgremove", "pvremove"), List.of(), Duration.ofSeconds(60));

    private final Path dir;
    private final String loopDevice;
    private final String name;
    private final LvmOptions options;

    private LoopVolumeGroup(Path dir, String loopDevice, String name, LvmOptions options) {
        this.dir = dir;
        this.loopDevice = loopDevice;
        this.name = name;
        this.options = options;
    }

    /** Fails (never skips) with the step and the Debian package when a tool is missing. */
    public static LoopVolumeGroup create(long bytes) throws Exception {
        Path dir = Files.createTempDirectory("ebs-vg-");
        Path backing = dir.resolve("pv.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(bytes);
        }
        String loop = run("losetup (package 'mount', needs root)", "losetup", "-f", "--show", backing.toString()).strip();
        Path meta = Files.createDirectories(dir.resolve("lvm-backup"));
        LvmOptions options = new LvmOptions(List.of("global {activation=0}",
                "devices {filter=[\"a|^" + loop + "$|\",\"r|.*|\"] use_devicesfile=0}",
                "backup {backup_dir=\"" + meta + "\" archive_dir=\"" + meta + "\"}"),
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ZERO);
        String config = String.join(" ", options.configOverride());
        String name = "ebs-test-" + UUID.randomUUID().toString().substring(0, 8);
        LoopVolumeGroup vg = new LoopVolumeGroup(dir, loop, name, options);
        try {
            run("pvcreate (package 'lvm2')", "pvcreate", "--config", config, loop);
            run("vgcreate (package 'lvm2')", "vgcreate", "--config", config, name, loop);
        } catch (RuntimeException e) {
            vg.close();
            throw e;
        }
        return vg;
    }

    public String name() {
        return name;
    }

    public LvmOptions options() {
        return options;
    }

    public LvmVolumeGroup group() throws Exception {
        return new LvmVolumeGroup(name, new CommandRunner(LvmVolumeGroup.REQUIRED_BINARIES, List.of(), Duration.ofSeconds(60)), options);
    }

    private static String run(String what, String... argv) {
        try {
            return SETUP.run(List.of(argv)).stdout();
        } catch (CommandFailedException e) {
            throw new IllegalStateException("test setup step '" + what + "' failed: " + e.getMessage(), e);
        }
    }

    /** Removes the VG, the PV and the loop device; every step is attempted. */
    @Override
    public void close() {
        String config = String.join(" ", options.configOverride());
        for (String[] step : new String[][] {{"vgremove", "--config", config, "-f", name}, {"pvremove", "--config", config, loopDevice},
                {"losetup", "-d", loopDevice}}) {
            try {
                SETUP.run(List.of(step));
            } catch (CommandFailedException e) {
                // Keep going: a VG that never got created cannot be removed, the loop device still must.
            }
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // Temp files only.
        }
    }
}
