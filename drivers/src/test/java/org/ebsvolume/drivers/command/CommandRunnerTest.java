package org.ebsvolume.drivers.command;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandRunnerTest {

    private final CommandRunner runner = new CommandRunner(Set.of("sh", "echo", "sleep"), List.of(), Duration.ofSeconds(10));

    @Test
    void runsAnArgumentListWithoutAShell() throws Exception {
        CommandResult r = runner.run(List.of("echo", "a; rm -rf /", "$(id)"));
        assertThat(r.stdout()).isEqualTo("a; rm -rf / $(id)\n");
    }

    @Test
    void refusesABinaryOffTheAllowList() {
        assertThatThrownBy(() -> runner.run(List.of("rm", "-rf", "/tmp/x")))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("not on the allow-list");
    }

    @Test
    void refusesAPathInsteadOfABinaryName() {
        assertThatThrownBy(() -> runner.run(List.of("/bin/echo", "x")))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("not on the allow-list");
    }

    @Test
    void aFailureKeepsTheCommandExitCodeAndStderr() {
        assertThatThrownBy(() -> runner.run(List.of("sh", "-c", "echo 'Volume group \"vg0\" not found' >&2; exit 5")))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(5);
                    assertThat(e.stderr()).contains("Volume group \"vg0\" not found");
                    assertThat(e.command()).startsWith("sh -c");
                });
    }

    @Test
    void aCommandThatHangsIsKilledAtItsTimeout() {
        assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), Duration.ofMillis(300)))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out");
    }

    @Test
    void secretsAreMaskedInTheCommandShown() {
        assertThat(CommandRunner.mask(List.of("targetcli", "/iscsi/iqn/tpg1/acls/iqn.x", "set", "auth", "userid=u",
                "password=s3cret"))).doesNotContain("s3cret").contains("password=***");
        assertThat(CommandRunner.mask(List.of("tgtadm", "--user", "u", "--password", "s3cret"))).doesNotContain("s3cret");
    }

    @Test
    void anIscsiadmSecretAfterItsValueFlagIsMasked() {
        assertThat(CommandRunner.mask(List.of("iscsiadm", "-m", "node", "-T", "iqn.x", "--op", "update",
                "-n", "node.session.auth.password", "-v", "s3cret"))).doesNotContain("s3cret").endsWith("-v ***");
    }

    @Test
    void aSecretNeverReachesTheErrorMessage() {
        assertThatThrownBy(() -> runner.run(List.of("sh", "-c", "exit 1", "password=s3cret")))
                .isInstanceOf(CommandFailedException.class).hasMessageNotContaining("s3cret");
    }
}
