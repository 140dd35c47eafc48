package org.ebsvolume.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cinder's {@code [database] connection}, an SQLAlchemy URL, turned into what MariaDB
 * Connector/J needs. Only MySQL/MariaDB can be used: Cinder's database is shared with cinder-api
 * and cinder-scheduler, which on Debian 12 run on MySQL or MariaDB.
 *
 * <pre>
 *   mysql+pymysql://cinder:PASSWORD@db.example.com:3306/cinder?charset=utf8
 *   → jdbc:mariadb://db.example.com:3306/cinder, user cinder, password PASSWORD
 * </pre>
 *
 * <p>The URL is read as SQLAlchemy 1.4 (Debian 12) reads it: the user and password are
 * %-unquoted ('+' stays '+'), a password containing '@' must be written %40, the host may be an
 * IPv6 address in brackets, the database name is taken as written, and the query is
 * {@code parse_qsl}'ed ('+' is a space, empty values are dropped). oslo.db's
 * {@code connection_parameters} are added to the query.
 *
 * <p>Query parameters are driver arguments for PyMySQL; they are translated where Connector/J
 * has an equivalent, refused where it has none, and otherwise handed over unchanged:
 * <ul>
 *   <li>{@code charset}: utf8, utf8mb3 or utf8mb4, dropped (Connector/J always speaks utf8mb4,
 *       a superset); any other character set is refused;</li>
 *   <li>{@code unix_socket} → {@code localSocket};</li>
 *   <li>{@code connect_timeout} (seconds) → {@code connectTimeout} (milliseconds);</li>
 *   <li>{@code ssl_ca} → {@code serverSslCert} with {@code sslMode=verify-ca}, or
 *       {@code verify-full} with {@code ssl_verify_identity=true};</li>
 *   <li>{@code plugin} (an SQLAlchemy plugin, e.g. devstack's dbcounter) is dropped;</li>
 *   <li>{@code ssl_cert}, {@code ssl_key}, {@code read_default_file} and
 *       {@code read_default_group} are refused (PEM client keys and MySQL option files are not
 *       read by Connector/J).</li>
 * </ul>
 *
 * @param dialect    "mysql" or "mariadb"
 * @param driver     the Python driver named after '+', or "" for the dialect's default
 * @param host       host name or address (without brackets); "localhost" when the URL has none
 * @param port       TCP port, 3306 when the URL has none
 * @param database   database (schema) name
 * @param user       user name
 * @param password   password, "" when the URL has none
 * @param properties Connector/J connection properties other than user and password
 */
public record DatabaseConnection(String dialect, String driver, String host, int port, String database,
                                 String user, String password, Map<String, String> properties) {

    private static final Set<String> DIALECTS = Set.of("mysql", "mariadb");
    private static final Set<String> DRIVERS = Set.of("", "pymysql", "mysqldb", "mysqlconnector", "mariadbconnector");
    private static final Set<String> SAME_CHARSET = Set.of("utf8", "utf8mb3", "utf8mb4");
    private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");

    // SQLAlchemy 1.4's _parse_url pattern, matched at the start of the text (re.match).
    private static final Pattern SQLALCHEMY_URL = Pattern.compile(
            "(?<name>[\\w+]+)://"
                    + "(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?"
                    + "(?:(?:\\[(?<ipv6host>[^/?]+)\\]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?"
                    + "(?:/(?<database>[^?]*))?"
                    + "(?:\\?(?<query>.*))?",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_$-]{1,64}");

    public DatabaseConnection {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * Reads an SQLAlchemy URL.
     *
     * @param url                  the {@code [database] connection} text
     * @param connectionParameters oslo.db's {@code connection_parameters}, "" for none
     * @throws InvalidDatabaseUrlException when the URL is not a usable MySQL/MariaDB URL; the
     *                                     message never contains the password
     */
    public static DatabaseConnection parse(String url, String connectionParameters) {
        Matcher m = SQLALCHEMY_URL.matcher(url);
        if (!m.lookingAt()) {
            throw new InvalidDatabaseUrlException("is not an SQLAlchemy URL; expected"
                    + " mysql+pymysql://USER:PASSWORD@HOST[:PORT]/DATABASE[?charset=utf8]");
        }
        String name = m.group("name");
        int plus = name.indexOf('+');
        String dialect = (plus < 0 ? name : name.substring(0, plus)).toLowerCase(Locale.ROOT);
        String driver = plus < 0 ? "" : name.substring(plus + 1).toLowerCase(Locale.ROOT);
        if (!DIALECTS.contains(dialect)) {
            throw new InvalidDatabaseUrlException("uses the " + dialect + " dialect; ebs-volume works only with"
                    + " MySQL or MariaDB (mysql+pymysql://...), the database the Cinder services share");
        }
        if (!DRIVERS.contains(driver)) {
            throw new InvalidDatabaseUrlException("names the unknown driver '" + driver + "'; use mysql+pymysql://");
        }
        if (m.group("username") == null || m.group("username").isEmpty()) {
            throw new InvalidDatabaseUrlException("has no user name; expected mysql+pymysql://USER:PASSWORD@HOST/DATABASE");
        }
        String user = unquote(m.group("username"));
        String password = m.group("password") == null ? "" : unquote(m.group("password"));
        String host = m.group("ipv4host") != null ? m.group("ipv4host") : m.group("ipv6host");
        if (host != null && host.indexOf('@') >= 0) {
            // SQLAlchemy splits the credentials at the first '@' that follows a ':', so an '@' in
            // the password ends up in the host name.
            throw new InvalidDatabaseUrlException("has an '@' in its host part: write an '@' in the password as %40");
        }
        int port = parsePort(m.group("port"));
        String database = m.group("database");
        if (database == null || database.isEmpty()) {
            throw new InvalidDatabaseUrlException("names no database; expected mysql+pymysql://USER:PASSWORD@HOST/DATABASE");
        }
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new InvalidDatabaseUrlException("has the database name '" + database + "'; expected 1 to 64 of"
                    + " A-Z a-z 0-9 _ $ -");
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        String queryText = m.group("query");
        if (queryText != null) {
            parseQsl(queryText, query);
        }
        if (connectionParameters != null && !connectionParameters.isEmpty()) {
            parseQsl(connectionParameters, query);
        }
        Map<String, String> properties = translate(query);
        return new DatabaseConnection(dialect, driver, host == null || host.isEmpty() ? "localhost" : host, port,
                database, user, password, properties);
    }

    /** {@code jdbc:mariadb://host:port/database}; holds no credentials. */
    public String jdbcUrl() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "jdbc:mariadb://" + h + ":" + port + "/" + database;
    }

    /** The properties to connect with: user, password and {@link #properties()}. */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("user", user);
        p.setProperty("password", password);
        return p;
    }

    /** The Unix socket to connect through instead of TCP, when the URL names one. */
    public Optional<String> unixSocket() {
        return Optional.ofNullable(properties.get("localSocket"));
    }

    /** The URL as SQLAlchemy would print it with the password hidden. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        StringBuilder s = new StringBuilder(dialect);
        if (!driver.isEmpty()) {
            s.append('+').append(driver);
        }
        s.append("://").append(user).append(":***@").append(h).append(':').append(port).append('/').append(database);
        if (!properties.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            properties.forEach((k, v) -> pairs.add(k + "=" + v));
            s.append(" (").append(String.join(", ", pairs)).append(')');
        }
        return s.toString();
    }

    private static int parsePort(String text) {
        if (text == null || text.isEmpty()) {
            return 3306;
        }
        try {
            return OsloTypes.PORT.parse(text);
        } catch (BadValueException e) {
            throw new InvalidDatabaseUrlException("has the port '" + text + "'; " + e.expected());
        }
    }

    private static Map<String, String> translate(Map<String, List<String>> query) {
        Map<String, String> props = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String key = e.getKey();
            if (e.getValue().size() > 1) {
                throw new InvalidDatabaseUrlException("sets the query parameter '" + key + "' more than once"
                        + " (in the URL or in connection_parameters)");
            }
            String value = e.getValue().get(0);
            switch (key) {
                case "charset" -> {
                    if (!SAME_CHARSET.contains(value.toLowerCase(Locale.ROOT))) {
                        throw new InvalidDatabaseUrlException("asks for charset=" + value + "; MariaDB Connector/J"
                                + " always uses utf8mb4, so only utf8, utf8mb3 or utf8mb4 mean the same");
                    }
                }
                case "plugin" -> {
                    // an SQLAlchemy plugin, not a database setting
                }
                case "unix_socket" -> props.put("localSocket", value);
                case "connect_timeout" -> {
                    try {
                        props.put("connectTimeout", Long.toString(OsloTypes.parseInt(value) * 1000L));
                    } catch (BadValueException bad) {
                        throw new InvalidDatabaseUrlException("has connect_timeout=" + value + "; expected seconds");
                    }
                }
                case "ssl_ca" -> {
                    props.put("serverSslCert", value);
                    props.putIfAbsent("sslMode", "verify-ca");
                }
                case "ssl_verify_identity" -> {
                    if (TRUE.contains(value.toLowerCase(Locale.ROOT))) {
                        props.put("sslMode", "verify-full");
                    }
                }
                case "ssl_cert", "ssl_key" -> throw new InvalidDatabaseUrlException("has " + key + "; client"
                        + " certificates in PEM files are not supported by ebs-volume's MariaDB driver");
                case "read_default_file", "read_default_group" -> throw new InvalidDatabaseUrlException("has " + key
                        + "; MySQL option files are not read by ebs-volume: put host, user and password in the URL");
                default -> props.put(key, value);
            }
        }
        if ("verify-full".equals(props.get("sslMode")) && !props.containsKey("serverSslCert")) {
            throw new InvalidDatabaseUrlException("has ssl_verify_identity without ssl_ca");
        }
        return props;
    }

    /** {@code urllib.parse.parse_qsl(text)}: '&'-separated, '+' is a space, blank values dropped. */
    private static void parseQsl(String text, Map<String, List<String>> into) {
        for (String field : text.split("&", -1)) {
            int eq = field.indexOf('=');
            if (eq < 0 || eq == field.length() - 1) {
                continue;
            }
            String key = unquote(field.substring(0, eq).replace('+', ' '));
            String value = unquote(field.substring(eq + 1).replace('+', ' '));
            into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    /** {@code urllib.parse.unquote}: %XX as UTF-8 (bad bytes become U+FFFD); '+' stays. */
    static String unquote(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
                continue;
            }
            if (bytes.size() > 0) {
                out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
                bytes.reset();
            }
            out.append(c);
        }
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
