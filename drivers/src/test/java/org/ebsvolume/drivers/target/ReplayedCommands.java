package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A strict script of commands and the answers recorded for them in the lab (files under
 * {@code lio/}: {@code <name>.out}, {@code .err}, {@code .rc}, written by
 * {@code lab/record-ebs-lio.sh}): each call must be exactly the next expected argument list, so a
 * test reads as the sequence of commands the target runs.
 */
final class ReplayedCommands implements CommandExecutor {

    /** One call as it was made: its argument list and what it was given on stdin. */
    record Call(List<String> argv, String stdin) {
    }

    private record Exchange(List<String> argv, String stdout, int exitCode, String stderr) {
    }

    private final Deque<Exchange> script = new ArrayDeque<>();
    private final List<Call> seen = new ArrayList<>();

    /** Expects {@code argv}; answers as the helper did in the recording {@code lio/<recording>.*}. */
    ReplayedCommands expect(List<String> argv, String recording) {
        script.add(new Exchange(argv, fixture(recording + ".out"), Integer.parseInt(fixture(recording + ".rc").strip()),
                fixture(recording + ".err")));
        return this;
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) throws CommandFailedException {
        seen.add(new Call(List.copyOf(argv), stdin));
        Exchange next = script.poll();
        if (next == null) {
            fail("unexpected command after the script ended: " + argv);
        }
        assertThat(argv).as("command #%d", seen.size()).containsExactlyElementsOf(next.argv());
        // Deliberately unmasked: the target must not rely on the runner alone to hide secrets.
        String shown = String.join(" ", argv);
        if (next.exitCode() != 0) {
            throw new CommandFailedException(shown, next.exitCode(), next.stderr(), "exit code " + next.exitCode());
        }
        return new CommandResult(shown, 0, next.stdout(), next.stderr());
    }

    /** Every expected command ran. */
    void assertDone() {
        assertThat(script).as("commands that were expected but never ran").isEmpty();
    }

    List<Call> seen() {
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
