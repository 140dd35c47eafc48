package org.ebsvolume.drivers;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CinderErrorTest {

    /** Where Debian's python3-cinder puts Cinder's exception classes. */
    private static final Path CINDER_EXCEPTIONS = Path.of("/usr/lib/python3/dist-packages/cinder/exception.py");

    @Test
    void everyConstantIsAClassOfAnInstalledCinder() throws IOException {
        assumeTrue(Files.isReadable(CINDER_EXCEPTIONS), "Cinder is not installed here");
        Matcher m = Pattern.compile("(?m)^class (\\w+)\\(").matcher(Files.readString(CINDER_EXCEPTIONS));
        Set<String> cinderClasses = new java.util.HashSet<>();
        while (m.find()) {
            cinderClasses.add(m.group(1));
        }
        assertThat(Arrays.stream(CinderError.values()).map(CinderError::className)).allMatch(cinderClasses::contains);
    }

    @Test
    void constantNamesAreTheClassNamesInUpperSnakeCase() {
        for (CinderError e : CinderError.values()) {
            String snake = e.className()
                    .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                    .replaceAll("([A-Z])([A-Z][a-z])", "$1_$2")
                    .toUpperCase(Locale.ROOT);
            assertThat(e.name()).as(e.className()).isEqualTo(snake);
        }
    }

    @Test
    void classNamesAreDistinctAndQualifiedByCindersModule() {
        Set<String> names = Arrays.stream(CinderError.values()).map(CinderError::className).collect(Collectors.toSet());
        assertThat(names).hasSize(CinderError.values().length);
        assertThat(CinderError.VOLUME_BACKEND_API_EXCEPTION.qualifiedName())
                .isEqualTo("cinder.exception.VolumeBackendAPIException");
    }
}
