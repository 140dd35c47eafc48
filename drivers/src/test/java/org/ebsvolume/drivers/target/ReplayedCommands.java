package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A strict script of commands and the replies recorded for them (files under
 * {@code lio/}): each call must be exactly the next expected argument list, so a test reads as
 * the sequence of commands the helper runs.
 */
final class ReplayedCommands implements CommandExecutor {

    private record Exchange(List<String> argv, String stdout, int exitCode, String stderr) {
    }

    private final Deque<Exchange> script = new ArrayDeque<>();
    private final List<List<String>> seen = new ArrayList<>();

    /** Expects {@code argv}; replies with the recorded stdout in {@code lio/<fixture>}. */
    ReplayedCommands expect(List<String> argv, String fixture) {
        script.add(new Exchange(argv, fixture(fixture), 0, ""));
        return this;
    }

    /** Expects {@code argv}; it fails with {@code exitCode} and {@code stderr}. */
    ReplayedCommands expectFailure(List<String> argv, int exitCode, String stdout, String stderr) {
        script.add(new Exchange(argv, stdout, exitCode, stderr));
        return this;
    }

    @Override
    public CommandResult run(List<String> argv) throws CommandFailedException {
        seen.add(List.copyOf(argv));
        Exchange next = script.poll();
        if (next == null) {
            fail("unexpected command after the script ended: " + argv);
        }
        assertThat(argv).as("command #%d", seen.size()).containsExactlyElementsOf(next.argv());
        // Deliberately unmasked: the helper must not rely on the runner alone to hide secrets.
        String shown = String.join(" ", argv);
        if (next.exitCode() != 0) {
            throw new CommandFailedException(shown, next.exitCode(), next.stderr(), "exit code " + next.exitCode());
        }
        return new CommandResult(shown, 0, next.stdout(), "");
    }

    /** Every expected command ran. */
    void assertDone() {
        assertThat(script).as("commands that were expected but never ran").isEmpty();
    }

    List<List<String>> seen() {
        return seen;
    }

    static String fixture(String name) {
        try (InputStream in = ReplayedCommands.class.getResourceAsStream("lio/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture lio/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
