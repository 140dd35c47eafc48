package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resource file: what each dialect contains, and what can never reach it. */
class DrbdResourceConfigTest {

    static final String RESOURCE = "volume-3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";
    static final String HANDLER = "/usr/local/lib/ebs-volume/drbd-handler";

    /** The configuration of the lab run: the file it renders is the one DRBD 8.4 accepted and ran. */
    static DrbdResourceConfig labConfig() {
        return new DrbdResourceConfig(RESOURCE, 1000, 7789, DrbdProtocol.C, 4096,
                new DrbdHost("nodea", "10.99.0.11", "/dev/ebsvg/" + RESOURCE),
                new DrbdHost("nodeb", "10.99.0.12", "/dev/ebsvg/" + RESOURCE),
                Optional.of(HANDLER));
    }

    private static DrbdResourceConfig withFirst(DrbdHost first) {
        DrbdResourceConfig c = labConfig();
        return new DrbdResourceConfig(c.resourceName(), c.minor(), c.port(), c.protocol(), c.resyncRateKib(), first, c.second(), c.handlerCommand());
    }

    @Test
    void v84RenderingIsTheFileTheLabsDrbd84RanWith() {
        assertThat(labConfig().render(DrbdDialect.V84)).isEqualTo(Recorded.text("lab-drbd84/" + "ebs-" + RESOURCE + ".res"));
    }

    @Test
    void v9RenderingIsTheFileDrbdUtils9ParserAccepted() {
        assertThat(labConfig().render(DrbdDialect.V9)).isEqualTo(Recorded.text("host-drbd-utils/ebs-" + RESOURCE + ".res"));
    }

    @Test
    void v84PutsFencingInTheDiskSection() {
        String file = labConfig().render(DrbdDialect.V84);
        assertThat(section(file, "disk")).contains("fencing resource-and-stonith;");
        assertThat(section(file, "net")).doesNotContain("fencing");
    }

    @Test
    void v9PutsFencingInTheNetSection() {
        String file = labConfig().render(DrbdDialect.V9);
        assertThat(section(file, "net")).contains("fencing resource-and-stonith;");
        assertThat(section(file, "disk")).doesNotContain("fencing");
    }

    @Test
    void asyncReplicationFencesWithoutFreezingBecauseDrbdRefusesStonithUnderProtocolA() {
        DrbdResourceConfig c = labConfig();
        DrbdResourceConfig async = new DrbdResourceConfig(c.resourceName(), c.minor(), c.port(), DrbdProtocol.A, c.resyncRateKib(),
                c.first(), c.second(), c.handlerCommand());
        assertThat(section(async.render(DrbdDialect.V84), "disk")).contains("fencing resource-only;").doesNotContain("stonith");
        assertThat(section(async.render(DrbdDialect.V9), "net")).contains("fencing resource-only;").doesNotContain("stonith");
    }

    @Test
    void onlyV9TurnsAutoPromoteOff() {
        assertThat(labConfig().render(DrbdDialect.V9)).contains("options {\n        auto-promote no;\n    }");
        assertThat(labConfig().render(DrbdDialect.V84)).doesNotContain("options").doesNotContain("auto-promote");
    }

    @Test
    void handlersRunTheConfiguredCommandWithTheHandlerName() {
        assertThat(section(labConfig().render(DrbdDialect.V9), "handlers")).contains(
                "fence-peer \"" + HANDLER + " fence-peer\";",
                "unfence-peer \"" + HANDLER + " unfence-peer\";",
                "after-resync-target \"" + HANDLER + " after-resync-target\";");
    }

    @Test
    void withoutHandlerCommandThereIsNoFencingAndNoHandlers() {
        DrbdResourceConfig c = labConfig();
        DrbdResourceConfig plain = new DrbdResourceConfig(c.resourceName(), c.minor(), c.port(), c.protocol(), c.resyncRateKib(),
                c.first(), c.second(), Optional.empty());
        for (DrbdDialect d : DrbdDialect.values()) {
            assertThat(plain.render(d)).doesNotContain("fencing").doesNotContain("handlers");
        }
    }

    @Test
    void protocolAndResyncRateAreRenderedAsConfigured() {
        DrbdResourceConfig c = labConfig();
        DrbdResourceConfig async = new DrbdResourceConfig(c.resourceName(), c.minor(), c.port(), DrbdProtocol.fromLetter('A'), 102400,
                c.first(), c.second(), c.handlerCommand());
        assertThat(async.render(DrbdDialect.V84)).contains("protocol A;", "resync-rate 102400K;", "c-max-rate 102400K;");
    }

    @Test
    void eachHostSectionHasItsOwnBackingDisk() {
        DrbdResourceConfig c = withFirst(new DrbdHost("nodea", "10.99.0.11", "/dev/othervg/" + RESOURCE));
        String file = c.render(DrbdDialect.V84);
        assertThat(file).contains("disk \"/dev/othervg/" + RESOURCE + "\";", "disk \"/dev/ebsvg/" + RESOURCE + "\";");
    }

    @Test
    void deviceIsDevDrbdAndTheMinor() {
        assertThat(labConfig().device()).isEqualTo("/dev/drbd1000");
    }

