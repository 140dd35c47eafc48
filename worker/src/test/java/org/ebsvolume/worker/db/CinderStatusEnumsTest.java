package org.ebsvolume.worker.db;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The status enums hold every value of Cinder's own {@code fields.py} enums (read from Debian's
 * installed Cinder, which the test stage installs), spelled as Cinder stores them.
 */
class CinderStatusEnumsTest {

    private static final Path FIELDS = Path.of("/usr/lib/python3/dist-packages/cinder/objects/fields.py");

    /** The string values of {@code class <name>(BaseCinderEnum)} up to its {@code ALL}. */
    private static Set<String> cinderValues(String enumClass) throws IOException {
        String source = Files.readString(FIELDS);
        int start = source.indexOf("class " + enumClass + "(BaseCinderEnum):");
        assertThat(start).as(enumClass + " in " + FIELDS).isNotNegative();
        String body = source.substring(start, source.indexOf("ALL = ", start));
        Set<String> values = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+[A-Z_]+ = '([^']+)'").matcher(body);
        while (m.find()) {
            values.add(m.group(1));
        }
        assertThat(values).as(enumClass + "'s values").isNotEmpty();
        return values;
    }

    private static <E extends Enum<E> & ColumnEnum> Set<String> columns(Class<E> type) {
        return new LinkedHashSet<>(Arrays.stream(type.getEnumConstants()).map(ColumnEnum::column).toList());
    }

    @Test
    void volumeStatusHoldsEveryValueOfCindersVolumeStatus() throws IOException {
        assertThat(columns(VolumeStatus.class)).containsAll(cinderValues("VolumeStatus"));
    }

    @Test
    void replicationStatusIsExactlyCindersReplicationStatus() throws IOException {
        assertThat(columns(ReplicationStatus.class)).containsExactlyInAnyOrderElementsOf(cinderValues("ReplicationStatus"));
    }

    @Test
    void snapshotStatusIsExactlyCindersSnapshotStatus() throws IOException {
        assertThat(columns(SnapshotStatus.class)).containsExactlyInAnyOrderElementsOf(cinderValues("SnapshotStatus"));
    }

    @Test
    void aValueNoCinderWritesIsRefusedWithTheValuesItKnows() {
        assertThatThrownBy(() -> VolumeStatus.ofColumn("in_use"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'in_use'").hasMessageContaining("in-use");
    }

    @Test
    void aVolumeNoDriverAnsweredForHasNoReplicationStatus() {
        assertThat(ReplicationStatus.ofColumn(null)).isNull();
    }
}
