package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What the launcher prints and returns when the configuration is unusable. */
class ConfigMainTest {

    @Test
    void everyProblemIsPrintedOnItsOwnLineAndTheExitStatusIsTwo() {
        InvalidConfigException e = new InvalidConfigException(List.of(
                new ConfigProblem("/etc/cinder/cinder.conf", 42, "EBS", "replication_mode", "sync",
                        "expected one of async, semi-sync, full-sync"),
                ConfigProblem.about(null, "database", "connection", "connection is not set")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ConfigMain.printProblems(e, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "ebs-volume: cannot start: 2 configuration problems",
                "ebs-volume: /etc/cinder/cinder.conf:42: [EBS] replication_mode = 'sync' is invalid: expected one of"
                        + " async, semi-sync, full-sync",
                "ebs-volume: [database] connection is not set");
        assertThat(ConfigMain.exitCodeFor(e)).isEqualTo(2);
        assertThat(e.getMessage()).startsWith("2 configuration problems");
    }
}