    @Test
    void renderedResourceRejectsNewlineInHostname() {
        assertThatThrownBy(() -> new DrbdHost("nodea\n}", "10.99.0.11", "/dev/ebsvg/" + RESOURCE))
                .isInstanceOf(InvalidDrbdConfigException.class).hasMessageContaining("nodea\\x0a}");
    }

    @Test
    void renderedResourceRejectsQuoteInBackingDisk() {
        assertThatThrownBy(() -> new DrbdHost("nodea", "10.99.0.11", "/dev/ebsvg/vol\";x"))
                .isInstanceOf(InvalidDrbdConfigException.class);
    }

    @Test
    void renderedResourceRejectsBraceInResourceName() {
        DrbdResourceConfig c = labConfig();
        assertThatThrownBy(() -> new DrbdResourceConfig("volume-1}", c.minor(), c.port(), c.protocol(), c.resyncRateKib(),
                c.first(), c.second(), c.handlerCommand())).isInstanceOf(InvalidDrbdConfigException.class);
    }

    @Test
    void resourceNameThatLooksLikeAnOptionIsRefused() {
        assertThatThrownBy(() -> DrbdNames.requireResourceName("--force")).isInstanceOf(InvalidDrbdConfigException.class);
    }

    @Test
    void resourceNameFollowsLvmRules() {
        assertThatThrownBy(() -> DrbdNames.requireResourceName("snapshot-1")).isInstanceOf(InvalidDrbdConfigException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void renderedResourceRejectsShellCharactersInHandlerPath() {
        DrbdResourceConfig c = labConfig();
        for (String bad : new String[] {"/usr/bin/handler; rm -rf /", "relative/handler", "/usr/bin/han dler", "/usr/bin/$(x)", "/a/../b"}) {
            assertThatThrownBy(() -> new DrbdResourceConfig(c.resourceName(), c.minor(), c.port(), c.protocol(), c.resyncRateKib(),
                    c.first(), c.second(), Optional.of(bad))).as(bad).isInstanceOf(InvalidDrbdConfigException.class);
        }
    }

    @Test
    void addressMustBeDottedIpv4() {
        for (String bad : new String[] {"256.1.1.1", "10.0.0", "10.0.0.1\n", "nodeb", "::1", "010.0.0.1"}) {
            assertThatThrownBy(() -> new DrbdHost("nodea", bad, "/dev/ebsvg/" + RESOURCE)).as(bad)
                    .isInstanceOf(InvalidDrbdConfigException.class);
        }
    }

    @Test
    void backingDiskMustBeDevVgLv() {
        assertThatThrownBy(() -> new DrbdHost("nodea", "10.99.0.11", "/dev/sdb")).isInstanceOf(InvalidDrbdConfigException.class);
    }

    @Test
    void bothNodesMustDiffer() {
        assertThatThrownBy(() -> withFirst(new DrbdHost("nodeb", "10.99.0.11", "/dev/ebsvg/" + RESOURCE)))
                .isInstanceOf(InvalidDrbdConfigException.class).hasMessageContaining("both nodes are named");
        assertThatThrownBy(() -> withFirst(new DrbdHost("nodea", "10.99.0.12", "/dev/ebsvg/" + RESOURCE)))
                .isInstanceOf(InvalidDrbdConfigException.class).hasMessageContaining("address");
    }

    @Test
    void resyncRateOutsideDrbdLimitsIsRefused() {
        DrbdResourceConfig c = labConfig();
        for (long rate : new long[] {0, 249, (4L << 20) + 1}) {
            assertThatThrownBy(() -> new DrbdResourceConfig(c.resourceName(), c.minor(), c.port(), c.protocol(), rate,
                    c.first(), c.second(), c.handlerCommand())).as("" + rate).isInstanceOf(InvalidDrbdConfigException.class);
        }
    }

    @Test
    void minorAndPortOutsideDrbdLimitsAreRefused() {
        DrbdResourceConfig c = labConfig();
        assertThatThrownBy(() -> new DrbdResourceConfig(c.resourceName(), 1 << 20, c.port(), c.protocol(), c.resyncRateKib(),
                c.first(), c.second(), c.handlerCommand())).isInstanceOf(InvalidDrbdConfigException.class);
        assertThatThrownBy(() -> new DrbdResourceConfig(c.resourceName(), c.minor(), 0, c.protocol(), c.resyncRateKib(),
                c.first(), c.second(), c.handlerCommand())).isInstanceOf(InvalidDrbdConfigException.class);
    }

    @Test
    void protocolLetterOtherThanABCIsRefused() {
        assertThatThrownBy(() -> DrbdProtocol.fromLetter('D')).isInstanceOf(InvalidDrbdConfigException.class);
    }

    /** The lines of the first top-level section {@code name { … }}. */
    private static String section(String file, String name) {
        int start = file.indexOf("\n    " + name + " {\n");
        assertThat(start).as("section " + name).isNotNegative();
        int end = file.indexOf("\n    }\n", start);
        return file.substring(start, end);
    }
}
