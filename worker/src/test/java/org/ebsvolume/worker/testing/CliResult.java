package org.ebsvolume.worker.testing;

import java.util.List;

/**
 * How a command-line run ended: exit code, everything it wrote to stdout and to stderr, and the
 * command itself (for failure messages). A run killed by its timeout has exit code
 * {@link #TIMED_OUT} and says so at the end of {@link #stderr()}.
 */
public record CliResult(int exitCode, String stdout, String stderr, String command) {

    /** Exit code of a run that did not finish within its timeout (as timeout(1) reports it). */
    public static final int TIMED_OUT = 124;

    public CliResult(int exitCode, String stdout, String stderr) {
        this(exitCode, stdout, stderr, "");
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** Fails the test (AssertionError with the command and its whole output) unless the exit code is 0. */
    public CliResult requireSuccess() {
        if (exitCode != 0) {
            throw new AssertionError(describe());
        }
        return this;
    }

    /** Fails the test unless the command failed; for tests that expect an error (e.g. HTTP 400 from the API). */
    public CliResult requireFailure() {
        if (exitCode == 0) {
            throw new AssertionError("expected a failure, but it succeeded:\n" + describe());
        }
        return this;
    }

    public List<String> stdoutLines() {
        return stdout.lines().toList();
    }

    public String describe() {
        return (command.isEmpty() ? "command" : command) + " exited " + exitCode
                + (exitCode == TIMED_OUT ? " (timed out)" : "")
                + "\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
    }

    @Override
    public String toString() {
        return describe();
    }
}
