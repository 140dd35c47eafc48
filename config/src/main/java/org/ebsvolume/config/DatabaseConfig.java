package org.ebsvolume.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@code [database]} section: where Cinder's database is and how oslo.db would pool
 * connections to it (oslo.db 12.1 names and defaults).
 *
 * @param connection            the server and credentials
 * @param mysqlSqlMode          run as {@code SET SESSION sql_mode = ...} on every new connection,
 *                              as oslo.db does ("TRADITIONAL" by default; "" really sets '')
 * @param maxPoolSize           connections kept open (SQLAlchemy pool_size; 0 means no limit)
 * @param maxOverflow           extra connections allowed beyond the pool
 * @param poolTimeout           seconds to wait for a free connection; empty for SQLAlchemy's 30
 * @param connectionRecycleTime seconds after which a pooled connection is replaced
 * @param maxRetries            attempts to connect at startup, -1 for forever
 * @param retryInterval         seconds between those attempts
 */
public record DatabaseConfig(DatabaseConnection connection, String mysqlSqlMode, int maxPoolSize, int maxOverflow,
                             OptionalInt poolTimeout, int connectionRecycleTime, int maxRetries, int retryInterval) {

    public DatabaseConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(mysqlSqlMode, "mysqlSqlMode");
        Objects.requireNonNull(poolTimeout, "poolTimeout");
    }
}
