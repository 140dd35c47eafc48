package org.ebsvolume.drivers.command;

/**
 * An error caused by a failed command, with that command's context for operators and tests:
 * the accessors every such error offers, read from its {@link CommandFailure}.
 */
public interface CommandFailureContext {

    CommandFailure failure();

    /** The command as run, secrets masked; paste it into a root shell to see the failure again. */
    default String command() {
        return failure().command();
    }

    /** The exit code; -1 when the command did not run to an exit (timeout, not allowed, not installed). */
    default int exitCode() {
        return failure().exitCode();
    }

    /** Everything the command wrote to stderr, warnings included. */
    default String stderr() {
        return failure().stderr();
    }
}
