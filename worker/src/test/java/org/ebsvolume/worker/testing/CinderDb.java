package org.ebsvolume.worker.testing;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JDBC access to the control plane's cinder database (the schema {@code cinder-manage db sync}
 * created), for assertions and test setup: {@code db.query("SELECT * FROM services WHERE
 * `binary` = ?", "cinder-volume")}.
 *
 * <p>Rows are maps from column label to value, in column order. DATETIME columns come back as
 * {@link LocalDateTime} exactly as stored: Cinder stores naive UTC ({@code timeutils.utcnow()}),
 * so compare them with {@code LocalDateTime.now(ZoneOffset.UTC)} or {@link #utcNow()}, never with
 * the local time. TINYINT(1) columns ({@code deleted}, {@code disabled}, {@code frozen}, ...) come
 * back as Integer 0/1 (not Boolean); TEXT/VARCHAR as String; INT as Integer; BIGINT as Long.
 *
 * <p>Auto-commit: every statement sees what other processes committed before it. Any SQL error
 * fails the test (AssertionError with the statement). Thread-safe; close it when done.
 */
public final class CinderDb implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 3306;
    public static final String URL = "jdbc:mariadb://127.0.0.1:3306/cinder";

    private final String url;
    private final String user;
    private final String password;
    private Connection connection;

    /** {@value #URL} as cinder/cinder (the control plane's defaults); connects on first use. */
    public CinderDb() {
        this("cinder", "cinder", "cinder");
    }

    /** Database {@code database} on 127.0.0.1:3306; connects on first use. */
    public CinderDb(String database, String user, String password) {
        // tinyInt1isBit=false: TINYINT(1) columns (deleted, disabled, frozen, ...) read as the
        // 0/1 integers they hold, as `mysql` shows them and as SQL compares them.
        this.url = "jdbc:mariadb://" + HOST + ":" + PORT + "/" + database + "?connectTimeout=5000&tinyInt1isBit=false";
        this.user = user;
        this.password = password;
    }

    /** {@link #CinderDb()}, connected now (fails the test at once if the database is unreachable). */
    public static CinderDb connect() {
        return connect("cinder", "cinder", "cinder");
    }

    public static CinderDb connect(String database, String user, String password) {
        CinderDb db = new CinderDb(database, user, password);
        db.connection();
        return db;
    }

    /** Runs a SELECT (or SHOW) with {@code ?} parameters and returns every row. */
    public synchronized List<Map<String, Object>> query(String sql, Object... params) {
        try (PreparedStatement st = prepare(sql, params); ResultSet rs = st.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), value(rs, i, md.getColumnType(i)));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw failure(sql, params, e);
        }
    }

    /** The one row the query must return; fails the test on zero or several rows. */
    public Map<String, Object> single(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected exactly one row, got " + rows.size() + " from " + sql + " "
                    + Arrays.asList(params) + ": " + rows);
        }
        return rows.get(0);
    }

    /** The first column of the one row the query must return (e.g. {@code SELECT COUNT(*) ...}). */
    public Object scalar(String sql, Object... params) {
        return single(sql, params).values().iterator().next();
    }

    /** Runs an INSERT, UPDATE, DELETE or DDL statement with {@code ?} parameters; returns the affected row count. */
    public synchronized int update(String sql, Object... params) {
        try (PreparedStatement st = prepare(sql, params)) {
            return st.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, params, e);
        }
    }

    /** The database server's UTC clock, as a naive timestamp like the ones Cinder stores. */
    public LocalDateTime utcNow() {
        return (LocalDateTime) scalar("SELECT UTC_TIMESTAMP(6)");
    }

    public List<String> tables() {
        return query("SHOW TABLES").stream().map(r -> (String) r.values().iterator().next()).toList();
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            connection = null;
        }
    }

    @Override
    public String toString() {
        return "CinderDb[" + url + " as " + user + "]";
    }

    // -----------------------------------------------------------------------------------------

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement st = connection().prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                if (params[i] == null) {
                    st.setNull(i + 1, Types.NULL);
                } else {
                    st.setObject(i + 1, params[i]);
                }
            }
            return st;
        } catch (SQLException e) {
            st.close();
            throw e;
        }
    }

    /** The open connection; reconnects when the server dropped it (MariaDB restarted, wait_timeout). */
    private synchronized Connection connection() {
        try {
            if (connection == null || !connection.isValid(2)) {
                if (connection != null) {
                    close();
                }
                connection = DriverManager.getConnection(url, user, password);
                connection.setAutoCommit(true);
            }
            return connection;
        } catch (SQLException e) {
            throw new AssertionError("cannot connect to " + url + " as " + user
                    + " (scripts/control-plane.sh start creates the database and the user): " + e, e);
        }
    }

    private static Object value(ResultSet rs, int column, int sqlType) throws SQLException {
        switch (sqlType) {
            case Types.TIMESTAMP:
            case Types.TIMESTAMP_WITH_TIMEZONE:
                // The stored wall-clock value, with no time-zone conversion.
                return rs.getObject(column, LocalDateTime.class);
            case Types.DATE:
                return rs.getObject(column, java.time.LocalDate.class);
            case Types.TIME:
                return rs.getObject(column, java.time.LocalTime.class);
            default:
                Object value = rs.getObject(column);
                if (value instanceof BigInteger big && big.bitLength() < 64) {
                    return big.longValue();
                }
                return value;
        }
    }

    private AssertionError failure(String sql, Object[] params, SQLException e) {
        return new AssertionError("SQL failed on " + url + ": " + sql + " " + Arrays.asList(params) + ": " + e, e);
    }
}
