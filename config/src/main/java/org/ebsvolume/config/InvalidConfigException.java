package org.ebsvolume.config;

import java.util.List;

/**
 * The command line or the configuration files cannot be used. Carries every problem found, not
 * just the first, so that an operator fixes the file in one go; see {@link ConfigMain} for how
 * the launcher reports them.
 *
 * <p>The message lists the problems one per line; secret values in it are already masked.
 */
public class InvalidConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        StringBuilder s = new StringBuilder();
        s.append(problems.size() == 1 ? "1 configuration problem" : problems.size() + " configuration problems");
        for (ConfigProblem p : problems) {
            s.append(System.lineSeparator()).append("  ").append(p);
        }
        return s.toString();
    }
}
