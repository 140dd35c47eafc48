package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's arguments: cinder-volume's, as Debian's systemd unit passes them. */
class CommandLineTest {

    @TempDir
    Path tmp;

    private CommandLine parse(String... args) throws InvalidConfigException {
        return new ConfigFiles(tmp).commandLine(args);
    }

    @Test
    void configFilesAndDirectoriesAreKeptInCommandLineOrderInBothForms() throws Exception {
        CommandLine cli = parse("--config-file", "/etc/cinder/cinder.conf", "--config-dir=/etc/cinder/conf.d",
                "--config-file=/etc/cinder/last.conf");

        assertThat(cli.sources()).containsExactly(
                new CommandLine.ConfigSource(Path.of("/etc/cinder/cinder.conf"), false, true),
                new CommandLine.ConfigSource(Path.of("/etc/cinder/conf.d"), true, true),
                new CommandLine.ConfigSource(Path.of("/etc/cinder/last.conf"), false, true));
    }

    @Test
    void theLoggingOptionsOfDebiansUnitAreAccepted() throws Exception {
        CommandLine cli = parse("--config-file=/etc/cinder/cinder.conf",
                "--log-file=/var/log/cinder/cinder-volume.log", "--log-dir", "/var/log/cinder", "-d");

        assertThat(cli.logFile()).contains("/var/log/cinder/cinder-volume.log");
        assertThat(cli.logDir()).contains("/var/log/cinder");
        assertThat(cli.debug()).contains(true);
        assertThat(parse("--debug", "--nodebug").debug()).contains(false);
    }

    @Test
    void relativePathsAndTildeAreMadeAbsolute() throws Exception {
        CommandLine cli = parse("--config-file", "~/x.conf", "--config-file", "rel.conf");

        assertThat(cli.sources()).extracting(CommandLine.ConfigSource::path).containsExactly(
                tmp.resolve("home/x.conf"), Path.of("rel.conf").toAbsolutePath());
    }

    @Test
    void unknownOptionsStrayArgumentsAndMissingValuesAreAllReported() {
        assertThatThrownBy(() -> parse("--config-file", "--frobnicate", "cinder.conf", "--use-syslog",
                "--config-dir=", "--log-file"))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).extracting(ConfigProblem::toString)
                        .containsExactly(
                                "command line: --config-file expects a value after it",
                                "command line: unknown option --frobnicate (ebs-volume --help lists the options)",
                                "command line: unexpected argument 'cinder.conf'; config files are given with --config-file",
                                "command line: unknown option --use-syslog (ebs-volume --help lists the options)",
                                "command line: --config-dir has an empty value",
                                "command line: --log-file expects a value after it"));
    }

    @Test
    void helpAndVersionWinOverEverythingElse() throws Exception {
        assertThat(parse("--bogus", "-h").helpRequested()).isTrue();
        assertThat(parse("--help").helpRequested()).isTrue();
        assertThat(parse("--version").versionRequested()).isTrue();
        assertThat(CommandLine.usage()).contains("--config-file FILE", "--config-dir DIR", "--log-file FILE");
    }

    @Test
    void withoutConfigFileTheFirstCinderConfAndCinderVolumeConfFoundAreUsed() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.write("etc/cinder/cinder.conf", "");
        files.write("etc/cinder.conf", "");
        files.write("home/cinder-volume.conf", "");

        CommandLine cli = parse();

        assertThat(cli.sources()).extracting(CommandLine.ConfigSource::path).containsExactly(
                tmp.resolve("etc/cinder/cinder.conf"), tmp.resolve("home/cinder-volume.conf"));
        assertThat(cli.sources()).noneMatch(CommandLine.ConfigSource::explicit);
    }

    @Test
    void aUserCinderDirectoryComesFirstInTheSearch() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.write("home/.cinder/cinder.conf", "");
        files.write("etc/cinder/cinder.conf", "");

        assertThat(parse().sources()).extracting(CommandLine.ConfigSource::path)
                .containsExactly(tmp.resolve("home/.cinder/cinder.conf"));
    }

    @Test
    void defaultConfigDirectoriesAreReadBeforeTheGivenFiles() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.write("etc/cinder/cinder.conf.d/10.conf", "");
        files.write("etc/cinder/cinder.conf", "");

        CommandLine cli = parse("--config-file", "/srv/mine.conf");

        assertThat(cli.sources()).containsExactly(
                new CommandLine.ConfigSource(tmp.resolve("etc/cinder/cinder.conf.d"), true, false),
                new CommandLine.ConfigSource(Path.of("/srv/mine.conf"), false, true));
        assertThat(parse("--config-file", "/srv/mine.conf", "--config-dir", "/srv/d").sources())
                .extracting(CommandLine.ConfigSource::path).containsExactly(Path.of("/srv/mine.conf"), Path.of("/srv/d"));
    }

    @Test
    void noArgumentsAndNoFileAnywhereGivesOneClearProblem() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);

        assertThat(files.problemsLoading()).containsExactly("no config file to read: none was given with"
                + " --config-file and none of ~/.cinder/cinder.conf, ~/cinder.conf, /etc/cinder/cinder.conf,"
                + " /etc/cinder.conf exists");
        assertThat(List.of(parse().sources().size())).containsExactly(0);
    }
}
