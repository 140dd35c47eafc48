package org.ebsvolume.drivers.command;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeCommandsTest {

    private final FakeCommands commands = new FakeCommands(Set.of("lvs", "lvcreate"), call -> FakeCommands.Answer.ok(""));

    @Test
    void aBinaryOffTheAllowListIsRefusedAsTheRunnerRefusesIt() {
        assertThatThrownBy(() -> commands.run(List.of("rm", "-rf", "/")))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("'rm' is not on the allow-list");
                });
        assertThat(commands.calls()).isEmpty();
    }

    @Test
    void anAnswerForTheNthCallComesBeforeTheAnswerForEveryCall() throws Exception {
        commands.answer("lvs", FakeCommands.Answer.ok("every\n")).answer("lvs", 2, FakeCommands.Answer.ok("second\n"));
        assertThat(commands.run(List.of("lvs")).stdout()).isEqualTo("every\n");
        assertThat(commands.run(List.of("lvs")).stdout()).isEqualTo("second\n");
        assertThat(commands.run(List.of("lvs")).stdout()).isEqualTo("every\n");
    }

    @Test
    void aFailedAnswerThrowsWithTheMaskedCommandItsExitCodeAndStderr() {
        commands.then(FakeCommands.Answer.failed(5, "  Volume group \"vg\" not found\n"));
        assertThatThrownBy(() -> commands.run(List.of("lvcreate", "password=hunter2", "vg")))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.command()).isEqualTo("lvcreate password=*** vg");
                    assertThat(e.exitCode()).isEqualTo(5);
                    assertThat(e.stderr()).contains("not found");
                });
    }
}
