package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;

import java.util.List;

/**
 * How a target helper runs a command: in production always {@code CommandRunner::run}. The seam
 * exists so that the LIO tests can replay targetcli outputs recorded in the lab, since no configfs
 * exists on the build machines.
 */
@FunctionalInterface
interface CommandExecutor {
    CommandResult run(List<String> argv) throws CommandFailedException;
}
