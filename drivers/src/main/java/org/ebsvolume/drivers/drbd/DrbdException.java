package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;

import java.util.stream.Collectors;

/**
 * A drbdadm or drbdsetup command failed. Every subclass keeps what an operator needs to see the
 * failure again by hand: the command as run, its exit code and DRBD's stderr. The subclass says
 * what went wrong, decided from DRBD's own words ({@link DrbdErrors#classify}).
 */
public abstract class DrbdException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final int exitCode;
    private final String stderr;

    DrbdException(String summary, CommandFailedException failure) {
        super("VolumeBackendAPIException", summary + ": " + explain(failure), failure);
        this.command = failure.command();
        this.exitCode = failure.exitCode();
        this.stderr = failure.stderr();
    }

    /** A command that exited 0 but whose output is unusable. */
    DrbdException(String summary, String command, int exitCode, String stderr, Throwable cause) {
        super("VolumeBackendAPIException", summary + " (command \"" + command + "\", exit code " + exitCode + ")", cause);
        this.command = command;
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    /** The command as run; paste it into a root shell on the node to see the failure again. */
    public String command() {
        return command;
    }

    /** The exit code; -1 when the command did not run to an exit (timeout, not allowed, not installed). */
    public int exitCode() {
        return exitCode;
    }

    /** Everything the command wrote to stderr. */
    public String stderr() {
        return stderr;
    }

    private static String explain(CommandFailedException failure) {
        if (failure.exitCode() < 0) {
            return failure.getMessage();
        }
        // Without a module on the host, drbd-utils starts every answer with modinfo's complaint.
        String said = failure.stderr().lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("modinfo: ERROR"))
                .collect(Collectors.joining(" / "));
        return (said.isEmpty() ? "DRBD gave no reason" : said)
                + " (command \"" + failure.command() + "\", exit code " + failure.exitCode() + ")";
    }
}
