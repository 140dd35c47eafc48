package org.ebsvolume.config;

import java.util.Objects;

/**
 * One {@code key = value} assignment exactly as a config file holds it, after oslo's INI rules
 * (surrounding blanks and one pair of matching quotes stripped, continuation lines joined with
 * '\n') but before any {@code $variable} substitution or type conversion.
 *
 * <p>It remembers where it came from so that every complaint about it can point at the line. Its
 * {@link #toString()} never shows the text: the assignment may be a password.
 *
 * @param text    the value text
 * @param source  the file it was read from, or {@code environment variable OS_GROUP__KEY} or
 *                {@code command line} for the few values that can come from there
 * @param line    the 1-based line of the key in {@code source}; 0 when there is no line
 * @param section the section name as written in the file (oslo matches sections ignoring case,
 *                except {@code DEFAULT})
 * @param key     the key as written
 */
public record RawValue(String text, String source, int line, String section, String key) {

    public RawValue {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(key, "key");
    }

    /** {@code file:line} (or just the source when there is no line). */
    public String location() {
        return line > 0 ? source + ":" + line : source;
    }

    @Override
    public String toString() {
        return location() + ": [" + section + "] " + key;
    }
}
