package org.ebsvolume.config;

/**
 * Python's {@code str.strip()} family. Python's idea of whitespace is not Java's: it includes the
 * no-break spaces U+00A0, U+2007, U+202F and NEL U+0085, which {@link String#strip()} keeps, and
 * a config value pasted from a web page may well end in one.
 */
final class PythonText {

    private PythonText() {
    }

    /** {@code str.isspace()} for one character (CPython's {@code Py_UNICODE_ISSPACE}). */
    static boolean isSpace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000B', '\f', '\r', '\u001C', '\u001D', '\u001E', '\u001F', ' ', '\u0085',
                 '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200A';
        };
    }

    static String strip(String s) {
        return rstrip(lstrip(s));
    }

    static String lstrip(String s) {
        int start = 0;
        while (start < s.length() && isSpace(s.charAt(start))) {
            start++;
        }
        return s.substring(start);
    }

    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
