package org.ebsvolume.config;

/**
 * One reason the configuration cannot be used, pointing at the line at fault.
 *
 * <p>Rendered on one line, for example:
 * <pre>
 * /etc/cinder/cinder.conf:42: [EBS] replication_mode = 'sync' is invalid: expected one of async, semi-sync, full-sync
 * /etc/cinder/cinder.conf: [database] connection is not set: ...
 * </pre>
 *
 * <p>{@code value} is stored already masked ({@code ***}) when the option is secret or the text
 * was built from a secret option, so a problem can be printed or logged as it is.
 *
 * @param file     where the value came from: a file name, {@code environment variable OS_...}
 *                 or {@code command line}; null when the problem is not tied to one input (a
 *                 missing option, a default that does not fit)
 * @param line     1-based line in {@code file}; 0 when unknown or not applicable
 * @param section  the section as written (or the group name), null for problems outside any
 *                 section (command line, unreadable file)
 * @param key      the option as written, null when the problem concerns no single option
 * @param value    the offending text (masked if secret); null when there is no value to show
 * @param expected with a value: what a valid value looks like; without one: the complete
 *                 complaint, starting with the option name where there is one
 */
public record ConfigProblem(String file, int line, String section, String key, String value, String expected) {

    static final String MASK = "***";

    public ConfigProblem {
        if (expected == null || expected.isBlank()) {
            throw new IllegalArgumentException("a problem needs a description");
        }
    }

    /** A bad value read from {@code raw}; {@code shown} is the text to print (already masked). */
    static ConfigProblem badValue(RawValue raw, String shown, String expected) {
        return new ConfigProblem(raw.source(), raw.line(), raw.section(), raw.key(), shown, expected);
    }

    /** A complaint about an option that is not tied to one assignment. */
    static ConfigProblem about(String file, String section, String key, String complaint) {
        return new ConfigProblem(file, 0, section, key, null, complaint);
    }

    /** A complaint about the command line or the set of files, outside any section. */
    static ConfigProblem general(String complaint) {
        return new ConfigProblem(null, 0, null, null, null, complaint);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (file != null) {
            s.append(file);
            if (line > 0) {
                s.append(':').append(line);
            }
            s.append(": ");
        }
        if (section != null) {
            s.append('[').append(section).append("] ");
        }
        if (value != null) {
            s.append(key).append(" = '").append(value).append("' is invalid: ").append(expected);
        } else {
            s.append(expected);
        }
        return s.toString();
    }
}
