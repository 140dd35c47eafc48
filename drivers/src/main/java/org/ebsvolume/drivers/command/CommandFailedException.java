package org.ebsvolume.drivers.command;

import java.util.function.Predicate;

/** A storage command failed: which command (masked), its exit code, its stderr, and why. */
public final class CommandFailedException extends Exception implements CommandFailureContext {
    private static final long serialVersionUID = 1L;

    private final CommandFailure failure;

    public CommandFailedException(CommandFailure failure, String reason) {
        super("command \"" + failure.command() + "\" failed (" + reason + ")"
                + (failure.stderr().isBlank() ? "" : ": " + failure.stderr().strip()));
        this.failure = failure;
    }

    public CommandFailedException(String command, int exitCode, String stderr, String reason) {
        this(new CommandFailure(command, exitCode, stderr), reason);
    }

    @Override
    public CommandFailure failure() {
        return failure;
    }

    /**
     * The failure as a driver's message says it: the tool's own words (see
     * {@link CommandFailure#said}) and the command when it ran to an exit; otherwise the
     * runner's reason (timed out, not on the allow-list, cannot start), which is this message.
     */
    public String explain(Predicate<String> noise, String silent) {
        if (!failure.exited()) {
            return getMessage();
        }
        return failure.said(noise, silent) + " (" + failure.where() + ")";
    }
}
