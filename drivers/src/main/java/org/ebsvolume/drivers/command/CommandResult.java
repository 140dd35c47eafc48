package org.ebsvolume.drivers.command;

/** A command that exited 0; {@code command} is the masked form safe to log. */
public record CommandResult(String command, int exitCode, String stdout, String stderr) {
}
