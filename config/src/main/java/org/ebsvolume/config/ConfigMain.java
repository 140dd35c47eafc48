package org.ebsvolume.config;

import java.io.PrintStream;

/**
 * What the launcher does when the configuration is unusable: print every problem, one per line,
 * and exit with status 2 (argparse's status for a usage error, which is what oslo.config's
 * command-line errors give too; systemd then shows the lines in {@code systemctl status}).
 *
 * <pre>
 * try {
 *     CommandLine cli = CommandLine.parse(args);
 *     ...
 *     CinderConfig config = CinderConfig.load(cli);
 * } catch (InvalidConfigException e) {
 *     ConfigMain.printProblems(e, System.err);
 *     System.exit(ConfigMain.exitCodeFor(e));
 * }
 * </pre>
 */
public final class ConfigMain {

    /** The exit status for a configuration that cannot be used. */
    public static final int EXIT_INVALID_CONFIG = 2;

    private ConfigMain() {
    }

    public static int exitCodeFor(InvalidConfigException e) {
        return EXIT_INVALID_CONFIG;
    }

    /**
     * Prints a header and each problem on its own line, prefixed with "ebs-volume: ". Secret
     * values are already masked in the problems.
     */
    public static void printProblems(InvalidConfigException e, PrintStream err) {
        int n = e.problems().size();
        err.println("ebs-volume: cannot start: " + (n == 1 ? "1 configuration problem" : n + " configuration problems"));
        for (ConfigProblem p : e.problems()) {
            err.println("ebs-volume: " + p);
        }
        err.flush();
    }
}
