package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The INI rules of oslo.config's iniparser and MultiConfigParser. */
class OsloIniFilesTest {

    @TempDir
    Path tmp;

    private OsloIniFiles read(String... texts) throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path[] paths = new Path[texts.length];
        for (int i = 0; i < texts.length; i++) {
            paths[i] = files.write("f" + i + ".conf", texts[i]);
        }
        return OsloIniFiles.read(List.of(paths));
    }

    private static String text(OsloIniFiles ini, String group, String key) {
        return ini.value(group, key).orElseThrow().text();
    }

    @Test
    void keyAndValueAreSplitAtTheFirstEqualsOrColon() throws Exception {
        OsloIniFiles ini = read("""
                [DEFAULT]
                a = 1
                b: 2
                url = rabbit://u:p@h:5672/
                c: x = y
                d=   spaced out\t
                """);

        assertThat(text(ini, "DEFAULT", "a")).isEqualTo("1");
        assertThat(text(ini, "DEFAULT", "b")).isEqualTo("2");
        assertThat(text(ini, "DEFAULT", "url")).isEqualTo("rabbit://u:p@h:5672/");
        assertThat(text(ini, "DEFAULT", "c")).isEqualTo("x = y");
        assertThat(text(ini, "DEFAULT", "d")).isEqualTo("spaced out");
    }

    @Test
    void onePairOfMatchingQuotesAroundTheWholeValueIsRemoved() throws Exception {
        OsloIniFiles ini = read("""
                [DEFAULT]
                double = "quoted value"
                single = 'quoted'
                unbalanced = "open
                inner = a "b" c
                mixed = "x'
                lone = "
                """);

        assertThat(text(ini, "DEFAULT", "double")).isEqualTo("quoted value");
        assertThat(text(ini, "DEFAULT", "single")).isEqualTo("quoted");
        assertThat(text(ini, "DEFAULT", "unbalanced")).isEqualTo("\"open");
        assertThat(text(ini, "DEFAULT", "inner")).isEqualTo("a \"b\" c");
        assertThat(text(ini, "DEFAULT", "mixed")).isEqualTo("\"x'");
        assertThat(text(ini, "DEFAULT", "lone")).isEmpty();
    }

    @Test
    void indentedLinesContinueTheValueAndABlankLineOrCommentEndsIt() throws Exception {
        OsloIniFiles ini = read("""
                [DEFAULT]
                multi = first
                    second
                \tthird
                # a comment ends the value
                after = x

                blank = y
                """);

        assertThat(text(ini, "DEFAULT", "multi")).isEqualTo("first\nsecond\nthird");
        RawValue after = ini.value("DEFAULT", "after").orElseThrow();
        assertThat(after.text()).isEqualTo("x");
        assertThat(after.line()).isEqualTo(6);
    }

    @Test
    void commentsStartAtTheBeginningOfALineOnly() throws Exception {
        OsloIniFiles ini = read("""
                [DEFAULT]
                ; semicolon comment
                # hash comment
                a = 1 # not a comment
                """);

        assertThat(text(ini, "DEFAULT", "a")).isEqualTo("1 # not a comment");
        assertThat(ini.entries("DEFAULT")).hasSize(1);
    }

    @Test
    void aRepeatedKeyKeepsEveryValueAndTheLastOneWinsForSingleValues() throws Exception {
        OsloIniFiles ini = read("""
                [DEFAULT]
                x = 1
                x = 2
                [EBS]
                x = 3
                [DEFAULT]
                x = 4
                """);

        assertThat(text(ini, "DEFAULT", "x")).isEqualTo("4");
        assertThat(ini.values("DEFAULT", "x")).extracting(RawValue::text).containsExactly("1", "2", "4");
    }

    @Test
    void sectionNamesMatchIgnoringCaseExceptDefault() throws Exception {
        OsloIniFiles ini = read("""
                [Database]
                connection = a
                [default]
                x = lower-case default is a section of its own
                """);

        assertThat(text(ini, "database", "connection")).isEqualTo("a");
        assertThat(text(ini, "DATABASE", "connection")).isEqualTo("a");
        assertThat(ini.value("DEFAULT", "x")).isEmpty();
        assertThat(ini.value("default", "x")).isPresent();
    }

    @Test
    void keysAreCaseSensitive() throws Exception {
        OsloIniFiles ini = read("[DEFAULT]\nHost = a\n");

        assertThat(ini.value("DEFAULT", "host")).isEmpty();
        assertThat(ini.value("DEFAULT", "Host")).isPresent();
    }

    @Test
    void laterFilesOverrideEarlierOnesAndMultiValuesAccumulateInFileOrder() throws Exception {
        OsloIniFiles ini = read(
                "[DEFAULT]\na = first\nm = 1\n",
                "[DEFAULT]\nm = 2\nm = 3\n",
                "[DEFAULT]\na = third\n");

        assertThat(text(ini, "DEFAULT", "a")).isEqualTo("third");
        assertThat(ini.values("DEFAULT", "m")).extracting(RawValue::text).containsExactly("1", "2", "3");
    }

    @Test
    void aNewerFileUnderADeprecatedNameBeatsAnOlderFileUnderTheCurrentName() throws Exception {
        OsloIniFiles ini = read("[DEFAULT]\nlog_file = new.log\n", "[DEFAULT]\nlogfile = old-name.log\n");

        RawValue v = ini.value(List.of(new OsloIniFiles.Name("DEFAULT", "log_file"),
                new OsloIniFiles.Name("DEFAULT", "logfile"))).orElseThrow();

        assertThat(v.text()).isEqualTo("old-name.log");
        assertThat(v.key()).isEqualTo("logfile");
    }

    @Test
    void everyValueRemembersItsFileAndLine() throws Exception {
        OsloIniFiles ini = read("[DEFAULT]\n\n# c\nkey = v\n");

        RawValue v = ini.value("DEFAULT", "key").orElseThrow();

        assertThat(v.source()).isEqualTo(tmp.resolve("f0.conf").toString());
        assertThat(v.line()).isEqualTo(4);
        assertThat(v.location()).endsWith("f0.conf:4");
        assertThat(v.toString()).doesNotContain("v\"").endsWith("[DEFAULT] key");
    }

    @Test
    void windowsAndOldMacLineEndingsAreLineEndings() throws Exception {
        OsloIniFiles ini = read("[DEFAULT]\r\na = 1\r\nb = 2\rc = 3\n");

        assertThat(text(ini, "DEFAULT", "a")).isEqualTo("1");
        assertThat(text(ini, "DEFAULT", "b")).isEqualTo("2");
        assertThat(ini.value("DEFAULT", "c").orElseThrow().line()).isEqualTo(4);
    }

    @Test
    void everyMalformedLineOfEveryFileIsReportedTogether() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path one = files.write("one.conf", """
                orphan = before any section
                [DEFAULT]
                just some words
                [EBS] # comment
                ignored = in a broken section
                """);
        Path two = files.write("two.conf", "[DEFAULT]\n\n   unexpected continuation\n[]\n= no key\n");
        Path missing = tmp.resolve("missing.conf");

        assertThatThrownBy(() -> OsloIniFiles.read(List.of(one, two, missing)))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).extracting(ConfigProblem::toString)
                        .containsExactly(
                                one + ":1: 'orphan' is set before any [section] header",
                                one + ":3: line 'just some words' is neither a section header, a comment nor a"
                                        + " 'key = value' assignment",
                                one + ":4: invalid section header '[EBS] # comment': it must end with ']'"
                                        + " (no comment may follow it)",
                                two + ":3: unexpected continuation line (it starts with a blank but there is no"
                                        + " assignment above it to continue)",
                                two + ":4: empty section name '[]'",
                                two + ":5: assignment with an empty key",
                                missing + ": config file not found"));
    }

    @Test
    void aByteOrderMarkIsReportedForWhatItIs() throws Exception {
        Path file = tmp.resolve("bom.conf");
        Files.write(file, "\uFEFF[DEFAULT]\nhost = a\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> OsloIniFiles.read(List.of(file)))
                .hasMessageContaining("bom.conf:1: the file starts with a UTF-8 byte-order mark");
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() throws Exception {
        Path file = tmp.resolve("latin1.conf");
        Files.write(file, "[DEFAULT]\nhost = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> OsloIniFiles.read(List.of(file)))
                .hasMessageContaining("latin1.conf: is not valid UTF-8 text");
    }
}
