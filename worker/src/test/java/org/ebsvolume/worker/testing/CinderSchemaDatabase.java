package org.ebsvolume.worker.testing;

import org.ebsvolume.worker.db.CinderDatabase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB database with Cinder's real schema, made by {@code cinder-manage db sync} alone: no
 * cinder-api, scheduler or broker, so a test of the worker's database effects needs seconds, not
 * a control plane. Uses the machine's MariaDB on 127.0.0.1:3306 as root (empty password) and a
 * database of its own, so it never touches the control plane's {@code cinder} database.
 *
 * <p>The schema is synced once per database (when {@code alembic_version} is missing); rows
 * stay between runs, so tests make their own ids and project.
 */
public final class CinderSchemaDatabase {

    public static final String USER = "root";
    public static final String PASSWORD = "";

    private CinderSchemaDatabase() {
    }

    /** Database {@code name} with Cinder's schema, created and synced when needed (config and logs under {@code dir}). */
    public static synchronized void ensure(String name, Path dir) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + CinderDb.HOST + ":" + CinderDb.PORT + "/",
                USER, PASSWORD)) {
            c.createStatement().execute("CREATE DATABASE IF NOT EXISTS `" + name + "`");
            boolean synced = c.createStatement().executeQuery("SELECT 1 FROM information_schema.tables WHERE table_schema = '"
                    + name + "' AND table_name = 'alembic_version'").next();
            if (!synced) {
                dbSync(name, dir);
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot reach MariaDB on 127.0.0.1:3306 as root: " + e, e);
        }
    }

    /** The worker's own pool on database {@code name} (close it when done). */
    public static CinderDatabase open(String name) {
        return new CinderDatabase(jdbcUrl(name), USER, PASSWORD, new Properties(), Clock.systemUTC());
    }

    /** A test client on database {@code name}, for setup and assertions (close it when done). */
    public static CinderDb client(String name) {
        return CinderDb.connect(name, USER, PASSWORD);
    }

    public static String jdbcUrl(String name) {
        return "jdbc:mariadb://" + CinderDb.HOST + ":" + CinderDb.PORT + "/" + name;
    }

    private static void dbSync(String name, Path dir) {
        try {
            Files.createDirectories(dir.resolve("etc"));
            Files.createDirectories(dir.resolve("log"));
            Files.createDirectories(dir.resolve("state"));
            Path conf = dir.resolve("etc/cinder.conf");
            Files.writeString(conf, "[DEFAULT]\nstate_path = " + dir.resolve("state") + "\nlog_dir = " + dir.resolve("log")
                    + "\n[database]\nconnection = mysql+pymysql://" + USER + ":" + PASSWORD + "@127.0.0.1/" + name + "\n");
            Path out = dir.resolve("log/db-sync.out");
            Process p = new ProcessBuilder("/usr/bin/cinder-manage", "--config-file", conf.toString(), "db", "sync")
                    .directory(dir.resolve("state").toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("cinder-manage db sync did not finish in 300 s; see " + out);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("cinder-manage db sync failed (exit " + p.exitValue() + ", scripts/control-plane.sh "
                        + "install brings it):\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run cinder-manage db sync for " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
