package org.ebsvolume.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The raw contents of a stack of config files, read with the rules of oslo.config 9.0 (Debian 12),
 * so that one cinder.conf means the same to the Python services and to us.
 *
 * <p>Per file ({@code oslo_config/iniparser.py}):
 * <ul>
 *   <li>trailing blanks are dropped from every line; a blank line ends a value;</li>
 *   <li>{@code [name]} starts a section; the line must end with ']' (so no comment after it);</li>
 *   <li>a line starting with '#' or ';' is a comment, and ends the value before it; there are no
 *       comments at the end of a value line: {@code a = 1 # one} has the value "1 # one";</li>
 *   <li>{@code key = value} or {@code key: value}, split at whichever of '=' and ':' comes first;
 *       key and value are stripped; one pair of matching quotes around the whole value is removed
 *       ({@code "x"} gives x, {@code "x} stays "x);</li>
 *   <li>a line starting with a space or tab continues the value above it, joined with '\n';</li>
 *   <li>the same key may appear many times; every occurrence is kept.</li>
 * </ul>
 *
 * <p>Across files ({@code cfg.py} {@code _Namespace}): section names match ignoring case, except
 * that only {@code [DEFAULT]} is the default section ({@code [default]} is a section of its own);
 * keys match exactly. A single-valued option takes its value from the <em>last file</em> that
 * sets it, and within that file from the last line. A multi-valued option collects every value
 * of every file, in file order.
 *
 * <p>Where oslo stops at the first malformed line of a file, this class records a problem and goes
 * on, so that all the mistakes are reported together; a file with problems is never used.
 */
public final class OsloIniFiles {

    /** A (group, key) pair to look up; groups are compared the way oslo compares them. */
    record Name(String group, String key) {
    }

    /** One parsed file: normalized group name to key to every assignment, in file order. */
    private record ParsedFile(Path path, Map<String, Map<String, List<RawValue>>> groups) {
    }

    private final List<Path> files;
    private final List<ParsedFile> newestFirst;

    private OsloIniFiles(List<ParsedFile> parsed) {
        List<Path> paths = new ArrayList<>();
        for (ParsedFile f : parsed) {
            paths.add(f.path());
        }
        this.files = List.copyOf(paths);
        List<ParsedFile> reversed = new ArrayList<>(parsed);
        Collections.reverse(reversed);
        this.newestFirst = List.copyOf(reversed);
    }

    /**
     * Reads the files in the order given; later files override earlier ones.
     *
     * @throws InvalidConfigException listing every file that cannot be read and every malformed
     *                                line of every file
     */
    public static OsloIniFiles read(List<Path> files) throws InvalidConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<ParsedFile> parsed = new ArrayList<>();
        for (Path file : files) {
            String text = readText(file, problems);
            if (text != null) {
                parsed.add(parse(file, text, problems));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new OsloIniFiles(parsed);
    }

    /** The files read, oldest (lowest precedence) first. */
    public List<Path> files() {
        return files;
    }

    /** Every section seen, by normalized name: {@code DEFAULT} as is, all others in lower case. */
    public Set<String> groups() {
        Set<String> groups = new LinkedHashSet<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            groups.addAll(newestFirst.get(i).groups().keySet());
        }
        return groups;
    }

    /** Whether some file has a section of this name (compared as oslo compares section names). */
    public boolean hasGroup(String group) {
        return groups().contains(normalizeGroup(group));
    }

    /** The value a single-valued option gets: last line of the last file that sets it. */
    public Optional<RawValue> value(String group, String key) {
        return value(List.of(new Name(group, key)));
    }

    /** Every value of a multi-valued option, in file order, oldest file first. */
    public List<RawValue> values(String group, String key) {
        return values(List.of(new Name(group, key)));
    }

    /** Every assignment in a section, files oldest first, each file in line order. */
    public List<RawValue> entries(String group) {
        List<RawValue> entries = new ArrayList<>();
        String g = normalizeGroup(group);
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Map<String, List<RawValue>> keys = newestFirst.get(i).groups().get(g);
            if (keys != null) {
                List<RawValue> inFile = new ArrayList<>();
                keys.values().forEach(inFile::addAll);
                inFile.sort((a, b) -> Integer.compare(a.line(), b.line()));
                entries.addAll(inFile);
            }
        }
        return entries;
    }

    /**
     * Single-valued lookup under a current name and its deprecated names, as oslo's
     * {@code _get_file_value}: files newest first, and within a file the names in the order
     * given, so a newer file's deprecated name beats an older file's current name.
     */
    Optional<RawValue> value(List<Name> names) {
        for (ParsedFile file : newestFirst) {
            for (Name name : names) {
                Map<String, List<RawValue>> keys = file.groups().get(normalizeGroup(name.group()));
                if (keys == null) {
                    continue;
                }
                List<RawValue> found = keys.get(name.key());
                if (found != null) {
                    return Optional.of(found.get(found.size() - 1));
                }
            }
        }
        return Optional.empty();
    }

    /** Multi-valued lookup: everything under every name, oldest file first (oslo's order). */
    List<RawValue> values(List<Name> names) {
        List<RawValue> all = new ArrayList<>();
        for (ParsedFile file : newestFirst) {
            for (Name name : names) {
                Map<String, List<RawValue>> keys = file.groups().get(normalizeGroup(name.group()));
                if (keys != null && keys.containsKey(name.key())) {
                    all.addAll(0, keys.get(name.key()));
                }
            }
        }
        return all;
    }

    /** oslo's {@code _normalize_group_name}: DEFAULT stays, everything else is lower-cased. */
    static String normalizeGroup(String group) {
        return "DEFAULT".equals(group) ? group : group.toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------------------------------
    // reading and parsing one file

    private static String readText(Path file, List<ConfigProblem> problems) {
        try {
            if (Files.isDirectory(file)) {
                problems.add(new ConfigProblem(file.toString(), 0, null, null, null,
                        "is a directory, not a config file (give directories with --config-dir)"));
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            // Python opens config files as UTF-8 (Debian's locale, or PEP 538 coercion of C) and
            // dies on a malformed byte; so must we rather than guess another encoding.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            problems.add(new ConfigProblem(file.toString(), 0, null, null, null, "config file not found"));
        } catch (AccessDeniedException e) {
            problems.add(new ConfigProblem(file.toString(), 0, null, null, null,
                    "permission denied reading the config file"));
        } catch (CharacterCodingException e) {
            problems.add(new ConfigProblem(file.toString(), 0, null, null, null,
                    "is not valid UTF-8 text, which the Python services cannot read either"));
        } catch (IOException e) {
            problems.add(new ConfigProblem(file.toString(), 0, null, null, null,
                    "cannot be read: " + e.getMessage()));
        }
        return null;
    }

    /** The state of the line-by-line parse of one file. */
    private static final class Parser {
        final Path file;
        final List<ConfigProblem> problems;
        final Map<String, Map<String, List<RawValue>>> groups = new LinkedHashMap<>();

        String section;           // as written; null before the first section header
        boolean sectionBroken;    // the last header was malformed: ignore its assignments
        String key;               // the assignment being collected, or null
        int keyLine;
        final List<String> valueLines = new ArrayList<>();
        boolean skipContinuation; // the line above was malformed: its continuation lines go too

        Parser(Path file, List<ConfigProblem> problems) {
            this.file = file;
            this.problems = problems;
        }

        void line(int lineNo, String rawLine) {
            String line = PythonText.rstrip(rawLine);
            if (line.isEmpty()) {
                flush();
                skipContinuation = false;
                return;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (key != null) {
                    valueLines.add(PythonText.lstrip(line));
                } else if (!skipContinuation) {
                    error(lineNo, "unexpected continuation line (it starts with a blank but there is no"
                            + " assignment above it to continue)");
                }
                return;
            }
            flush();
            skipContinuation = false;
            if (line.charAt(0) == '[') {
                if (!line.endsWith("]")) {
                    error(lineNo, "invalid section header '" + line + "': it must end with ']'"
                            + " (no comment may follow it)");
                    sectionBroken = true;
                } else if (line.length() <= 2) {
                    error(lineNo, "empty section name '[]'");
                    sectionBroken = true;
                } else {
                    section = line.substring(1, line.length() - 1);
                    sectionBroken = false;
                    groups.computeIfAbsent(normalizeGroup(section), g -> new LinkedHashMap<>());
                }
            } else if (line.charAt(0) == '#' || line.charAt(0) == ';') {
                return;
            } else {
                assignment(lineNo, line);
            }
        }

        private void assignment(int lineNo, String line) {
            int colon = line.indexOf(':');
            int equal = line.indexOf('=');
            if (colon < 0 && equal < 0) {
                if (lineNo == 1 && line.charAt(0) == '\uFEFF') {
                    error(lineNo, "the file starts with a UTF-8 byte-order mark, which oslo.config reads as"
                            + " part of the first line; save the file without it");
                } else {
                    error(lineNo, "line '" + line + "' is neither a section header, a comment nor a"
                            + " 'key = value' assignment");
                }
                return;
            }
            int split = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
            String k = PythonText.strip(line.substring(0, split));
            String v = PythonText.strip(line.substring(split + 1));
            if (!v.isEmpty() && v.charAt(0) == v.charAt(v.length() - 1) && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
                // Python's value[1:-1]: a lone quote becomes "".
                v = v.length() == 1 ? "" : v.substring(1, v.length() - 1);
            }
            if (k.isEmpty()) {
                error(lineNo, "assignment with an empty key");
                return;
            }
            key = k;
            keyLine = lineNo;
            valueLines.clear();
            valueLines.add(v);
        }

        void flush() {
            if (key == null) {
                return;
            }
            if (section == null) {
                error(keyLine, "'" + key + "' is set before any [section] header");
            } else if (!sectionBroken) {
                RawValue value = new RawValue(String.join("\n", valueLines), file.toString(), keyLine, section, key);
                groups.get(normalizeGroup(section)).computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
            key = null;
            valueLines.clear();
        }

        private void error(int lineNo, String complaint) {
            problems.add(new ConfigProblem(file.toString(), lineNo, null, null, null, complaint));
            key = null;
            valueLines.clear();
            skipContinuation = true;
        }
    }

    private static ParsedFile parse(Path file, String text, List<ConfigProblem> problems) {
        Parser parser = new Parser(file, problems);
        // Python's universal newlines: \r\n, \r and \n end a line, and nothing else does.
        int lineNo = 0;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            parser.line(++lineNo, text.substring(start, end));
            if (end < n && text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n') {
                end++;
            }
            start = end + 1;
        }
        parser.flush();
        return new ParsedFile(file, parser.groups);
    }
}
