package org.ebsvolume.drivers.command;

/** A storage command failed: which command (masked), its exit code, its stderr, and why. */
public final class CommandFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final int exitCode;
    private final String stderr;

    public CommandFailedException(String command, int exitCode, String stderr, String reason) {
        super("command \"" + command + "\" failed (" + reason + ")" + (stderr == null || stderr.isBlank() ? "" : ": " + stderr.strip()));
        this.command = command;
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    public String command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}
