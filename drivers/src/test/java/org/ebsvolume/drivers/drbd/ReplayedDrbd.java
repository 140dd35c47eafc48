package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.FakeCommands;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Replays recorded DRBD answers where this host cannot run DRBD (no module): an in-memory
 * {@link FakeCommands} with the production allow-list that records each call's arguments and
 * answers the n-th call with the n-th recorded capture (stdout, stderr, exit code as DRBD
 * printed them); a call nobody recorded an answer for fails with exit 99.
 */
public final class ReplayedDrbd {

    private final Path dir;
    private final FakeCommands commands = new FakeCommands(DrbdAdm.REQUIRED_BINARIES,
            call -> FakeCommands.Answer.failed(99, "no recorded answer for this call: " + String.join(" ", call.argv()) + "\n"));

    /** @param dir where {@link #adm()} writes its resource files ({@code dir/drbd.d}) */
    public ReplayedDrbd(Path dir) {
        this.dir = dir;
    }

    /** A DrbdAdm on this replay, writing resource files under {@code dir/drbd.d}. */
    public DrbdAdm adm() {
        return new DrbdAdm(commands, new DrbdResourceFiles(dir.resolve("drbd.d")), Duration.ofSeconds(20));
    }

    /** The next call gets this recorded answer. */
    public ReplayedDrbd then(Recorded recorded) {
        commands.then(new FakeCommands.Answer(recorded.rc(), recorded.stdout(), recorded.stderr()));
        return this;
    }

    /** The arguments of the n-th call (from 1), binary first. */
    List<String> call(int n) {
        return commands.calls().get(n - 1).argv();
    }

    int calls() {
        return commands.calls().size();
    }

    /** Every call, in order, as its command line. */
    public List<String> commandLines() {
        return commands.calls().stream().map(c -> String.join(" ", c.argv())).toList();
    }
}
