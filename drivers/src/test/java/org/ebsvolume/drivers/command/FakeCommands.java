package org.ebsvolume.drivers.command;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An in-memory {@link CommandExecutor} for tests of the storage classes, where this host cannot
 * run the real tools (no DRBD module, no device-mapper). It keeps the {@link CommandRunner}'s
 * allow-list check and its masked command line, records every call, and answers with outputs
 * the test scripted, usually ones recorded in the lab: for a binary's n-th call, for all its
 * calls, or the next answer in call order; a call with none gets the fallback answer.
 */
public final class FakeCommands implements CommandExecutor {

    /** One call as it was made. */
    public record Call(List<String> argv, String stdin, Duration timeout) {
        public String binary() {
            return argv.get(0);
        }
    }

    /** What a command printed and how it exited. */
    public record Answer(int exitCode, String stdout, String stderr) {
        public static Answer ok(String stdout) {
            return new Answer(0, stdout, "");
        }

        public static Answer failed(int exitCode, String stderr) {
            return new Answer(exitCode, "", stderr);
        }
    }

    private final Set<String> allowedBinaries;
    private final Function<Call, Answer> fallback;
    private final List<Call> calls = new ArrayList<>();
    private final Deque<Answer> inOrder = new ArrayDeque<>();
    private final Map<String, Answer> everyCall = new HashMap<>();
    private final Map<String, Answer> nthCall = new HashMap<>();

    /**
     * @param allowedBinaries as the production runner's allow-list
     * @param fallback        the answer to a call nothing was scripted for
     */
    public FakeCommands(Set<String> allowedBinaries, Function<Call, Answer> fallback) {
        this.allowedBinaries = Set.copyOf(allowedBinaries);
        this.fallback = fallback;
    }

    /** The next call (in call order, whatever its binary) gets {@code answer}. */
    public FakeCommands then(Answer answer) {
        inOrder.add(answer);
        return this;
    }

    /** Every call of {@code binary} gets {@code answer}. */
    public FakeCommands answer(String binary, Answer answer) {
        everyCall.put(binary, answer);
        return this;
    }

    /** The {@code nth} call (from 1) of {@code binary} gets {@code answer}; before any answer for every call. */
    public FakeCommands answer(String binary, int nth, Answer answer) {
        nthCall.put(binary + "#" + nth, answer);
        return this;
    }

    /** Every call, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) throws CommandFailedException {
        String shown = CommandRunner.mask(argv);
        if (!allowedBinaries.contains(argv.get(0))) {
            throw new CommandFailedException(shown, -1, "", "'" + argv.get(0) + "' is not on the allow-list " + allowedBinaries);
        }
        Call call = new Call(List.copyOf(argv), stdin, timeout);
        calls.add(call);
        long nth = calls.stream().filter(c -> c.binary().equals(call.binary())).count();
        Answer answer = nthCall.get(call.binary() + "#" + nth);
        if (answer == null) {
            answer = everyCall.get(call.binary());
        }
        if (answer == null) {
            answer = inOrder.poll();
        }
        if (answer == null) {
            answer = fallback.apply(call);
        }
        if (answer.exitCode() != 0) {
            throw new CommandFailedException(shown, answer.exitCode(), answer.stderr(), "exit code " + answer.exitCode());
        }
        return new CommandResult(shown, 0, answer.stdout(), answer.stderr());
    }
}
