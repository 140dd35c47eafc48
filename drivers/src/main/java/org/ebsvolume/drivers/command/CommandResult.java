package org.ebsvolume.drivers.command;

/** A command that exited 0; {@code command} is the masked form safe to log. */
public record CommandResult(String command, int exitCode, String stdout, String stderr) {

    /** For a command that exited 0 but whose answer the caller cannot use: its context as a failure. */
    public CommandFailure asFailure() {
        return new CommandFailure(command, exitCode, stderr);
    }
}
