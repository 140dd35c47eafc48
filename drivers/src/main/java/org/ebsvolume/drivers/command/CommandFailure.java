package org.ebsvolume.drivers.command;

import java.io.Serializable;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What an operator needs to run a failed command again by hand and see why it failed: the
 * command as run (secrets masked by the runner), its exit code and everything it wrote to
 * stderr. Every storage error caused by a command carries one, so these fields and the way
 * messages show them are written once, here.
 *
 * @param exitCode -1 when the command did not run to an exit (timeout, not on the allow-list,
 *                 could not start); then {@code stderr} is not the tool's answer
 */
public record CommandFailure(String command, int exitCode, String stderr) implements Serializable {

    public CommandFailure {
        stderr = stderr == null ? "" : stderr;
    }

    /** Whether the command ran to an exit, so that its stderr is the tool's own answer. */
    public boolean exited() {
        return exitCode >= 0;
    }

    /** {@code command "lvs vg/lv", exit code 5}: how every message names the command. */
    public String where() {
        return "command \"" + command + "\", exit code " + exitCode;
    }

    /** {@link #where()} followed by {@code , stderr: …} when the command wrote anything there. */
    public String whereWithStderr() {
        return where() + (stderr.isBlank() ? "" : ", stderr: " + stderr.strip());
    }

    /**
     * The tool's meaningful stderr lines joined by {@code " / "}; {@code noise} drops the lines a
     * tool prints on every run (lvm's WARNINGs, modinfo's complaint before every drbdadm answer),
     * {@code silent} stands in when nothing is left.
     */
    public String said(Predicate<String> noise, String silent) {
        String said = stderr.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !noise.test(l))
                .collect(Collectors.joining(" / "));
        return said.isEmpty() ? silent : said;
    }

    /** The same failure with {@code scrub} applied to the command and stderr (e.g. a CHAP password removed). */
    public CommandFailure scrubbed(UnaryOperator<String> scrub) {
        return new CommandFailure(scrub.apply(command), exitCode, scrub.apply(stderr));
    }
}
