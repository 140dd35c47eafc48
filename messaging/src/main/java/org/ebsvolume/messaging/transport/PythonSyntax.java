package org.ebsvolume.messaging.transport;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The few bits of CPython 3.11's standard library whose exact behaviour decides how a
 * {@code transport_url} or an option value is read by the Python services: {@code urllib.parse}
 * quoting, {@code int()} / {@code float()} on strings and {@code ipaddress.ip_address()}.
 *
 * <p>Java's own equivalents differ in corners that matter here ({@code URLDecoder} turns '+' into
 * a space, {@code Integer.parseInt} rejects "+5_000", {@code InetAddress} resolves names), so the
 * rules are spelled out once, in this class.
 */
final class PythonSyntax {

    private static final String ALWAYS_SAFE =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";

    // int(): optional sign, digits with single underscores between them (PEP 515). Python accepts
    // any Unicode decimal digit, hence UNICODE_CHARACTER_CLASS.
    private static final Pattern PY_INT =
            Pattern.compile("[+-]?\\d+(?:_\\d+)*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String DIGITS = "\\d+(?:_\\d+)*";
    private static final Pattern PY_FINITE_FLOAT = Pattern.compile(
            "[+-]?(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\.(?:" + DIGITS + "))"
                    + "(?:[eE][+-]?" + DIGITS + ")?",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PY_NON_FINITE_FLOAT =
            Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV_FUTURE = Pattern.compile("v[a-fA-F0-9]+\\..+", Pattern.DOTALL);

    private PythonSyntax() {
    }

    /**
     * {@code urllib.parse.unquote(s)}: only {@code %XX} escapes are decoded (as UTF-8, malformed
     * bytes become U+FFFD); '+' stays '+'; a '%' not followed by two hex digits is kept as is.
     */
    static String unquote(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        // Python decodes each run of ASCII characters on its own, so a half-escaped UTF-8
        // sequence never merges with a literal non-ASCII character that follows it.
        ByteArrayOutputStream asciiRun = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                flushUtf8(asciiRun, out);
                out.append(c);
            } else if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                asciiRun.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                asciiRun.write(c);
            }
        }
        flushUtf8(asciiRun, out);
        return out.toString();
    }

    /** {@code urllib.parse.quote(s, safe)}: UTF-8, upper-case escapes, "_.-~" never escaped. */
    static String quote(String s, String safe) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int v = b & 0xff;
            if (v < 0x80 && (ALWAYS_SAFE.indexOf(v) >= 0 || safe.indexOf(v) >= 0)) {
                out.append((char) v);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(v & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** {@code urllib.parse.quote_plus(s, safe='')}, the encoding {@code urlencode()} uses. */
    static String quotePlus(String s) {
        return quote(s, " ").replace(' ', '+');
    }

    /**
     * {@code int(s)} for a string: surrounding whitespace ignored, optional sign, underscores
     * between digits. Returns null when Python would raise ValueError.
     */
    static BigInteger parseInt(String s) {
        String t = strip(s);
        if (!PY_INT.matcher(t).matches()) {
            return null;
        }
        return new BigInteger(t.replace("_", ""));
    }

    /** True when {@code s} is only whitespace, which oslo.config's number types turn into None. */
    static boolean isBlank(String s) {
        return strip(s).isEmpty();
    }

    /** {@code float(s)} restricted to finite values; null when Python would raise ValueError. */
    static Double parseFiniteFloat(String s) {
        String t = strip(s);
        if (!PY_FINITE_FLOAT.matcher(t).matches()) {
            return null;
        }
        StringBuilder ascii = new StringBuilder(t.length());
        for (char c : t.toCharArray()) {
            if (c == '_') {
                continue;
            }
            ascii.append(Character.isDigit(c) ? Character.forDigit(Character.digit(c, 10), 10) : c);
        }
        double d = Double.parseDouble(ascii.toString());
        return Double.isFinite(d) ? d : null;
    }

    /** {@code float(s)} would give inf or nan. */
    static boolean isNonFiniteFloat(String s) {
        return PY_NON_FINITE_FLOAT.matcher(strip(s)).matches();
    }

    /**
     * What {@code urlsplit()} demands of the text between '[' and ']' (CPython 3.11.2 as patched
     * by Debian, {@code _check_bracketed_host}): an IPvFuture literal or an IPv6 address.
     *
     * @return null if acceptable, otherwise Python's reason
     */
    static String bracketedHostProblem(String host) {
        if (host.startsWith("v")) {
            return IPV_FUTURE.matcher(host).matches() ? null : "IPvFuture address is invalid";
        }
        if (isIpv4(host)) {
            return "An IPv4 address cannot be in brackets";
        }
        return isIpv6(host) ? null : "'" + host + "' does not appear to be an IPv4 or IPv6 address";
    }

    /** {@code ipaddress.IPv4Address(s)}: four decimal octets, no leading zeros, each <= 255. */
    static boolean isIpv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
            if (octet.length() > 1 && octet.charAt(0) == '0') {
                return false;
            }
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code ipaddress.IPv6Address(s)}: up to eight hextets, at most one "::", an optional
     * embedded IPv4 tail and an optional non-empty "%scope" suffix.
     */
    static boolean isIpv6(String s) {
        if (s.isEmpty() || s.indexOf('/') >= 0) {
            return false;
        }
        int percent = s.indexOf('%');
        String addr = s;
        if (percent >= 0) {
            String scope = s.substring(percent + 1);
            if (scope.isEmpty() || scope.indexOf('%') >= 0) {
                return false;
            }
            addr = s.substring(0, percent);
        }
        if (addr.isEmpty()) {
            return false;
        }
        List<String> parts = new ArrayList<>(List.of(addr.split(":", -1)));
        if (parts.size() < 3) {
            return false;
        }
        String last = parts.get(parts.size() - 1);
        if (last.indexOf('.') >= 0) {
            if (!isIpv4(last)) {
                return false;
            }
            // The dotted quad stands for two hextets.
            parts.set(parts.size() - 1, "0");
            parts.add("0");
        }
        if (parts.size() > 9) {
            return false;
        }
        int skipIndex = -1;
        for (int i = 1; i < parts.size() - 1; i++) {
            if (parts.get(i).isEmpty()) {
                if (skipIndex >= 0) {
                    return false;
                }
                skipIndex = i;
            }
        }
        int hi;
        int lo;
        if (skipIndex >= 0) {
            hi = skipIndex;
            lo = parts.size() - skipIndex - 1;
            if (parts.get(0).isEmpty()) {
                hi -= 1;
                if (hi != 0) {
                    return false;
                }
            }
            if (parts.get(parts.size() - 1).isEmpty()) {
                lo -= 1;
                if (lo != 0) {
                    return false;
                }
            }
            if (8 - (hi + lo) < 1) {
                return false;
            }
        } else {
            if (parts.size() != 8 || parts.get(0).isEmpty() || parts.get(7).isEmpty()) {
                return false;
            }
            hi = parts.size();
            lo = 0;
        }
        for (int i = 0; i < hi; i++) {
            if (!isHextet(parts.get(i))) {
                return false;
            }
        }
        for (int i = parts.size() - lo; i < parts.size(); i++) {
            if (!isHextet(parts.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHextet(String h) {
        return !h.isEmpty() && h.length() <= 4 && h.chars().allMatch(c -> isHex((char) c));
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static void flushUtf8(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    /** {@code str.strip()}: Python's notion of whitespace includes the no-break spaces. */
    private static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
    }
}
