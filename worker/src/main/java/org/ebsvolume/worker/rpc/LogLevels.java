package org.ebsvolume.worker.rpc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code cinder.utils.get_log_levels} / {@code set_log_levels} on this process's loggers: every
 * existing logger whose name starts with the prefix, levels named as Python names them.
 */
final class LogLevels {

    private LogLevels() {
    }

    static Map<String, String> get(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (Logger l : context().getLoggerList()) {
            if (!l.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME) && l.getName().startsWith(prefix == null ? "" : prefix)) {
                out.put(l.getName(), pythonName(l.getEffectiveLevel()));
            }
        }
        return out;
    }

    /** @throws IllegalArgumentException for a level Python's logging would not know */
    static void set(String prefix, String levelName) {
        Level level = javaLevel(levelName);
        for (Logger l : context().getLoggerList()) {
            if (!l.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME) && l.getName().startsWith(prefix == null ? "" : prefix)) {
                l.setLevel(level);
            }
        }
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    static String pythonName(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            case Level.OFF_INT -> "CRITICAL";
            default -> "DEBUG";
        };
    }

    static Level javaLevel(String python) {
        return switch (python == null ? "" : python.toUpperCase(java.util.Locale.ROOT)) {
            case "DEBUG" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "WARNING", "WARN" -> Level.WARN;
            case "ERROR" -> Level.ERROR;
            case "CRITICAL", "FATAL" -> Level.ERROR;
            default -> throw new IllegalArgumentException("unknown log level '" + python + "'");
        };
    }
}
