package org.ebsvolume.drivers.initiator;

import org.ebsvolume.drivers.command.FakeCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IscsiInitiator} with iscsiadm in memory (this host logs in to nothing). */
class IscsiInitiatorTest {

    private static final IscsiInitiator.IscsiTarget TARGET = new IscsiInitiator.IscsiTarget(
            "iqn.2010-10.org.openstack:volume-1", "192.0.2.10:3260", 1, null, null);

    @TempDir
    Path byPath;

    @Test
    void connectPollsForTheDeviceNodeThroughThePauseSeam() throws Exception {
        Path device = byPath.resolve("ip-192.0.2.10:3260-iscsi-iqn.2010-10.org.openstack:volume-1-lun-1");
        FakeCommands iscsiadm = new FakeCommands(IscsiInitiator.REQUIRED_BINARIES, call -> FakeCommands.Answer.ok(""));
        List<Duration> pauses = new ArrayList<>();
        // udev makes the link while the third poll waits.
        IscsiInitiator initiator = new IscsiInitiator(iscsiadm, byPath.resolve("initiatorname.iscsi"), byPath,
                Duration.ofMinutes(1), d -> {
                    pauses.add(d);
                    if (pauses.size() == 3) {
                        create(device);
                    }
                });

        assertThat(initiator.connect(TARGET)).isEqualTo(device);

        assertThat(pauses).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200));
        assertThat(iscsiadm.calls()).extracting(c -> c.argv().get(c.argv().size() - 1))
                .containsExactly("new", "--login");
    }

    private static void create(Path file) {
        try {
            Files.createFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
