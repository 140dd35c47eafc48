package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Writing, reading back and deleting resource files. */
class DrbdResourceFilesTest {

    @TempDir
    Path dir;

    @Test
    void writtenFileIsNamedForItsResourceAndHasMode0600() throws Exception {
        Path written = new DrbdResourceFiles(dir).write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
        assertThat(written).isEqualTo(dir.resolve("ebs-" + DrbdResourceConfigTest.RESOURCE + ".res"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-------");
    }

    @Test
    void writingAgainReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        DrbdResourceFiles files = new DrbdResourceFiles(dir);
        files.write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
        Path written = files.write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V9);
        assertThat(Files.readString(written)).contains("auto-promote no;");
        try (Stream<Path> all = Files.list(dir)) {
            assertThat(all).containsExactly(written);
        }
    }

    @Test
    void aStaleTemporaryFileFromACrashIsReplaced() throws Exception {
        Path stale = dir.resolve(".ebs-" + DrbdResourceConfigTest.RESOURCE + ".res.tmp");
        Files.writeString(stale, "half a file");
        new DrbdResourceFiles(dir).write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
        assertThat(stale).doesNotExist();
    }

    @Test
    void slotsAreReadBackFromTheWrittenFiles() throws Exception {
        DrbdResourceFiles files = new DrbdResourceFiles(dir);
        files.write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V9);
        assertThat(files.readSlots()).isEqualTo(Map.of(DrbdResourceConfigTest.RESOURCE, new DrbdSlot(7789, 1000)));
    }

    @Test
    void aFileWhoseResourceLineNamesAnotherResourceIsAnError() throws Exception {
        DrbdResourceFiles files = new DrbdResourceFiles(dir);
        Path written = files.write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
        Files.move(written, dir.resolve("ebs-volume-other.res"));
        org.assertj.core.api.Assertions.assertThatThrownBy(files::readSlots)
                .isInstanceOf(DrbdResourceFileException.class).hasMessageContaining("does not name volume-other");
    }

    @Test
    void deleteReportsWhetherThereWasAFile() throws Exception {
        DrbdResourceFiles files = new DrbdResourceFiles(dir);
        files.write(DrbdResourceConfigTest.labConfig(), DrbdDialect.V84);
        assertThat(files.delete(DrbdResourceConfigTest.RESOURCE)).isTrue();
        assertThat(files.delete(DrbdResourceConfigTest.RESOURCE)).isFalse();
        assertThat(files.exists(DrbdResourceConfigTest.RESOURCE)).isFalse();
    }
}
