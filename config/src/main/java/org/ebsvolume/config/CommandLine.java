package org.ebsvolume.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code ebs-volume}, which takes what {@code cinder-volume} is started with
 * on Debian 12 so that the same systemd unit arguments work:
 *
 * <pre>
 * ebs-volume [--config-file FILE]... [--config-dir DIR]... [--log-file FILE] [--log-dir DIR]
 *            [--debug | -d | --nodebug] [-h | --help] [--version]
 * </pre>
 *
 * <p>Each option also takes the {@code --option=VALUE} form. Files and directories are read in the
 * order given, later ones overriding earlier ones; a directory contributes its {@code *.conf}
 * files in sorted order. The other options of oslo.config/oslo.log (--log-config-append,
 * --use-syslog, --state_path, ...) and unambiguous abbreviations, which argparse accepts, are
 * refused: nothing here implements them.
 *
 * <p>Without --config-file, oslo's default search is done with project {@code cinder} and program
 * {@code cinder-volume}, as for the service this replaces: the first of
 * {@code ~/.cinder/cinder.conf}, {@code ~/cinder.conf}, {@code /etc/cinder/cinder.conf},
 * {@code /etc/cinder.conf} that exists, then likewise the first {@code cinder-volume.conf}.
 * Without --config-dir, the first existing {@code cinder.conf.d} and {@code cinder-volume.conf.d}
 * in the same directories are read, <em>before</em> the command line's files (oslo reads the
 * defaults first). The snap directories oslo also searches are not.
 *
 * @param sources          what to read, in order
 * @param debug            --debug / --nodebug, when given (overrides [DEFAULT] debug)
 * @param logFile          --log-file, when given (overrides [DEFAULT] log_file)
 * @param logDir           --log-dir, when given (overrides [DEFAULT] log_dir)
 * @param helpRequested    -h or --help was given: print {@link #usage()} and exit 0
 * @param versionRequested --version was given: print the version and exit 0
 */
public record CommandLine(List<ConfigSource> sources, Optional<Boolean> debug, Optional<String> logFile,
                          Optional<String> logDir, boolean helpRequested, boolean versionRequested) {

    /**
     * A config file or directory to read.
     *
     * @param path      absolute path
     * @param directory a --config-dir (all its *.conf files) rather than a single file
     * @param explicit  given on the command line; a missing one is an error, while a default
     *                  directory is only used if it exists
     */
    public record ConfigSource(Path path, boolean directory, boolean explicit) {
    }

    private static final String PROJECT = "cinder";
    private static final String PROGRAM = "cinder-volume";

    public CommandLine {
        sources = List.copyOf(sources);
    }

    /**
     * Parses the arguments given to the launcher.
     *
     * @throws InvalidConfigException for an unknown option, a stray argument or a missing value,
     *                                all of them listed (never when --help or --version is given)
     */
    public static CommandLine parse(String... args) throws InvalidConfigException {
        return parse(List.of(args), MachineEnvironment.system().home(), Path.of("/etc"));
    }

    /** {@link #parse(String...)} with the default search rooted elsewhere, for tests. */
    static CommandLine parse(List<String> args, Path home, Path etc) throws InvalidConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<ConfigSource> explicit = new ArrayList<>();
        Boolean debug = null;
        String logFile = null;
        String logDir = null;
        boolean help = false;
        boolean version = false;
        boolean anyFile = false;
        boolean anyDir = false;

        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                case "-d", "--debug" -> debug = true;
                case "--nodebug" -> debug = false;
                case "--config-file", "--config-dir", "--log-file", "--logfile", "--log-dir", "--logdir" -> {
                    if (value == null) {
                        String next = i + 1 < args.size() ? args.get(i + 1) : null;
                        if (next == null || (next.startsWith("-") && next.length() > 1)) {
                            problems.add(ConfigProblem.general("command line: " + name + " expects a value after it"));
                            continue;
                        }
                        value = next;
                        i++;
                    }
                    if (value.isEmpty()) {
                        problems.add(ConfigProblem.general("command line: " + name + " has an empty value"));
                        continue;
                    }
                    switch (name) {
                        case "--config-file" -> {
                            explicit.add(new ConfigSource(absolute(value, home), false, true));
                            anyFile = true;
                        }
                        case "--config-dir" -> {
                            explicit.add(new ConfigSource(absolute(value, home), true, true));
                            anyDir = true;
                        }
                        case "--log-file", "--logfile" -> logFile = value;
                        default -> logDir = value;
                    }
                }
                default -> problems.add(ConfigProblem.general(arg.startsWith("-")
                        ? "command line: unknown option " + name + " (ebs-volume --help lists the options)"
                        : "command line: unexpected argument '" + arg + "'; config files are given with --config-file"));
            }
        }
        if (help || version) {
            return new CommandLine(List.of(), Optional.ofNullable(debug), Optional.ofNullable(logFile),
                    Optional.ofNullable(logDir), help, version);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }

        List<Path> searchDirs = List.of(home.resolve("." + PROJECT), home, etc.resolve(PROJECT), etc);
        List<ConfigSource> sources = new ArrayList<>();
        if (!anyFile) {
            for (String name : List.of(PROJECT + ".conf", PROGRAM + ".conf")) {
                firstExisting(searchDirs, name).ifPresent(p -> sources.add(new ConfigSource(p, false, false)));
            }
        }
        if (!anyDir) {
            for (String name : List.of(PROJECT + ".conf.d", PROGRAM + ".conf.d")) {
                firstExisting(searchDirs, name).ifPresent(p -> sources.add(new ConfigSource(p, true, false)));
            }
        }
        sources.addAll(explicit);
        return new CommandLine(sources, Optional.ofNullable(debug), Optional.ofNullable(logFile),
                Optional.ofNullable(logDir), false, false);
    }

    /** The --help text. */
    public static String usage() {
        return String.join(System.lineSeparator(),
                "usage: ebs-volume [--config-file FILE]... [--config-dir DIR]... [--log-file FILE]",
                "                  [--log-dir DIR] [--debug | -d | --nodebug] [-h | --help] [--version]",
                "",
                "The cinder-volume service of OpenStack Cinder (Zed), on LVM, DRBD and iSCSI.",
                "",
                "  --config-file FILE  a config file; may be repeated, later files override earlier ones.",
                "                      Default: the first cinder.conf, then the first cinder-volume.conf,",
                "                      found in ~/.cinder/, ~/, /etc/cinder/, /etc/",
                "  --config-dir DIR    read DIR/*.conf in sorted order, after the files given before it;",
                "                      may be repeated. Default: cinder.conf.d/ and cinder-volume.conf.d/",
                "                      in the same places, when they exist",
                "  --log-file FILE     log to FILE (overrides [DEFAULT] log_file)",
                "  --log-dir DIR       base directory of a relative --log-file (overrides [DEFAULT] log_dir)",
                "  -d, --debug         log at DEBUG level (overrides [DEFAULT] debug); --nodebug turns it off",
                "  -h, --help          show this help and exit",
                "  --version           show the version and exit",
                "");
    }

    private static Optional<Path> firstExisting(List<Path> dirs, String name) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.exists(candidate)) {
                return Optional.of(candidate.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    /** oslo's {@code _fixpath}: ~ expanded, made absolute. */
    private static Path absolute(String value, Path home) {
        String expanded = value;
        if (value.equals("~")) {
            expanded = home.toString();
        } else if (value.startsWith("~/")) {
            expanded = home.resolve(value.substring(2)).toString();
        }
        return Path.of(expanded).toAbsolutePath().normalize();
    }
}
