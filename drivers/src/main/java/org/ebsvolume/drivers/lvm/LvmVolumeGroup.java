package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.time.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The volume group of one backend, and the LVM operations Cinder's LVM driver performs on it
 * ({@code cinder/brick/local_dev/lvm.py}, Cinder 21 / Zed), with the same lvm flags, the same
 * thin pool name and size, and the same retries. Every name is validated before anything runs;
 * every failure is a typed {@link LvmException} carrying the command and lvm's stderr.
 *
 * <p>Sizes given to lvm are Cinder's: whole GiB as {@code <n>g} (the thin pool: 95 % of the free
 * space; a thick snapshot: its origin's size, in bytes). Reports are read as JSON in bytes
 * ({@link LvmReport}), never from lvm's rounded human units.
 *
 * <p>An instance holds no state besides its configuration (lvm's own locks serialise concurrent
 * commands on the VG), so one instance may serve every thread of a backend.
 *
 * <p>Where this differs from Cinder, on purpose:
 * <ul>
 *   <li>{@link #remove} refuses a thick origin that has snapshots ({@code lvremove -f} would delete
 *       them with it; Cinder's driver makes the same check before calling its brick) and a thin pool
 *       that still holds thin volumes;</li>
 *   <li>{@link #extend} re-activates a snapshot origin even when {@code lvextend} failed, and treats
 *       "already that size" as done, so a retried extend is harmless;</li>
 *   <li>retries skip failures that cannot heal by waiting (missing VG/LV, no space, name taken,
 *       no device-mapper);</li>
 *   <li>commands run without {@code env LC_ALL=C} (Debian's lvm2 has no translations) and get a
 *       timeout ({@link LvmOptions}).</li>
 * </ul>
 */
public final class LvmVolumeGroup {

    private static final Logger LOG = LoggerFactory.getLogger(LvmVolumeGroup.class);

    /** Every binary this class runs: the {@link CommandRunner}'s allow-list must contain them all. */
    public static final Set<String> REQUIRED_BINARIES =
            Set.of("vgs", "lvs", "lvcreate", "lvextend", "lvrename", "lvremove", "lvchange", "lvconvert", "udevadm");

    private static final long GIB = 1L << 30;

    /** Cinder's lvremove config: LV removal can race with udev or other openers (Launchpad #1270192). */
    private static final String RETRY_DEACTIVATION = "activation { retry_deactivation = 1 }";
    /** Added on Cinder's second lvremove: a failed one may leave suspended devices behind, which block lvm. */
    private static final String IGNORE_SUSPENDED = "devices { ignore_suspended_devices = 1 }";

    private final String vg;
    private final CommandExecutor runner;
    private final LvmOptions options;
    private final Pause pause;

    public LvmVolumeGroup(String vgName, CommandExecutor runner, LvmOptions options) throws DriverException {
        this(vgName, runner, options, Pause.SLEEP);
    }

    /** @param pause how the waits between retries are spent (tests record them) */
    public LvmVolumeGroup(String vgName, CommandExecutor runner, LvmOptions options, Pause pause) throws DriverException {
        LvmNames.requireValidVgName(vgName);
        this.vg = vgName;
        this.runner = Objects.requireNonNull(runner, "runner");
        this.options = Objects.requireNonNull(options, "options");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    public String name() {
        return vg;
    }

    /**
     * Another volume group of this host, driven with the same runner and options (Cinder's
     * migration between two LVM backends of one node).
     */
    public LvmVolumeGroup sibling(String otherVgName) throws DriverException {
        return new LvmVolumeGroup(otherVgName, runner, options, pause);
    }

    /**
     * The device-mapper path of an LV ({@code /dev/mapper/<vg>-<lv>} with every {@code -} in either
     * name doubled), Cinder's {@code local_path}: unlike {@code /dev/<vg>/<lv>} it exists for the
     * hidden {@code -cow} device of a thick snapshot too.
     */
    public String localPath(String lvName) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        return "/dev/mapper/" + vg.replace("-", "--") + "-" + lvName.replace("-", "--");
    }

    /** {@code <vg>-pool}, the thin pool Cinder uses. */
    public String thinPoolName() {
        return vg + "-pool";
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /** Whether lvm sees the volume group. Other failures (lvm broken, timeout) are thrown, not answered "no". */
    public boolean exists() throws DriverException {
        try {
            info();
            return true;
        } catch (VolumeGroupNotFoundException e) {
            return false;
        }
    }

    /** Size, free space and counts of the VG; {@link VolumeGroupNotFoundException} when lvm does not see it. */
    public VolumeGroup info() throws DriverException {
        CommandResult result = lvm("vgs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LvmReport.VG_FIELDS, vg);
        List<VolumeGroup> groups;
        try {
            groups = LvmReport.volumeGroups(result.stdout());
        } catch (LvmReport.UnreadableReportException e) {
            throw unreadable(result, e);
        }
        return groups.stream().filter(g -> g.name().equals(vg)).findFirst()
                .orElseThrow(() -> new LvmCommandException("vgs exited 0 but its report does not list volume group " + vg,
                        result.asFailure()));
    }

    /** The VG's visible LVs (hidden sub-LVs such as a pool's {@code _tdata} are not listed), the thin pool included. */
    public List<LogicalVolume> listVolumes() throws DriverException {
        return report(vg);
    }

    /** The LV, or empty when lvm does not find it in this VG; a missing VG is an error, not "empty". */
    public Optional<LogicalVolume> find(String lvName) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        try {
            return Optional.of(require(lvName));
        } catch (LogicalVolumeNotFoundException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Creating

    /** {@code lvcreate -n <name> <vg> -L <size>g}: a fully allocated LV. */
    public void createThick(String lvName, int sizeGb) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        requirePositive(sizeGb);
        LOG.info("Creating thick LV {}/{} of {} GiB", vg, lvName, sizeGb);
        lvm("lvcreate", "-n", lvName, vg, "-L", sizeGb + "g");
    }

    /**
     * Makes sure the thin pool {@code <vg>-pool} exists and is active, creating it as Cinder does
     * at start-up: {@code lvcreate -T -L <95 % of the VG's free GiB>g <vg>/<vg>-pool}, then
     * {@code lvchange -a y --yes -K}. Returns the pool.
     */
    public LogicalVolume ensureThinPool() throws DriverException {
        String pool = thinPoolName();
        LvmNames.requireValidFullName(vg, pool);
        Optional<LogicalVolume> existing = find(pool);
        if (existing.isPresent() && existing.get().kind() != LogicalVolume.Kind.THIN_POOL) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "LV " + vg + "/" + pool
                    + " exists but is not a thin pool (lv_attr " + existing.get().attr() + "); refusing to use it for thin volumes");
        }
        if (existing.isEmpty()) {
            String size = thinPoolSize(info().freeBytes());
            LOG.info("Creating thin pool {}/{} of {} (95% of the VG's free space)", vg, pool, size);
            try {
                lvm("lvcreate", "-T", "-L", size, vg + "/" + pool);
            } catch (LvmException e) {
                // As Cinder: another process starting on this node (cinder-backup, a second
                // worker) may have created it between our look and our lvcreate.
                if (find(pool).isEmpty()) {
                    throw e;
                }
                LOG.info("Thin pool {}/{} was created by someone else meanwhile; using it", vg, pool);
            }
        }
        activate(pool);
        return require(pool);
    }

    /** {@code lvcreate -T -V <size>g -n <name> <vg>/<vg>-pool}: a thin LV in Cinder's pool (which must exist). */
    public void createThin(String lvName, int sizeGb) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        requirePositive(sizeGb);
        LOG.info("Creating thin LV {}/{} of {} GiB in pool {}", vg, lvName, sizeGb, thinPoolName());
        lvm("lvcreate", "-T", "-V", sizeGb + "g", "-n", lvName, vg + "/" + thinPoolName());
    }

    /**
     * A thin ({@code thin}) or thick LV of at least {@code bytes} (LVM rounds up to its extent
     * size): a replicated volume's LV made with the room for DRBD's metadata at once, instead of
     * an {@code lvextend} after the {@code lvcreate}.
     */
    public void createOfBytes(String lvName, long bytes, boolean thin) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        if (bytes <= 0) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: size must be a positive number of bytes, got " + bytes);
        }
        if (thin) {
            LOG.info("Creating thin LV {}/{} of {} bytes in pool {}", vg, lvName, bytes, thinPoolName());
            lvm("lvcreate", "-T", "-V", bytes + "b", "-n", lvName, vg + "/" + thinPoolName());
        } else {
            LOG.info("Creating thick LV {}/{} of {} bytes", vg, lvName, bytes);
            lvm("lvcreate", "-n", lvName, vg, "-L", bytes + "b");
        }
    }

    /**
     * {@code lvcreate --name <snapshot> --snapshot <vg>/<origin>}, plus {@code -L <origin size>}
     * when the origin is thick (the copy-on-write area gets the origin's full size, so it can never
     * overflow and invalidate the snapshot). Thin or thick follows the origin's own kind, not the
     * backend's {@code lvm_type}: a VG may hold volumes created before the type changed. A missing
     * origin is a {@link LogicalVolumeNotFoundException} (Cinder: VolumeDeviceNotFound). The new thin
     * snapshot carries lvm's activation-skip flag; {@link #activate} passes {@code -K}.
     */
    public void createSnapshot(String snapshotName, String originName) throws DriverException {
        LvmNames.requireValidFullName(vg, snapshotName);
        LvmNames.requireValidFullName(vg, originName);
        // Cinder retries the whole snapshot creation, 3 attempts, 1 s and 2 s apart.
        withRetries(3, "create snapshot " + vg + "/" + snapshotName, () -> {
            LogicalVolume origin = require(originName);
            List<String> argv = new ArrayList<>(List.of("lvcreate", "--name", snapshotName, "--snapshot", vg + "/" + originName));
            if (!origin.isThin()) {
                // Cinder passes the size lvs printed in GiB with two decimals, which can round
                // below the origin's real size; bytes are exact.
                argv.addAll(List.of("-L", origin.sizeBytes() + "b"));
            }
            LOG.info("Creating {} snapshot {}/{} of {}", origin.isThin() ? "thin" : "thick", vg, snapshotName, originName);
            lvm(argv.toArray(String[]::new));
        });
    }

    // ------------------------------------------------------------------------------------------
    // Changing

    /**
     * Grows an LV to {@code newSizeGb} GiB with {@code lvextend -L <n>g}. A thick origin with
     * snapshots can only be resized while inactive (lvm: "Snapshot origin volumes can be resized
     * only while inactive"), so it is deactivated first and activated again afterwards, as Cinder
     * does. Already that size: nothing to do. Smaller: refused, shrinking destroys data.
     */
    public void extend(String lvName, int newSizeGb) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        requirePositive(newSizeGb);
        LogicalVolume lv = require(lvName);
        long newBytes = newSizeGb * GIB;
        if (newBytes == lv.sizeBytes()) {
            LOG.info("LV {}/{} is already {} GiB; nothing to extend", vg, lvName, newSizeGb);
            return;
        }
        if (newBytes < lv.sizeBytes()) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: LV " + vg + "/" + lvName + " is " + lv.sizeBytes()
                    + " bytes; extending it to " + newSizeGb + " GiB would shrink it and destroy data");
        }
        boolean cycleActivation = lv.hasSnapshots();
        if (cycleActivation) {
            LOG.info("LV {}/{} has snapshots: deactivating it for the resize", vg, lvName);
            deactivate(lvName);
        }
        LOG.info("Extending LV {}/{} from {} bytes to {} GiB", vg, lvName, lv.sizeBytes(), newSizeGb);
        try {
            lvm("lvextend", "-L", newSizeGb + "g", vg + "/" + lvName);
        } catch (DriverException e) {
            if (cycleActivation) {
                // Leave the volume as usable as we found it; the extend error is the one to report.
                try {
                    activate(lvName);
                } catch (DriverException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        if (cycleActivation) {
            activate(lvName);
        }
    }

    /**
     * Grows an LV to at least {@code minBytes} with {@code lvextend -L <bytes>b} (lvm rounds up to
     * the extent size); an LV that is already that large is left alone. For room that is not
     * whole GiB: DRBD's internal metadata behind a replicated volume's data. Unlike
     * {@link #extend}, refuses an origin with snapshots instead of cycling its activation: the
     * replicated volumes that use it are open by DRBD and cannot be deactivated.
     *
     * @return true when the LV was grown
     */
    public boolean growTo(String lvName, long minBytes) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        LogicalVolume lv = require(lvName);
        if (lv.sizeBytes() >= minBytes) {
            return false;
        }
        if (lv.hasSnapshots() && !lv.isThin()) {
            throw new DriverException(CinderError.VOLUME_IS_BUSY, "LV " + vg + "/" + lvName + " has snapshots: cannot grow it to "
                    + minBytes + " bytes while it is active");
        }
        LOG.info("Growing LV {}/{} from {} to {} bytes", vg, lvName, lv.sizeBytes(), minBytes);
        lvm("lvextend", "-L", minBytes + "b", vg + "/" + lvName);
        return true;
    }

    /** {@code lvrename <vg> <old> <new>} (Cinder: migration completion, manage existing). */
    public void rename(String oldName, String newName) throws DriverException {
        LvmNames.requireValidFullName(vg, oldName);
        LvmNames.requireValidFullName(vg, newName);
        LOG.info("Renaming LV {}/{} to {}", vg, oldName, newName);
        lvm("lvrename", vg, oldName, newName);
    }

    /**
     * Removes an LV as Cinder does: {@code lvremove --config 'activation { retry_deactivation = 1 }'
     * -f <vg>/<lv>}; if that fails, {@code udevadm settle} and once more with
     * {@code devices { ignore_suspended_devices = 1 }} added; that pair up to 3 times, 1 s and 2 s
     * apart. {@link LogicalVolumeNotFoundException} when the LV is not there to begin with; if it
     * disappears during the attempts, it is gone, which is what was asked. Refused with
     * {@code VolumeIsBusy}: a thick origin that has snapshots, a thin pool that holds thin volumes.
     * Wiping the data first ({@code volume_clear}) is the caller's job: it needs the active device.
     */
    public void remove(String lvName) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        LogicalVolume lv = require(lvName);
        if (lv.hasSnapshots()) {
            // lvremove -f would take the snapshots with it, without a question.
            throw new DriverException(CinderError.VOLUME_IS_BUSY, "deleting volume " + lvName + " that has snapshot");
        }
        if (lv.kind() == LogicalVolume.Kind.THIN_POOL) {
            List<String> users = listVolumes().stream().filter(v -> v.poolLv().equals(lvName)).map(LogicalVolume::name).toList();
            if (!users.isEmpty()) {
                throw new DriverException(CinderError.VOLUME_IS_BUSY, "refusing to remove thin pool " + vg + "/" + lvName
                        + ": lvremove -f would also remove the thin volumes in it " + users);
            }
        }
        LOG.info("Removing LV {}/{}", vg, lvName);
        withRetries(3, "remove " + vg + "/" + lvName, () -> removeOnce(lvName));
    }

    private void removeOnce(String lvName) throws DriverException {
        try {
            lvm(RETRY_DEACTIVATION, options.commandTimeout(), "lvremove", "-f", vg + "/" + lvName);
            return;
        } catch (LogicalVolumeNotFoundException gone) {
            LOG.info("LV {}/{} is already gone", vg, lvName);
            return;
        } catch (LvmException first) {
            if (!worthRetrying(first)) {
                throw first;
            }
            LOG.warn("lvremove of {}/{} failed, settling udev and retrying without suspended devices: {}", vg, lvName,
                    first.getMessage());
        }
        settleUdev();
        try {
            lvm(RETRY_DEACTIVATION + " " + IGNORE_SUSPENDED, options.commandTimeout(), "lvremove", "-f", vg + "/" + lvName);
        } catch (LogicalVolumeNotFoundException gone) {
            LOG.info("LV {}/{} is gone after all (the failed lvremove removed it)", vg, lvName);
        }
    }

    /**
     * Rolls a volume back to its snapshot: {@code lvconvert --merge <vg>/<snapshot>}, then
     * {@code lvchange -a n} (waiting until lvm reports it inactive) and {@code lvchange -a y --yes -K}
     * on the volume, which starts a merge lvm had to postpone, then re-creates the snapshot the
     * merge consumed, as Cinder does, so the snapshot still exists afterwards. Works for thick and
     * thin snapshots (Cinder's driver only does thick and lets its manager copy data for thin).
     * The volume must not be in use: lvm postpones the merge of an open origin, and then this fails
     * rather than re-create the snapshot.
     */
    public void revertToSnapshot(String volumeName, String snapshotName) throws DriverException {
        LvmNames.requireValidFullName(vg, volumeName);
        LvmNames.requireValidFullName(vg, snapshotName);
        LogicalVolume snapshot = require(snapshotName);
        if (!snapshot.origin().equals(volumeName)) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: " + vg + "/" + snapshotName + " is not a snapshot of "
                    + volumeName + (snapshot.origin().isEmpty() ? " (it is no snapshot)" : " (its origin is " + snapshot.origin() + ")"));
        }
        LOG.info("Reverting LV {}/{} to snapshot {}", vg, volumeName, snapshotName);
        lvm("", options.mergeTimeout(), "lvconvert", "--merge", vg + "/" + snapshotName);
        deactivate(volumeName);
        activate(volumeName);
        if (find(snapshotName).isPresent()) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "snapshot " + vg + "/" + snapshotName + " has not been merged into "
                    + volumeName + " yet (is the volume open?); lvm merges it on the volume's next activation");
        }
        createSnapshot(snapshotName, volumeName);
    }

    /**
     * {@code lvchange -a y --yes -K <vg>/<lv>}: activates the LV, ignoring the activation-skip flag
     * thin snapshots carry; {@code --yes} because activating a snapshot also activates its origin and
     * lvm would otherwise ask. Retried 5 times, 1, 2, 4 and 8 s apart, as Cinder does.
     */
    public void activate(String lvName) throws DriverException {
        activate(lvName, "-K");
    }

    /**
     * Like {@link #activate} with {@code -k n} instead of {@code -K}: also drops the activation-skip
     * flag, so the LV comes up by itself after a reboot (Cinder does this for a thin volume created
     * from a snapshot).
     */
    public void activatePermanently(String lvName) throws DriverException {
        activate(lvName, "-k", "n");
    }

    private void activate(String lvName, String... skipFlags) throws DriverException {
        LvmNames.requireValidFullName(vg, lvName);
        List<String> argv = new ArrayList<>(List.of("lvchange", "-a", "y", "--yes"));
        argv.addAll(List.of(skipFlags));
        argv.add(vg + "/" + lvName);
        withRetries(5, "activate " + vg + "/" + lvName, () -> lvm(argv.toArray(String[]::new)));
    }

    /**
     * {@code lvchange -a n}, then wait until lvm no longer reports the LV active (5 looks, 1, 2, 4
     * and 8 s apart, as Cinder): the next step (lvextend, merge) needs it really inactive.
     */
    private void deactivate(String lvName) throws DriverException {
        lvm("lvchange", "-a", "n", vg + "/" + lvName);
        for (int look = 1; ; look++) {
            if (!require(lvName).isActive()) {
                return;
            }
            if (look == 5) {
                throw new DriverException(CinderError.VOLUME_NOT_DEACTIVATED, "Volume " + lvName + " was not deactivated in time.");
            }
            pause(1L << (look - 1), "deactivation of " + vg + "/" + lvName);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    /**
     * Cinder's thin pool size: it reads the VG's free space with {@code vgs --unit=g --nosuffix}
     * (GiB, two decimals, rounded by lvm's printf) and asks for 95 % of that number, leaving 5 % of
     * the free space for the pool's metadata and spare. Exact decimals here ("3.61g"); Python's
     * float may print 3.6099999999999994 for the same thing, which lvm rounds up to the same extent.
     */
    static String thinPoolSize(long vgFreeBytes) {
        BigDecimal freeGib = new BigDecimal(vgFreeBytes).divide(new BigDecimal(GIB)).setScale(2, RoundingMode.HALF_EVEN);
        BigDecimal pool = freeGib.multiply(new BigDecimal("0.95")).stripTrailingZeros();
        return pool.toPlainString() + "g";
    }

    /** {@code lvs vg/lv}: the LV, or {@link LogicalVolumeNotFoundException} from lvm itself (with its command and stderr). */
    private LogicalVolume require(String lvName) throws DriverException {
        CommandResult result = lvs(vg + "/" + lvName);
        return parse(result).stream().filter(lv -> lv.name().equals(lvName)).findFirst()
                .orElseThrow(() -> new LvmCommandException("lvs exited 0 but its report does not list " + vg + "/" + lvName,
                        result.asFailure()));
    }

    private List<LogicalVolume> report(String target) throws DriverException {
        return parse(lvs(target));
    }

    /**
     * No {@code --readonly} (Cinder uses it for some lookups): it skips device-mapper, so lvm would
     * not know whether an LV is active or open, and {@link #deactivate} depends on that.
     */
    private CommandResult lvs(String target) throws DriverException {
        return lvm("lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LvmReport.LV_FIELDS, target);
    }

    private static List<LogicalVolume> parse(CommandResult result) throws LvmCommandException {
        try {
            return LvmReport.logicalVolumes(result.stdout());
        } catch (LvmReport.UnreadableReportException e) {
            throw unreadable(result, e);
        }
    }

    private interface LvmCall {
        void run() throws DriverException;
    }

    /** Cinder's {@code utils.retry}: up to {@code attempts} tries, waiting 1, 2, 4 … retry units between them. */
    private void withRetries(int attempts, String what, LvmCall call) throws DriverException {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (LvmException e) {
                if (attempt >= attempts || !worthRetrying(e)) {
                    throw e;
                }
                LOG.warn("{} failed (attempt {} of {}), retrying: {}", what, attempt, attempts, e.getMessage());
                pause(1L << (attempt - 1), what);
            }
        }
    }

    /**
     * Only failures that might heal by waiting (a busy device, udev, a crashed lvm) are retried;
     * a missing VG or LV, a full VG, a taken name or a kernel without device-mapper stay as they are.
     */
    private static boolean worthRetrying(LvmException e) {
        return e.getClass() == LvmCommandException.class;
    }

    private CommandResult lvm(String... args) throws DriverException {
        return lvm("", options.commandTimeout(), args);
    }

    /**
     * Runs one lvm tool with the configured {@code --config} snippets plus {@code extraConfig},
     * joined into the single {@code --config} lvm accepts. Exit code 139 (lvm segfaults now and
     * then: Launchpad #1901783, #1932188) is retried as Cinder does: 3 attempts, 0.5 s then 0.25 s
     * apart.
     */
    private CommandResult lvm(String extraConfig, Duration timeout, String... args) throws DriverException {
        List<String> config = new ArrayList<>(options.configOverride());
        if (!extraConfig.isEmpty()) {
            config.add(extraConfig);
        }
        List<String> argv = new ArrayList<>();
        argv.add(args[0]);
        if (!config.isEmpty()) {
            argv.add("--config");
            argv.add(String.join(" ", config));
        }
        argv.addAll(List.of(args).subList(1, args.length));
        for (int attempt = 1; ; attempt++) {
            try {
                return runner.run(argv, timeout);
            } catch (CommandFailedException e) {
                if (e.exitCode() != 139 || attempt == 3) {
                    throw LvmException.from(e);
                }
                LOG.warn("{} crashed with exit code 139 (attempt {} of 3), running it again", args[0], attempt);
                pauseMillis(options.retryUnit().toMillis() / (attempt == 1 ? 2 : 4), args[0]);
            }
        }
    }

    /** {@code udevadm settle} before the second lvremove; if udev is absent or slow that is only worth a warning. */
    private void settleUdev() throws DriverException {
        try {
            runner.run(List.of("udevadm", "settle"), options.commandTimeout());
        } catch (CommandFailedException e) {
            LOG.warn("udevadm settle failed, continuing: {}", e.getMessage());
        }
    }

    private void pause(long units, String what) throws DriverException {
        pauseMillis(options.retryUnit().toMillis() * units, what);
    }

    private void pauseMillis(long millis, String what) throws DriverException {
        if (millis <= 0) {
            return;
        }
        try {
            pause.sleep(Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "interrupted while waiting to retry: " + what, e);
        }
    }

    private static void requirePositive(int sizeGb) throws DriverException {
        if (sizeGb <= 0) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: size must be a positive number of GiB, got " + sizeGb);
        }
    }

    private static LvmCommandException unreadable(CommandResult result, LvmReport.UnreadableReportException e) {
        return new LvmCommandException("cannot read lvm's report: " + e.getMessage(), result.asFailure());
    }
}
