package org.ebsvolume.drivers.command;

import java.time.Duration;
import java.util.List;

/**
 * The one seam through which the drivers run commands: an argument list (never a shell string),
 * its answer or a {@link CommandFailedException}. In production it is always the
 * {@link CommandRunner} (allow-list, root helper, timeouts, masking); tests give the storage
 * classes an in-memory executor that replays outputs recorded in the lab, since the build
 * machines have no DRBD module, no configfs and no device-mapper.
 */
@FunctionalInterface
public interface CommandExecutor {

    /**
     * Runs {@code argv} and returns its result when it exits 0.
     *
     * @param stdin   written to the command's standard input and never logged (how a secret
     *                reaches a command without showing in {@code ps}), or {@code null} for none
     * @param timeout how long the command may take, or {@code null} for the executor's default
     * @throws CommandFailedException non-zero exit, timeout, not allowed, or could not start;
     *                                it carries the (masked) command, exit code and stderr
     */
    CommandResult run(List<String> argv, String stdin, Duration timeout) throws CommandFailedException;

    default CommandResult run(List<String> argv) throws CommandFailedException {
        return run(argv, null, null);
    }

    default CommandResult run(List<String> argv, String stdin) throws CommandFailedException {
        return run(argv, stdin, null);
    }

    default CommandResult run(List<String> argv, Duration timeout) throws CommandFailedException {
        return run(argv, null, timeout);
    }
}
