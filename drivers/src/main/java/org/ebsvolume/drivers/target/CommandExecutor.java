package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;

import java.util.List;

/**
 * How a target helper runs a command: in production always {@code CommandRunner::run}. The seam
 * exists so that the LIO tests can replay outputs recorded in the lab, since no configfs exists
 * on the build machines.
 */
@FunctionalInterface
interface CommandExecutor {
    /** @param stdin written to the command's standard input (a secret), or null for none */
    CommandResult run(List<String> argv, String stdin) throws CommandFailedException;

    default CommandResult run(List<String> argv) throws CommandFailedException {
        return run(argv, null);
    }
}
