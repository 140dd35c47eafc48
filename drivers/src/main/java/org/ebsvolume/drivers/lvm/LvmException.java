package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An lvm command failed. Every subclass keeps what an operator needs to reproduce the failure by
 * hand: the command as it was run (secrets masked by the runner), its exit code and lvm's stderr.
 * The subclass says what went wrong, decided from lvm's own words (see {@link #from}).
 */
public abstract class LvmException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final int exitCode;
    private final String stderr;

    LvmException(String cinderClass, String summary, CommandFailedException failure) {
        super(cinderClass, summary + ": " + explain(failure), failure);
        this.command = failure.command();
        this.exitCode = failure.exitCode();
        this.stderr = failure.stderr();
    }

    /** A command that exited 0 but whose answer is unusable (e.g. a report this code cannot read). */
    LvmException(String cinderClass, String summary, String command, int exitCode, String stderr) {
        super(cinderClass, summary + " (command \"" + command + "\", exit code " + exitCode + ")");
        this.command = command;
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    /** The command as run, with secrets masked; paste it into a root shell to see the failure again. */
    public String command() {
        return command;
    }

    /** lvm's exit code; -1 when the command did not run to an exit (timeout, not allowed, not installed). */
    public int exitCode() {
        return exitCode;
    }

    /** Everything lvm wrote to stderr, warnings included. */
    public String stderr() {
        return stderr;
    }

    /**
     * Sorts a failed lvm command by lvm's message. The texts are those lvm2 2.03.16 (Debian 12)
     * prints, recorded on real runs; lvm exits 5 for most of them, so the exit code alone says
     * nothing. Debian builds lvm2 without translations, so the texts are English whatever the
     * locale (Cinder prefixes {@code env LC_ALL=C} for the same reason).
     */
    static LvmException from(CommandFailedException failure) {
        if (failure.exitCode() < 0) {
            // The runner's own failure (timeout, not allowed, cannot start): no lvm answer to read.
            return new LvmCommandException(failure);
        }
        String err = failure.stderr();
        String lower = err.toLowerCase(Locale.ROOT);
        // Definite answers first. A missing VG makes lvm fail every LV operation inside it too,
        // and "VG missing" is the more useful of the two.
        if (VG_NOT_FOUND.matcher(err).find()) {
            return new VolumeGroupNotFoundException(failure);
        }
        if (lower.contains("failed to find logical volume")                   // lvs, lvremove, lvchange, lvconvert
                || lower.contains("not found in volume group")) {             // lvextend, lvrename, snapshot origin, thin pool
            return new LogicalVolumeNotFoundException(failure);
        }
        if (lower.contains("insufficient free space")                          // lvcreate ("has insufficient …"), lvextend
                || lower.contains("insufficient suitable allocatable extents")) {
            return new InsufficientSpaceException(failure);
        }
        if (lower.contains("already exists in volume group")) {               // lvcreate, lvrename
            return new LogicalVolumeExistsException(failure);
        }
        // Last of the typed ones: on a kernel without device-mapper lvm prints the
        // /dev/mapper/control lines on every command, even one that failed for a reason above.
        if (lower.contains("without using device-mapper kernel driver")      // thin pool, snapshot
                || lower.contains("/dev/mapper/control: open failed")         // any activation
                || lower.contains("failure to communicate with kernel device-mapper driver")
                || lower.contains("required device-mapper target(s) not detected")) {
            return new DeviceMapperUnavailableException(failure);
        }
        return new LvmCommandException(failure);
    }

    private static final Pattern VG_NOT_FOUND = Pattern.compile("Volume group \"[^\"]*\" not found");

    /**
     * lvm's meaningful lines (its WARNING lines are noise here: with activation disabled every
     * command starts with one), then the command and exit code.
     */
    private static String explain(CommandFailedException failure) {
        String said = failure.stderr().lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("WARNING:"))
                .collect(Collectors.joining(" / "));
        if (failure.exitCode() < 0) {
            // Not an lvm answer: the runner's own reason (timed out, not on the allow-list, cannot start).
            return failure.getMessage();
        }
        return (said.isEmpty() ? "lvm gave no reason" : said)
                + " (command \"" + failure.command() + "\", exit code " + failure.exitCode() + ")";
    }
}
