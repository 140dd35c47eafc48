package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandFailure;
import org.ebsvolume.drivers.command.CommandFailureContext;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An lvm command failed. Every subclass keeps what an operator needs to reproduce the failure by
 * hand: the command as it was run (secrets masked by the runner), its exit code and lvm's stderr.
 * The subclass says what went wrong, decided from lvm's own words (see {@link #from}).
 */
public abstract class LvmException extends DriverException implements CommandFailureContext {
    private static final long serialVersionUID = 1L;

    private final CommandFailure failure;

    LvmException(CinderError cinderError, String summary, CommandFailedException failure) {
        // lvm's WARNING lines are noise here: with activation disabled every command starts with one.
        super(cinderError, summary + ": " + failure.explain(l -> l.startsWith("WARNING:"), "lvm gave no reason"), failure);
        this.failure = failure.failure();
    }

    /** A command that exited 0 but whose answer is unusable (e.g. a report this code cannot read). */
    LvmException(CinderError cinderError, String summary, CommandFailure unusable) {
        super(cinderError, summary + " (" + unusable.where() + ")");
        this.failure = unusable;
    }

    @Override
    public CommandFailure failure() {
        return failure;
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
}
