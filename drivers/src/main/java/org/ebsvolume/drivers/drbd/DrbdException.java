package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandFailure;
import org.ebsvolume.drivers.command.CommandFailureContext;

/**
 * A drbdadm or drbdsetup command failed. Every subclass keeps what an operator needs to see the
 * failure again by hand: the command as run, its exit code and DRBD's stderr. The subclass says
 * what went wrong, decided from DRBD's own words ({@link DrbdErrors#classify}).
 */
public abstract class DrbdException extends DriverException implements CommandFailureContext {
    private static final long serialVersionUID = 1L;

    private final CommandFailure failure;

    DrbdException(String summary, CommandFailedException failure) {
        // Without a module on the host, drbd-utils starts every answer with modinfo's complaint.
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, summary + ": "
                + failure.explain(l -> l.startsWith("modinfo: ERROR"), "DRBD gave no reason"), failure);
        this.failure = failure.failure();
    }

    /** A command that exited 0 but whose output is unusable. */
    DrbdException(String summary, CommandFailure unusable, Throwable cause) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, summary + " (" + unusable.where() + ")", cause);
        this.failure = unusable;
    }

    @Override
    public CommandFailure failure() {
        return failure;
    }
}
