package org.ebsvolume.drivers.target;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChapCredentialsTest {

    private static final String DIGITS = "23456789";
    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";

    @Test
    void generatedCredentialsHaveCindersLengthsAndAlphabet() {
        for (int i = 0; i < 200; i++) {
            ChapCredentials c = ChapCredentials.generate();
            assertThat(c.user()).hasSize(20);
            assertThat(c.password()).hasSize(16);
            for (String value : new String[] {c.user(), c.password()}) {
                assertThat(value).matches("[" + DIGITS + UPPER + LOWER + "]+");
                // generate_password takes one symbol from each group first.
                assertThat(value).containsPattern("[" + DIGITS + "]").containsPattern("[" + UPPER + "]")
                        .containsPattern("[" + LOWER + "]");
            }
        }
    }

    @Test
    void generatedCredentialsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(ChapCredentials.generate().password())).isTrue();
        }
    }

    @Test
    void toStringNeverShowsThePassword() {
        ChapCredentials c = new ChapCredentials("Zq8kR3mNwX5tP2aVbC7d", "h7KxQ2mPz9RtVw4N");

        assertThat(c.toString()).contains("Zq8kR3mNwX5tP2aVbC7d").doesNotContain("h7KxQ2mPz9RtVw4N");
        assertThat(new ExportResult("loc", c.providerAuth()).toString()).doesNotContain("h7KxQ2mPz9RtVw4N");
        assertThat(new ExportedVolume("id", "volume-id", "loc", c.providerAuth(), false).toString())
                .doesNotContain("h7KxQ2mPz9RtVw4N");
        assertThat(new ExportRequest("id", "volume-id", "/dev/vg/volume-id", c, "iqn.2010-10.org.openstack:",
                "192.0.2.10", null, 3260).toString()).doesNotContain("h7KxQ2mPz9RtVw4N");
    }

    @Test
    void providerAuthRoundTrips() {
        ChapCredentials c = ChapCredentials.fromProviderAuth("CHAP Zq8kR3mNwX5tP2aVbC7d h7KxQ2mPz9RtVw4N");

        assertThat(c).isEqualTo(new ChapCredentials("Zq8kR3mNwX5tP2aVbC7d", "h7KxQ2mPz9RtVw4N"));
        assertThat(c.providerAuth()).isEqualTo("CHAP Zq8kR3mNwX5tP2aVbC7d h7KxQ2mPz9RtVw4N");
        assertThat(ChapCredentials.fromProviderAuth(null)).isNull();
    }

    @Test
    void aPasswordThatWouldChangeAConfigFileIsRefusedWithoutBeingEchoed() {
        // '#' starts a comment in tgt's config, '<' a tag, a space a new targetcli parameter.
        for (String bad : new String[] {"pass#word", "a</target>", "two words", ""}) {
            assertThatThrownBy(() -> new ChapCredentials("user", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> {
                        if (!bad.isEmpty()) {
                            assertThat(e.getMessage()).doesNotContain(bad);
                        }
                    });
        }
    }
}
