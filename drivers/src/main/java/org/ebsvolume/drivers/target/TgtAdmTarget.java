package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.time.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code target_helper = tgtadm}: the userspace tgt daemon, driven the way Cinder's
 * {@code targets/tgt.py TgtAdm} drives it.
 *
 * <p>Every export is a persistence file {@code <volumes_dir>/volume-<id>} holding one
 * {@code <target>} block (tgtd reads it again at boot through tgt's {@code include} of that
 * directory), applied with {@code tgt-admin --update <iqn>}. The target id tgt picked is read back
 * from {@code tgtadm --lld iscsi --op show --mode target}; LUN 0 is tgt's controller, the volume is
 * LUN 1. tgt has no per-initiator ACLs here: anyone with the CHAP credentials may log in, so
 * attach and detach change nothing.
 *
 * <p>Cinder's retries are kept: {@code tgt-admin --update} is retried 3 times (waits 1 s, 2 s),
 * and when the new target does not show up in {@code tgtadm --op show} (two updates racing for
 * the same tid), the whole creation is retried 3 times (waits 1 s, 2 s). A missing LUN 1 is
 * re-added once after 10 s, as Cinder does for a backing device that was still busy.
 *
 * <p>Where this differs from Cinder, on purpose: a target is found by its exact IQN (Cinder takes
 * the first line containing it, so {@code volume-1} matches {@code volume-10}); a failed new export
 * leaves no persistence file and no LUN-less target behind; removal deletes the persistence file
 * even when the target is already gone. tgt-admin prints its own errors on stdout and exits 0 when
 * there was nothing it could do, so failures are judged by what {@code tgtadm --op show} says.
 */
public final class TgtAdmTarget implements IscsiTarget {

    private static final Logger LOG = LoggerFactory.getLogger(TgtAdmTarget.class);

    /** tgt-admin computes the next free tid from a snapshot, so two updates at once collide. */
    private static final ReentrantLock TGT_LOCK = new ReentrantLock();

    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_RETRY_WAIT = Duration.ofSeconds(1);
    private static final Duration BACKING_LUN_WAIT = Duration.ofSeconds(10);
    private static final int VOLUME_LUN = 1;

    /** {@code Target 1: iqn.2010-10.org.openstack:volume-…} in {@code tgtadm --op show}. */
    private static final Pattern TARGET_LINE = Pattern.compile("^Target (\\d+): (\\S+)\\s*$");
    /** {@code         LUN: 1}: eight spaces, under "LUN information:". */
    private static final Pattern LUN_LINE = Pattern.compile("^ {8}LUN: (\\d+)\\s*$");

    /** tgt-admin / tgtadm stderr that means "already gone" (Cinder's non-fatal list). */
    private static final List<String> ALREADY_GONE = List.of("can't find the target", "access control rule does not exist");

    /**
     * @param volumesDir             {@code volumes_dir}: where the persistence files live; tgt's
     *                               config must include {@code <volumesDir>/*}
     * @param writeCache             {@code iscsi_write_cache} ({@code on} by default)
     * @param targetFlags            {@code iscsi_target_flags}, written as {@code bsoflags <flags>}; empty for none
     * @param reportDiscardSupported {@code report_discard_supported}
     * @param controlPort            tgtd's control port ({@code tgtadm -C}), {@code null} for the system tgtd
     * @param tgtAdminConfig         the config file {@code tgt-admin -c} reads, {@code null} for
     *                               tgt's own {@code /etc/tgt/targets.conf}
     */
    public record Settings(Path volumesDir, boolean writeCache, String targetFlags, boolean reportDiscardSupported,
                           Integer controlPort, Path tgtAdminConfig) {
        public Settings {
            if (volumesDir == null || !volumesDir.isAbsolute()) {
                throw new IllegalArgumentException("volumesDir must be an absolute path, got " + volumesDir);
            }
            targetFlags = targetFlags == null ? "" : targetFlags.strip();
            if (!targetFlags.matches("[A-Za-z0-9_,]*")) {
                throw new IllegalArgumentException("iscsi_target_flags must be a comma list of flags, got '" + targetFlags + "'");
            }
        }

        /** Cinder's defaults for a given {@code volumes_dir}, talking to the system tgtd. */
        public static Settings defaults(Path volumesDir) {
            return new Settings(volumesDir, true, "", false, null, null);
        }
    }

