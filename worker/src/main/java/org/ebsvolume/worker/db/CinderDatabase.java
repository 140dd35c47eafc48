package org.ebsvolume.worker.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Cinder's MariaDB database over a small JDBC pool. Cinder's schema has no server-side defaults,
 * so this class owns the conventions every write must follow: naive UTC timestamps without
 * fractional seconds from the injected clock, and booleans as 0/1, never NULL.
 */
public final class CinderDatabase implements AutoCloseable {

    private final HikariDataSource pool;
    private final Clock clock;

    public CinderDatabase(String jdbcUrl, String user, String password, Properties properties, Clock clock) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(password);
        c.setDataSourceProperties(properties);
        if (!properties.containsKey("socketTimeout")) {
            // A query in flight when the database host vanishes would otherwise wait for TCP to
            // give up (about 15 minutes), holding its job (heartbeat, DRBD health, fencing) that
            // long. Above InnoDB's lock wait (50 s), so a slow lock still reports as itself.
            c.addDataSourceProperty("socketTimeout", "60000");
        }
        c.setMaximumPoolSize(8);
        c.setMinimumIdle(1);
        c.setPoolName("cinder-db");
        c.setConnectionTimeout(10_000);
        // Fail at start-up if the database is unreachable, not at the first heartbeat.
        c.setInitializationFailTimeout(10_000);
        c.setConnectionInitSql("SET time_zone = '+00:00'");
        this.pool = new HikariDataSource(c);
        this.clock = clock;
    }

    /** Now as Cinder stores it: naive UTC, whole seconds. */
    public LocalDateTime now() {
        return LocalDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS);
    }

    public Clock clock() {
        return clock;
    }

    public List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return query(c, sql, params);
        }
    }

    public int update(String sql, Object... params) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return update(c, sql, params);
        }
    }

    /** Runs {@code work} in one transaction, committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(TransactionWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection c) throws SQLException;
    }

    public static List<Map<String, Object>> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        if (v instanceof Timestamp ts) {
                            v = ts.toLocalDateTime();
                        }
                        row.put(md.getColumnLabel(i), v);
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof LocalDateTime t) {
                ps.setTimestamp(i + 1, Timestamp.valueOf(t));
            } else if (p instanceof Boolean b) {
                ps.setInt(i + 1, b ? 1 : 0);
            } else if (p instanceof ColumnEnum e) {
                ps.setString(i + 1, e.column());   // a status enum, stored as Cinder spells it
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
