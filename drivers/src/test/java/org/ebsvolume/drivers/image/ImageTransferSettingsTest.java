package org.ebsvolume.drivers.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ImageTransferSettingsTest {

    @Test
    void aGlanceServerWithoutSchemeMeansHttpAsInCinder() {
        ImageTransferSettings s = ImageTransferSettings.of(List.of("10.0.2.2:9292", "https://glance.example:9292/",
                " "), 3, Path.of("/var/lib/cinder/conversion"));

        assertThat(s.glanceApiServers()).containsExactly(URI.create("http://10.0.2.2:9292"),
                URI.create("https://glance.example:9292"));
    }

    @Test
    void cinderDefaultsFillWhatCinderConfDoesNotSay() {
        ImageTransferSettings s = ImageTransferSettings.of(List.of("http://g:9292"), 3, Path.of("/c"));

        assertThat(s.requestTimeout().toSeconds()).isEqualTo(600);
        assertThat(s.retryDelay().toSeconds()).isEqualTo(1);
        assertThat(s.compressQcow2OnUpload()).isTrue();
        assertThat(s.vmdkAllowedTypes()).containsExactly("streamOptimized", "monolithicSparse");
    }

    @Test
    void aNegativeRetryCountIsRefused() {
        assertThatThrownBy(() -> ImageTransferSettings.of(List.of("g:9292"), -1, Path.of("/c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("glance_num_retries");
    }

    @Test
    void aServerThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> ImageTransferSettings.of(List.of("ftp://g:21"), 3, Path.of("/c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://g:21");
    }
}