    private final Settings settings;
    private final CommandExecutor commands;
    private final Pause pause;

    public TgtAdmTarget(Settings settings, CommandExecutor commands) {
        this(settings, commands, Pause.SLEEP);
    }

    TgtAdmTarget(Settings settings, CommandExecutor commands, Pause pause) {
        this.settings = settings;
        this.commands = commands;
        this.pause = pause;
    }

    @Override
    public ExportResult createExport(ExportRequest request) throws DriverException {
        ChapCredentials chap = request.chapOrNew();
        String iqn = request.iqn();
        Path file = settings.volumesDir().resolve(request.volumeName());
        int tid;
        TGT_LOCK.lock();
        try {
            // A re-export (Cinder calls create_export on every attach) finds its file in place;
            // if it fails, the file of the working export must stay. A new export that fails
            // must not leave one: tgtd would bring the half-made target up at its next start.
            boolean newFile = !Files.exists(file);
            try {
                tid = createTargetWithRetries(request, iqn, file, chap);
            } catch (DriverException e) {
                if (newFile) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException io) {
                        LOG.error("Volume {}: could not delete {} after the failed export: {}", request.volumeId(), file, io.toString());
                    }
                }
                throw e;
            }
        } finally {
            TGT_LOCK.unlock();
        }
        ExportResult result = Exports.result(request, Integer.toString(tid), VOLUME_LUN, chap);
        LOG.info("Exported volume {} as {} (tid {}) with tgt", request.volumeId(), iqn, tid);
        return result;
    }

    @Override
    public void removeExport(ExportedVolume volume) throws DriverException {
        String iqn = Exports.iqnToRemove(volume, LOG);
        if (iqn == null) {
            return;
        }
        ChapCredentials chap = credentialsOrNull(volume.providerAuth());
        Path file = settings.volumesDir().resolve(volume.volumeName());
        TGT_LOCK.lock();
        try {
            if (findTargets(IscsiTargetException.Kind.REMOVE, volume.volumeId()).containsKey(iqn)) {
                deleteTarget(volume.volumeId(), iqn, chap);
            } else {
                LOG.info("No tgt target {} for volume {}; removing only its persistence file if any", iqn, volume.volumeId());
            }
            // Cinder leaves the file behind when the target is already gone; tgtd would then
            // bring the target back at its next start, for a volume that no longer exists.
            deleteIfExists(file, volume.volumeId(), IscsiTargetException.Kind.REMOVE);
        } finally {
            TGT_LOCK.unlock();
        }
        LOG.info("Removed tgt export {} of volume {}", iqn, volume.volumeId());
    }

    @Override
    public Map<String, Object> initializeConnection(ExportedVolume volume, Connector connector) throws DriverException {
        // No per-initiator ACL in Cinder's tgt model: the CHAP credentials are the access control.
        return IscsiTarget.connectionInfo(volume, connector.multipath(), settings.reportDiscardSupported());
    }

    @Override
    public void terminateConnection(ExportedVolume volume, Connector connector) {
        LOG.debug("terminate_connection for volume {} ({}): nothing to do with tgt", volume.volumeId(), connector.initiator());
    }

    @Override
    public boolean exists(ExportedVolume volume) throws DriverException {
        String iqn = Exports.exportedIqn(volume, LOG);
        return iqn != null && findTargets(IscsiTargetException.Kind.QUERY, volume.volumeId()).containsKey(iqn);
    }

    // --- creation -------------------------------------------------------------------------------

    /** Cinder's {@code @retry(NotFound)} around {@code create_iscsi_target}. */
    private int createTargetWithRetries(ExportRequest request, String iqn, Path file, ChapCredentials chap)
            throws DriverException {
        Duration wait = FIRST_RETRY_WAIT;
        for (int attempt = 1; ; attempt++) {
            writePersistenceFile(request, file, chap);
            updateWithRetries(request.volumeId(), iqn, chap);
            TargetState target = findTargets(IscsiTargetException.Kind.CREATE, request.volumeId()).get(iqn);
            if (target != null) {
                ensureBackingLun(request, iqn, target, chap);
                return target.tid();
            }
            if (attempt == ATTEMPTS) {
                throw IscsiTargetException.of(IscsiTargetException.Kind.CREATE, request.volumeId(),
                        "tgt-admin --update succeeded but target " + iqn + " is not in 'tgtadm --op show' after "
                                + ATTEMPTS + " attempts; does tgt's config include " + settings.volumesDir() + "/* ?");
            }
            LOG.warn("Target {} not visible after tgt-admin --update (attempt {}/{}); retrying in {} s",
                    iqn, attempt, ATTEMPTS, wait.toSeconds());
            sleep(wait, request.volumeId());
            wait = wait.multipliedBy(2);
        }
    }

    /** Cinder's {@code @retry(ProcessExecutionError)} around {@code tgt-admin --update}. */
    private void updateWithRetries(String volumeId, String iqn, ChapCredentials chap) throws DriverException {
        Duration wait = FIRST_RETRY_WAIT;
        for (int attempt = 1; ; attempt++) {
            try {
                CommandResult r = commands.run(tgtAdmin("--update", iqn));
                logOutput("tgt-admin --update", r, chap);
                return;
            } catch (CommandFailedException e) {
                if (attempt == ATTEMPTS) {
                    String why;
                    if (e.stderr().contains("target already exists")) {
                        why = "tgt-admin --update: the target already exists (another update raced us)";
                    } else if (e.stderr().contains("tgt daemon")) {
                        why = "tgt-admin --update cannot reach tgtd: is it running"
                                + (settings.controlPort() == null ? "?" : " with control port " + settings.controlPort() + "?");
                    } else if (e.stderr().isBlank()) {
                        // tgt-admin prints its own errors on stdout, which a failed command does not keep.
                        why = "tgt-admin --update failed " + ATTEMPTS + " times; its reason went to stdout, typically "
                                + "\"does not exist in the config file - can't continue!\": does tgt's config include "
                                + settings.volumesDir() + "/* ?";
                    } else {
                        why = "tgt-admin --update failed " + ATTEMPTS + " times";
                    }
                    throw IscsiTargetException.of(IscsiTargetException.Kind.CREATE, volumeId, why, e, chap);
                }
                LOG.warn("tgt-admin --update {} failed (attempt {}/{}), retrying in {} s: exit code {}, stderr: '{}'", iqn,
                        attempt, ATTEMPTS, wait.toSeconds(), e.exitCode(), Secrets.scrub(e.stderr(), chap).strip());
                sleep(wait, volumeId);
                wait = wait.multipliedBy(2);
            }
        }
    }

    /**
     * tgt-admin reports success even when tgtd could not open the backing device: the target then
     * has only its controller LUN 0. Cinder waits 10 s (the device is usually still busy after a
     * clone) and adds LUN 1 by hand once.
     */
    private void ensureBackingLun(ExportRequest request, String iqn, TargetState target, ChapCredentials chap)
            throws DriverException {
        if (target.luns().contains(VOLUME_LUN)) {
            return;
        }
        LOG.warn("Target {} (tid {}) has no LUN {}; re-adding the backing device {} in {} s",
                iqn, target.tid(), VOLUME_LUN, request.devicePath(), BACKING_LUN_WAIT.toSeconds());
        sleep(BACKING_LUN_WAIT, request.volumeId());
        try {
            commands.run(tgtadm("--lld", "iscsi", "--op", "new", "--mode", "logicalunit", "--tid",
                    Integer.toString(target.tid()), "--lun", Integer.toString(VOLUME_LUN), "-b", request.devicePath()));
        } catch (CommandFailedException e) {
            LOG.error("Re-adding LUN {} of target {} failed: exit code {}, {}", VOLUME_LUN, iqn, e.exitCode(),
                    Secrets.scrub(e.stderr(), chap).strip());
        }
        TargetState again = findTargets(IscsiTargetException.Kind.CREATE, request.volumeId()).get(iqn);
        if (again != null && again.luns().contains(VOLUME_LUN)) {
            return;
        }
        // Cinder keeps the half-made target; a target without the volume's LUN serves nothing
        // and would block the next export under the same name, so it goes.
        try {
            deleteTarget(request.volumeId(), iqn, chap);
        } catch (DriverException cleanup) {
            LOG.error("Could not delete the half-made target {}: {}", iqn, cleanup.getMessage());
        }
        throw IscsiTargetException.of(IscsiTargetException.Kind.CREATE, request.volumeId(),
                "tgtd did not attach backing store " + request.devicePath() + " as LUN " + VOLUME_LUN + " of " + iqn
                        + " (missing or busy device?)");
    }

    /**
     * Cinder's {@code VOLUME_CONF} after {@code textwrap.dedent}, byte for byte (the blank
     * indented line is where {@code bsoflags} goes when {@code iscsi_target_flags} is empty).
     * Written like {@code utils.robust_file_write}: temp file, fsync, rename, fsync of the directory,
     * so a crash leaves the old file or the new one, never half of one. Mode 0600: it holds the
     * CHAP password.
     */
    private void writePersistenceFile(ExportRequest request, Path file, ChapCredentials chap) throws DriverException {
        String content = "\n"
                + "<target " + request.iqn() + ">\n"
                + "    backing-store " + request.devicePath() + "\n"
                + "    driver iscsi\n"
                + "    incominguser " + chap.user() + " " + chap.password() + "\n"
                + "    " + (settings.targetFlags().isEmpty() ? "" : "bsoflags " + settings.targetFlags()) + "\n"
                + "    write-cache " + (settings.writeCache() ? "on" : "off") + "\n"
                + "    params thin_provisioning=1\n"
                + "</target>\n";
        Path dir = settings.volumesDir();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                LOG.debug("Persistence file already exists for volume {}: {}", request.volumeId(), file);
            }
            temp = Files.createTempFile(dir, request.volumeName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(StandardCharsets.UTF_8.encode(content));
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw IscsiTargetException.of(IscsiTargetException.Kind.CREATE, request.volumeId(),
                    "cannot write tgt persistence file " + file + ": " + e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort; the create already failed with the real reason.
                }
            }
        }
        LOG.debug("Wrote tgt persistence file {} for volume {}", file, request.volumeId());
    }

    // --- removal --------------------------------------------------------------------------------

    /**
     * {@code tgt-admin --delete <iqn> -f}; tolerates "already gone"; and because some tgt versions
     * fail silently with {@code -f} (Launchpad 1305343), checks and tries once more without it.
     */
    private void deleteTarget(String volumeId, String iqn, ChapCredentials chap) throws DriverException {
        try {
            logOutput("tgt-admin --delete -f", commands.run(tgtAdmin("--delete", iqn, "-f")), chap);
        } catch (CommandFailedException e) {
            if (ALREADY_GONE.stream().noneMatch(e.stderr()::contains)) {
                throw IscsiTargetException.of(IscsiTargetException.Kind.REMOVE, volumeId, "tgt-admin --delete failed", e, chap);
            }
            LOG.warn("Target or ACLs of {} already gone: {}", iqn, Secrets.scrub(e.stderr(), chap).strip());
        }
        if (findTargets(IscsiTargetException.Kind.REMOVE, volumeId).containsKey(iqn)) {
            LOG.warn("Silent failure of target removal detected for {}, retrying without -f", iqn);
            try {
                logOutput("tgt-admin --delete", commands.run(tgtAdmin("--delete", iqn)), chap);
            } catch (CommandFailedException e) {
                throw IscsiTargetException.of(IscsiTargetException.Kind.REMOVE, volumeId, "tgt-admin --delete failed", e, chap);
            }
            if (findTargets(IscsiTargetException.Kind.REMOVE, volumeId).containsKey(iqn)) {
                throw IscsiTargetException.of(IscsiTargetException.Kind.REMOVE, volumeId,
                        "target " + iqn + " is still configured after tgt-admin --delete (sessions still logged in?)");
            }
        }
    }

    // --- reading tgtd's state -------------------------------------------------------------------

    /** A target as {@code tgtadm --op show --mode target} lists it. */
    record TargetState(int tid, Set<Integer> luns) {
    }

    private Map<String, TargetState> findTargets(IscsiTargetException.Kind kind, String volumeId) throws DriverException {
        try {
            return parseShow(commands.run(tgtadm("--lld", "iscsi", "--op", "show", "--mode", "target")).stdout());
        } catch (CommandFailedException e) {
            throw IscsiTargetException.of(kind, volumeId, "cannot list tgt targets (is tgtd running?)", e, null);
        }
    }

    /**
     * Targets by IQN. Cinder takes the first line that merely contains the IQN, so
     * {@code …volume-1} would match {@code …volume-10}; here the name must be equal.
     */
    static Map<String, TargetState> parseShow(String out) {
        Map<String, TargetState> targets = new HashMap<>();
        String iqn = null;
        int tid = 0;
        Set<Integer> luns = new HashSet<>();
        for (String line : out.split("\n", -1)) {
            Matcher t = TARGET_LINE.matcher(line);
            if (t.matches()) {
                if (iqn != null) {
                    targets.put(iqn, new TargetState(tid, Set.copyOf(luns)));
                }
                tid = Integer.parseInt(t.group(1));
                iqn = t.group(2);
                luns = new HashSet<>();
                continue;
            }
            Matcher l = LUN_LINE.matcher(line);
            if (iqn != null && l.matches()) {
                luns.add(Integer.parseInt(l.group(1)));
            }
        }
        if (iqn != null) {
            targets.put(iqn, new TargetState(tid, Set.copyOf(luns)));
        }
        return targets;
    }

    // --- helpers --------------------------------------------------------------------------------

    private List<String> tgtadm(String... args) {
        return tgtCommand("tgtadm", List.of(), args);
    }

    private List<String> tgtAdmin(String... args) {
        List<String> config = settings.tgtAdminConfig() == null ? List.of() : List.of("-c", settings.tgtAdminConfig().toString());
        return tgtCommand("tgt-admin", config, args);
    }

    /** {@code binary}, then {@code -C <port>} when tgtd has its own control port, then {@code options} and {@code args}. */
    private List<String> tgtCommand(String binary, List<String> options, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(binary);
        if (settings.controlPort() != null) {
            argv.add("-C");
            argv.add(settings.controlPort().toString());
        }
        argv.addAll(options);
        argv.addAll(List.of(args));
        return argv;
    }

    private static void logOutput(String what, CommandResult r, ChapCredentials chap) {
        if (LOG.isDebugEnabled() && !(r.stdout().isBlank() && r.stderr().isBlank())) {
            LOG.debug("{}: stdout: {} stderr: {}", what, Secrets.scrub(r.stdout(), chap).strip(), Secrets.scrub(r.stderr(), chap).strip());
        }
    }

    private static void deleteIfExists(Path file, String volumeId, IscsiTargetException.Kind kind) throws DriverException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw IscsiTargetException.of(kind, volumeId, "cannot delete tgt persistence file " + file + ": " + e);
        }
    }

    private void sleep(Duration d, String volumeId) throws DriverException {
        try {
            pause.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IscsiTargetException.of(IscsiTargetException.Kind.CREATE, volumeId, "interrupted while waiting to retry");
        }
    }

    private static ChapCredentials credentialsOrNull(String providerAuth) {
        try {
            return ChapCredentials.fromProviderAuth(providerAuth);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
