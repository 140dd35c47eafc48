package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Replays recorded DRBD answers where this host cannot run DRBD (no module): a small script given
 * to the real {@link CommandRunner} as its root-helper prefix, so the runner still checks its
 * allow-list and passes an argument list. The script records each call's arguments and answers
 * the n-th call with the n-th recorded capture (stdout, stderr, exit code as DRBD printed them);
 * a call nobody recorded an answer for fails with exit 99.
 */
final class ReplayedDrbd {

    private static final String SCRIPT = """
            #!/bin/sh
            dir=$(dirname "$0")
            n=$(( $(cat "$dir/count") + 1 )); echo "$n" > "$dir/count"
            printf '%s\\0' "$@" > "$dir/call-$n"
            answer="$dir/answer-$n"
            if [ -d "$answer" ]; then
                cat "$answer/stdout"
                cat "$answer/stderr" >&2
                exit "$(cat "$answer/rc")"
            fi
            echo "no recorded answer for call $n: $*" >&2
            exit 99
            """;

    private final Path dir;
    private final CommandRunner runner;
    private int answers;

    ReplayedDrbd(Path dir) throws IOException {
        this.dir = dir;
        Path script = dir.resolve("replay-drbd");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("count"), "0\n");
        this.runner = new CommandRunner(DrbdAdm.REQUIRED_BINARIES, List.of(script.toString()), Duration.ofSeconds(20));
    }

    /** A DrbdAdm on this replay, writing resource files under {@code dir/drbd.d}. */
    DrbdAdm adm() {
        return new DrbdAdm(runner, new DrbdResourceFiles(dir.resolve("drbd.d")), Duration.ofSeconds(20));
    }

    /** The next call gets this recorded answer. */
    ReplayedDrbd then(Recorded recorded) throws IOException {
        Path answer = dir.resolve("answer-" + (++answers));
        Files.createDirectories(answer);
        Files.writeString(answer.resolve("stdout"), recorded.stdout(), StandardCharsets.UTF_8);
        Files.writeString(answer.resolve("stderr"), recorded.stderr(), StandardCharsets.UTF_8);
        Files.writeString(answer.resolve("rc"), Integer.toString(recorded.rc()));
        return this;
    }

    /** The arguments of the n-th call (from 1), binary first. */
    List<String> call(int n) throws IOException {
        String raw = Files.readString(dir.resolve("call-" + n), StandardCharsets.UTF_8);
        return Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1));
    }

    int calls() throws IOException {
        return Integer.parseInt(Files.readString(dir.resolve("count")).strip());
    }
}
