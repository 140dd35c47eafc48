package org.ebsvolume.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value types of oslo.config 9.0 ({@code oslo_config/types.py}) that Cinder's options use,
 * converting exactly the texts Python converts, plus Python's {@code str()} of the results, which
 * is what a {@code $name} reference to the option turns into.
 */
final class OsloTypes {

    static final OsloType<String> STRING = text -> text;

    /** {@code types.Boolean}: true/false, yes/no, on/off, 1/0, any case, nothing else. */
    static final OsloType<Boolean> BOOLEAN = text -> {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "on", "yes":
                return true;
            case "false", "0", "off", "no":
                return false;
            default:
                throw new BadValueException("expected a boolean: true/false, yes/no, on/off or 1/0");
        }
    };

    /** {@code types.Port}, but without 0: no service of ours can listen on "any port". */
    static final OsloType<Integer> PORT = text -> {
        int port = parseInt(text);
        if (port < 1 || port > 65535) {
            throw new BadValueException("expected a port number 1..65535");
        }
        return port;
    };

    /** {@code types.IPAddress()}: an IPv4 or IPv6 literal as inet_pton(3) reads it. */
    static final OsloType<String> IP_ADDRESS = text -> {
        if (!isIpv4(text) && !isIpv6(text)) {
            throw new BadValueException("expected an IPv4 or IPv6 address");
        }
        return text;
    };

    /**
     * {@code types.HostAddress()}: an IP address or a valid host name (RFC 1123); like oslo, a
     * host name loses its trailing dot.
     */
    static final OsloType<String> HOST_ADDRESS = text -> {
        if (isIpv4(text) || isIpv6(text)) {
            return text;
        }
        if (!isHostname(text)) {
            throw new BadValueException("expected an IP address or a host name");
        }
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    };

    /** {@code types.List()} of strings. */
    static final OsloType<List<String>> STRING_LIST = listOf(STRING);

    /** {@code types.Dict()} of strings. */
    static final OsloType<Map<String, String>> DICT = OsloTypes::parseDict;

    // int(): optional sign, digits with single underscores between them (PEP 515); Python takes
    // any Unicode decimal digit, hence UNICODE_CHARACTER_CLASS.
    private static final Pattern PY_INT = Pattern.compile("[+-]?\\d+(?:_\\d+)*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern HOST_LABEL = Pattern.compile("(?!-)[A-Za-z0-9-]{1,63}(?<!-)");
    private static final Pattern TLD_HAS_LETTER = Pattern.compile("[a-zA-Z-]");

    private OsloTypes() {
    }

    /** {@code types.Integer(min, max)}; either bound may be null. */
    static OsloType<Integer> integer(Integer min, Integer max) {
        return text -> {
            int n = parseInt(text);
            if (min != null && n < min) {
                throw new BadValueException(max == null ? "expected an integer >= " + min
                        : "expected an integer from " + min + " to " + max);
            }
            if (max != null && n > max) {
                throw new BadValueException(min == null ? "expected an integer <= " + max
                        : "expected an integer from " + min + " to " + max);
            }
            return n;
        };
    }

    /**
     * {@code types.String(choices=...)} for an option whose values are an enum's: the text must be
     * one constant's {@link ConfigChoice#configName()}, compared case-sensitively as oslo does; a
     * problem lists every accepted spelling, in declaration order.
     */
    static <E extends Enum<E> & ConfigChoice> OsloType<E> choices(Class<E> type) {
        List<E> allowed = List.of(type.getEnumConstants());
        return text -> {
            for (E choice : allowed) {
                if (choice.configName().equals(text)) {
                    return choice;
                }
            }
            throw new BadValueException("expected one of "
                    + String.join(", ", allowed.stream().map(ConfigChoice::configName).toList()));
        };
    }

    /**
     * {@code types.List(item_type)}: blanks and trailing commas around the whole text are
     * dropped, then it is split on ','. When an item does not convert, oslo glues the next piece
     * to it with a ',' and tries again (for item types that contain commas); so do we.
     */
    static <T> OsloType<List<T>> listOf(OsloType<T> itemType) {
        return text -> {
            String s = PythonText.strip(text);
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == ',') {
                end--;
            }
            s = s.substring(0, end);
            List<T> result = new ArrayList<>();
            if (s.isEmpty()) {
                return result;
            }
            List<String> parts = new ArrayList<>(List.of(s.split(",", -1)));
            while (!parts.isEmpty()) {
                String item = parts.remove(0);
                String firstItem = PythonText.strip(item);
                BadValueException firstError = null;
                while (true) {
                    try {
                        result.add(itemType.parse(PythonText.strip(item)));
                        break;
                    } catch (BadValueException e) {
                        if (firstError == null) {
                            firstError = e;
                        }
                        if (parts.isEmpty()) {
                            throw new BadValueException("item '" + firstItem + "': " + firstError.expected());
                        }
                        item = item + "," + parts.remove(0);
                    }
                }
            }
            return result;
        };
    }

    /**
     * {@code types.Dict()}: {@code key:value} pairs separated by ','. Each pair splits at its first
     * ':'; a piece without ':' is glued to the next one (so {@code a:1,b,c:2} gives a=1 and
     * "b,c"=2, as in Python). Empty keys and repeated keys are refused.
     */
    static Map<String, String> parseDict(String text) throws BadValueException {
        Map<String, String> result = new LinkedHashMap<>();
        String s = PythonText.strip(text);
        if (s.isEmpty()) {
            return result;
        }
        List<String> pairs = new ArrayList<>(List.of(s.split(",", -1)));
        while (!pairs.isEmpty()) {
            String pair = pairs.remove(0);
            int colon;
            while ((colon = pair.indexOf(':')) < 0) {
                if (pairs.isEmpty()) {
                    throw new BadValueException("expected key:value pairs separated by ',' but '"
                            + PythonText.strip(pair) + "' has no ':'");
                }
                pair = pair + "," + pairs.remove(0);
            }
            String key = PythonText.strip(pair.substring(0, colon));
            String value = PythonText.strip(pair.substring(colon + 1));
            if (key.isEmpty()) {
                throw new BadValueException("expected key:value pairs separated by ',' but a key is empty");
            }
            if (result.containsKey(key)) {
                throw new BadValueException("key '" + key + "' appears twice");
            }
            result.put(key, value);
        }
        return result;
    }

    /**
     * Python's {@code int(text)} for an option value, refusing what oslo would turn into None.
     * oslo makes a blank number None, which Cinder then trips over at run time (or takes as
     * "off"), so a blank is a problem here, not a silent default. Python integers have no size
     * limit; no option here needs more than a Java int, so larger ones are refused.
     */
    static int parseInt(String text) throws BadValueException {
        String s = PythonText.strip(text);
        if (s.isEmpty()) {
            throw new BadValueException("a blank number means None (unset) to oslo.config, which Cinder"
                    + " does not expect; give a number, or remove the line to get the default");
        }
        if (!PY_INT.matcher(s).matches()) {
            throw new BadValueException("expected an integer");
        }
        StringBuilder digits = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-' || c == '+') {
                digits.append(c);
            } else if (c != '_') {
                digits.append(Character.digit(c, 10));
            }
        }
        BigInteger n = new BigInteger(digits.toString());
        if (n.bitLength() > 31) {
            throw new BadValueException("expected an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
        }
        return n.intValue();
    }

    /** inet_pton(AF_INET): exactly four decimal octets, no leading zeros. */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * inet_pton(AF_INET6): eight groups of 1-4 hex digits, one "::" standing for one or more
     * zero groups, optionally a dotted IPv4 address as the last 32 bits. No brackets, no zone.
     */
    static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        if (gap < 0) {
            Integer groups = countGroups(s, true);
            return groups != null && groups == 8;
        }
        String head = s.substring(0, gap);
        String tail = s.substring(gap + 2);
        Integer headGroups = head.isEmpty() ? Integer.valueOf(0) : countGroups(head, false);
        Integer tailGroups = tail.isEmpty() ? Integer.valueOf(0) : countGroups(tail, true);
        return headGroups != null && tailGroups != null && headGroups + tailGroups <= 7;
    }

    /** The number of 16-bit groups in a ':'-separated run, or null if malformed. */
    private static Integer countGroups(String run, boolean mayEndWithIpv4) {
        String[] groups = run.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (mayEndWithIpv4 && i == groups.length - 1 && g.indexOf('.') >= 0) {
                if (!isIpv4(g)) {
                    return null;
                }
                count += 2;
                continue;
            }
            if (g.isEmpty() || g.length() > 4) {
                return null;
            }
            for (int j = 0; j < g.length(); j++) {
                char c = g.charAt(j);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                    return null;
                }
            }
            count++;
        }
        return count;
    }

    /** {@code types.Hostname}: labels of 1-63 letters, digits, '-'; a TLD that is not all digits. */
    static boolean isHostname(String value) {
        if (value.isEmpty() || value.length() > 253) {
            return false;
        }
        String v = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        String[] labels = v.split("\\.", -1);
        if (!TLD_HAS_LETTER.matcher(labels[labels.length - 1]).find()) {
            return false;
        }
        for (String label : labels) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Python's {@code '%s' % value} for a converted option value: what {@code $name} becomes.
     * None is '' (oslo's special case), booleans are True/False, lists and dicts are their repr.
     */
    static String pyStr(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            return pyRepr(value);
        }
        return value.toString();
    }

    private static String pyRepr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String s) {
            // repr(str): single quotes unless the text has a ' and no ".
            char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
            StringBuilder out = new StringBuilder().append(quote);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == quote || c == '\\') {
                    out.append('\\').append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\t') {
                    out.append("\\t");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append(quote).toString();
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object o : list) {
                items.add(pyRepr(o));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (value instanceof Map<?, ?> map) {
            List<String> items = new ArrayList<>();
            map.forEach((k, v) -> items.add(pyRepr(k) + ": " + pyRepr(v)));
            return "{" + String.join(", ", items) + "}";
        }
        return pyStr(value);
    }

    // ------------------------------------------------------------------------------------------
    // $-substitution

    /** Resolves one {@code $name}; throws to fail the whole value. */
    @FunctionalInterface
    interface Variables {
        String lookup(String name) throws BadValueException;
    }

    // string.Template with oslo's idpattern, matched case-insensitively like Python's Template
    // (flags=re.IGNORECASE): "$$", "$name", "${name}", or a lone '$' that is left alone.
    private static final Pattern TEMPLATE = Pattern.compile(
            "\\$(?:(\\$)|([_a-z][._a-z0-9]*)|\\{([_a-z][._a-z0-9]*)\\}|)",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /**
     * oslo's {@code ConfigOpts._substitute} on one text: "\$" and "$$" give a literal '$',
     * {@code $name} and {@code ${name}} are looked up; a name may hold dots
     * ({@code $group.option}), so {@code $my_ip.} looks up "my_ip." and fails, as in Python.
     */
    static String substitute(String text, Variables variables) throws BadValueException {
        if (text.indexOf('$') < 0) {
            return text;
        }
        String t = text.replace("\\$", "$$");
        Matcher m = TEMPLATE.matcher(t);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(t, last, m.start());
            if (m.group(1) != null) {
                out.append('$');
            } else if (m.group(2) != null || m.group(3) != null) {
                out.append(variables.lookup(m.group(2) != null ? m.group(2) : m.group(3)));
            } else {
                out.append('$');
            }
            last = m.end();
        }
        out.append(t, last, t.length());
        return out.toString();
    }
}
