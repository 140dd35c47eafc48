package org.ebsvolume.messaging.transport;

import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parsed {@code [DEFAULT] transport_url}, read exactly as oslo.messaging 14.0.3's
 * {@code TransportURL.parse()} reads it on Debian 12 (CPython 3.11.2's {@code urllib.parse}
 * included), so that one cinder.conf means the same brokers to the Python services and to us:
 *
 * <pre>
 *   rabbit://user:pass@host:port[,userN:passN@hostN:portN]/virtual_host?option=value
 * </pre>
 *
 * <ul>
 *   <li>the netloc is split on ',' into {@link TransportHost}s; credentials are split off with
 *       the <em>last</em> '@', then at the <em>first</em> ':'; both are %-unquoted ('+' stays
 *       '+'); IPv6 literals are written in brackets;</li>
 *   <li>virtual host = the path minus its leading '/', unquoted: {@code /} gives "",
 *       {@code //} gives "/", {@code /openstack} gives "openstack";</li>
 *   <li>the query is read like {@code parse_qs}: '+' means space, empty values are dropped,
 *       repeated keys are joined with ','. Its keys override {@code [oslo_messaging_rabbit]}
 *       options, see {@link RabbitOptions#withUrlQuery(Map)}.</li>
 * </ul>
 *
 * <p>The URL holds the broker password: {@link #toString()} masks it and no exception message
 * thrown from here repeats the URL.
 *
 * @param transport   "rabbit" or "kombu" (oslo's alias for the same driver, lower case; the Python
 *                    services on Debian 12 cannot actually connect with kombu://, see {@link #parse})
 * @param hosts       the broker entries as written; empty for {@code rabbit://}
 * @param virtualHost the virtual host as oslo hands it on; "" when the URL has no path or just
 *                    "/" (Python distinguishes None from '' there, but both end up as the
 *                    broker's default virtual host)
 * @param query       the query options in the order they first appear
 */
public record TransportUrl(String transport, List<TransportHost> hosts, String virtualHost,
                           Map<String, String> query) {

    private static final Logger LOG = LoggerFactory.getLogger(TransportUrl.class);

    /** kombu's defaults for whatever a host entry leaves out (kombu/transport/pyamqp.py). */
    private static final int DEFAULT_PORT = 5672;
    private static final String DEFAULT_USER = "guest";
    private static final String DEFAULT_PASSWORD = "guest";
    private static final String DEFAULT_HOST = "localhost";

    public TransportUrl {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(virtualHost, "virtualHost");
        hosts = List.copyOf(hosts);
        query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    }

    /**
     * Parses a transport URL the way oslo.messaging does.
     *
     * @throws InvalidTransportUrlException when Python would raise on this URL, when the scheme
     *                                      is not one of the RabbitMQ driver's, or when a port
     *                                      is outside 0..65535
     */
    public static TransportUrl parse(String url) {
        if (url == null) {
            throw new InvalidTransportUrlException("transport_url is not set");
        }
        // urlsplit() first drops leading control characters and spaces, and every tab and newline.
        String rest = stripLeadingControlAndSpace(url).replace("\t", "").replace("\r", "").replace("\n", "");

        String scheme = "";
        int colon = rest.indexOf(':');
        if (colon > 0 && isSchemeStart(rest.charAt(0)) && isSchemeText(rest.substring(0, colon))) {
            scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = rest.substring(colon + 1);
        }
        if (scheme.isEmpty()) {
            throw new InvalidTransportUrlException(
                    "transport_url has no scheme; expected rabbit://user:pass@host:port/vhost");
        }
        if (!scheme.equals("rabbit") && !scheme.equals("kombu")) {
            throw new InvalidTransportUrlException("transport_url scheme '" + scheme
                    + "' is not supported; only the RabbitMQ driver exists here: use rabbit://");
        }

        if (scheme.equals("kombu")) {
            LOG.warn("transport_url uses the kombu:// alias; the Python services on Debian 12 cannot connect"
                    + " with it (kombu 5.2.4 has no 'kombu' transport), so prefer rabbit://");
        }

        String netloc = "";
        if (rest.startsWith("//")) {
            int end = rest.length();
            for (char delimiter : new char[] {'/', '?', '#'}) {
                int at = rest.indexOf(delimiter, 2);
                if (at >= 0) {
                    end = Math.min(end, at);
                }
            }
            netloc = rest.substring(2, end);
            rest = rest.substring(end);
            checkBrackets(netloc);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String queryText = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            queryText = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        checkNfkc(netloc);

        // What is left is the path.
        String virtualHost = rest.startsWith("/") ? PythonSyntax.unquote(rest.substring(1)) : "";
        List<TransportHost> hosts = parseHosts(netloc);
        return new TransportUrl(scheme, hosts, virtualHost, parseQuery(queryText));
    }

    /**
     * The brokers as the connection is really made: without hosts, kombu's
     * {@code guest:guest@localhost:5672}; a missing (or 0) port is 5672 even with TLS, missing
     * or empty credentials are guest/guest, an empty hostname is localhost. Like kombu, the
     * host name is lower-cased and unquoted (so {@code [fe80::1%25eth0]} becomes
     * {@code fe80::1%eth0}). Credentials are used exactly as parsed (oslo's round trip through a
     * kombu URL mangles a '/' in a password; that breakage is not reproduced).
     *
     * @throws InvalidTransportUrlException for an entry with credentials but no host
     *                                      ({@code rabbit://u:p@/}), which makes oslo crash
     */
    public List<TransportHost> effectiveHosts() {
        if (hosts.isEmpty()) {
            return List.of(new TransportHost(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_USER, DEFAULT_PASSWORD));
        }
        List<TransportHost> effective = new ArrayList<>(hosts.size());
        for (int i = 0; i < hosts.size(); i++) {
            TransportHost h = hosts.get(i);
            if (h.hostname() == null) {
                throw new InvalidTransportUrlException("transport_url host #" + (i + 1)
                        + " has credentials but no host name");
            }
            String hostname = PythonSyntax.unquote(lowerCaseBeforeZone(h.hostname()));
            effective.add(new TransportHost(
                    hostname.isEmpty() ? DEFAULT_HOST : hostname,
                    h.port() == null || h.port() == 0 ? DEFAULT_PORT : h.port(),
                    isEmpty(h.username()) ? DEFAULT_USER : h.username(),
                    isEmpty(h.password()) ? DEFAULT_PASSWORD : h.password()));
        }
        return List.copyOf(effective);
    }

    /**
     * The virtual host the broker is asked for. oslo writes {@link #virtualHost()} unescaped into
     * the kombu URL, and kombu parses it again: "" becomes the default "/", a second round of
     * %-unquoting happens, and anything from a ';', '?' or '#' on is cut off (';' separates
     * kombu's failover URLs, the others end a URL path).
     */
    public String effectiveVirtualHost() {
        String path = virtualHost.replace("\t", "").replace("\r", "").replace("\n", "");
        for (char end : new char[] {';', '?', '#'}) {
            int at = path.indexOf(end);
            if (at >= 0) {
                path = path.substring(0, at);
            }
        }
        String vhost = PythonSyntax.unquote(path);
        return vhost.isEmpty() ? "/" : vhost;
    }

    /** The URL as oslo's {@code str(TransportURL)} renders it, with every password as ***. */
    @Override
    public String toString() {
        List<String> netlocs = new ArrayList<>(hosts.size());
        for (TransportHost h : hosts) {
            StringBuilder netloc = new StringBuilder();
            if (h.username() != null || h.password() != null) {
                if (h.username() != null) {
                    netloc.append(PythonSyntax.quote(h.username(), ""));
                }
                if (h.password() != null) {
                    netloc.append(":***");
                }
                netloc.append('@');
            }
            if (!isEmpty(h.hostname())) {
                netloc.append(h.hostname().indexOf(':') >= 0 ? "[" + h.hostname() + "]" : h.hostname());
            }
            if (h.port() != null) {
                netloc.append(':').append(h.port());
            }
            netlocs.add(netloc.toString());
        }
        StringBuilder s = new StringBuilder(transport).append("://").append(String.join(",", netlocs)).append('/');
        if (!virtualHost.isEmpty()) {
            s.append(PythonSyntax.quote(virtualHost, "/"));
        }
        if (!query.isEmpty()) {
            List<String> pairs = new ArrayList<>(query.size());
            query.forEach((k, v) -> pairs.add(PythonSyntax.quotePlus(k) + "=" + PythonSyntax.quotePlus(v)));
            s.append('?').append(String.join("&", pairs));
        }
        return s.toString();
    }

    private static List<TransportHost> parseHosts(String netloc) {
        List<TransportHost> hosts = new ArrayList<>();
        List<String> withCredentials = new ArrayList<>();
        List<String> withoutCredentials = new ArrayList<>();
        String[] entries = netloc.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i];
            if (entry.isEmpty()) {
                continue;
            }
            String hostname = entry;
            String username = null;
            String password = null;
            String portText = null;

            int at = entry.lastIndexOf('@');
            if (at >= 0) {
                username = entry.substring(0, at);
                hostname = entry.substring(at + 1);
                int colon = username.indexOf(':');
                if (colon >= 0) {
                    password = PythonSyntax.unquote(username.substring(colon + 1));
                    username = username.substring(0, colon);
                }
                username = PythonSyntax.unquote(username);
            }

            if (hostname.isEmpty()) {
                hostname = null;
            } else if (hostname.startsWith("[")) {
                int close = hostname.indexOf(']');
                if (close < 0) {
                    throw new InvalidTransportUrlException("transport_url host #" + (i + 1)
                            + ": IPv6 address has '[' without ']'");
                }
                // Like oslo: whatever follows ']' up to a ':' is ignored, the rest is the port.
                String afterBracket = hostname.substring(close);
                hostname = hostname.substring(1, close);
                int portColon = afterBracket.indexOf(':');
                if (portColon >= 0) {
                    portText = afterBracket.substring(portColon + 1);
                }
            } else if (hostname.indexOf(':') >= 0) {
                int colon = hostname.indexOf(':');
                portText = hostname.substring(colon + 1);
                hostname = hostname.substring(0, colon);
            }

            Integer port = portText == null || portText.isEmpty() ? null : parsePort(portText, i + 1, hostname);
            if (username == null || password == null) {
                withoutCredentials.add(hostname);
            } else {
                withCredentials.add(hostname);
            }
            hosts.add(new TransportHost(hostname, port, username, password));
        }
        if (!withCredentials.isEmpty() && !withoutCredentials.isEmpty()) {
            // oslo only warns; hosts without credentials then log in as guest.
            LOG.warn("All hosts must be set with username/password or not at the same time. "
                    + "Hosts with credentials are: {}. Hosts without credentials are {}.",
                    withCredentials, withoutCredentials);
        }
        return hosts;
    }

    private static int parsePort(String text, int hostNumber, String hostname) {
        BigInteger port = PythonSyntax.parseInt(text);
        if (port == null) {
            throw new InvalidTransportUrlException("transport_url host #" + hostNumber + " (" + hostname
                    + "): port '" + text + "' is not an integer");
        }
        // Python accepts any integer here and fails later, when kombu builds its URL; failing now
        // says which host is wrong.
        if (port.signum() < 0 || port.compareTo(BigInteger.valueOf(65535)) > 0) {
            throw new InvalidTransportUrlException("transport_url host #" + hostNumber + " (" + hostname
                    + "): port " + port + " is outside 0..65535");
        }
        return port.intValue();
    }

    /** {@code parse_qs(query)} with repeated keys joined by ',', as TransportURL.parse does. */
    private static Map<String, String> parseQuery(String queryText) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String field : queryText.split("&", -1)) {
            int eq = field.indexOf('=');
            // parse_qs (keep_blank_values=False) silently drops "key" and "key=".
            if (eq < 0 || eq == field.length() - 1) {
                continue;
            }
            String key = PythonSyntax.unquote(field.substring(0, eq).replace('+', ' '));
            String value = PythonSyntax.unquote(field.substring(eq + 1).replace('+', ' '));
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        Map<String, String> query = new LinkedHashMap<>();
        values.forEach((k, v) -> query.put(k, String.join(",", v)));
        return query;
    }

    /**
     * The IPv6 checks {@code urlsplit()} makes on the whole netloc. They were written for one
     * host per URL, so with several hosts CPython only looks at the text after the last '@' and
     * rejects for instance {@code h1,[::1]}; rejecting the same URLs keeps us from starting with
     * a configuration the Python services refuse.
     */
    private static void checkBrackets(String netloc) {
        boolean open = netloc.indexOf('[') >= 0;
        boolean close = netloc.indexOf(']') >= 0;
        if (open != close) {
            throw new InvalidTransportUrlException("transport_url: unbalanced '[' / ']' around an IPv6 address");
        }
        if (!open) {
            return;
        }
        String hostAndPort = netloc.substring(netloc.lastIndexOf('@') + 1);
        String bracketed;
        int bracket = hostAndPort.indexOf('[');
        String host;
        if (bracket >= 0) {
            if (bracket > 0) {
                throw pythonRejects(hostAndPort, "text before '['");
            }
            bracketed = hostAndPort.substring(1);
            int end = bracketed.indexOf(']');
            host = end >= 0 ? bracketed.substring(0, end) : bracketed;
            String port = end >= 0 ? bracketed.substring(end + 1) : "";
            if (!port.isEmpty() && !port.startsWith(":")) {
                throw pythonRejects(hostAndPort, "text between ']' and the port");
            }
        } else {
            int colon = hostAndPort.indexOf(':');
            host = colon >= 0 ? hostAndPort.substring(0, colon) : hostAndPort;
        }
        String problem = PythonSyntax.bracketedHostProblem(host);
        if (problem != null) {
            throw pythonRejects(hostAndPort, problem);
        }
    }

    private static InvalidTransportUrlException pythonRejects(String hostAndPort, String reason) {
        // hostAndPort is what follows the last '@', so it never contains a password.
        return new InvalidTransportUrlException("transport_url host list ending in '" + hostAndPort
                + "' is rejected by Python's urllib.parse (CPython 3.11 on Debian 12), so the Python"
                + " services would refuse it too: " + reason
                + "; with several hosts, write IPv6 hosts in brackets with an explicit port and"
                + " make the last entry one of them");
    }

    /** {@code urlsplit()} refuses a netloc whose NFKC form grows URL delimiters. */
    private static void checkNfkc(String netloc) {
        if (netloc.chars().allMatch(c -> c < 0x80)) {
            return;
        }
        String n = netloc.replace("@", "").replace(":", "").replace("#", "").replace("?", "");
        String normalized = Normalizer.normalize(n, Normalizer.Form.NFKC);
        if (n.equals(normalized)) {
            return;
        }
        for (char c : "/?#@:".toCharArray()) {
            if (normalized.indexOf(c) >= 0) {
                throw new InvalidTransportUrlException("transport_url contains characters that turn into '"
                        + c + "' under Unicode NFKC normalization; Python refuses such URLs");
            }
        }
    }

    private static String stripLeadingControlAndSpace(String s) {
        int start = 0;
        while (start < s.length() && s.charAt(start) <= ' ') {
            start++;
        }
        return s.substring(start);
    }

    private static boolean isSchemeStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSchemeText(String s) {
        return s.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
    }

    /** urllib's {@code SplitResult.hostname} lower-cases the address but not an IPv6 zone. */
    private static String lowerCaseBeforeZone(String hostname) {
        int zone = hostname.indexOf('%');
        return zone < 0 ? hostname.toLowerCase(Locale.ROOT)
                : hostname.substring(0, zone).toLowerCase(Locale.ROOT) + hostname.substring(zone);
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
