package org.ebsvolume.worker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * Logging in oslo.log's line shape, so operators' tooling keeps working:
 * {@code 2026-11-23 22:07:05.038 4242 INFO org.ebsvolume.worker.BackendService [req-… user project] message},
 * with Python's level names and {@code [-]} outside a request. Every line passes through
 * {@link SecretMaskingConverter}, a last line of defence for tokens and passwords.
 */
public final class WorkerLogging {

    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} " + ProcessHandle.current().pid()
            + " %pylevel %logger [%X{oslo_request:--}] %maskedMsg%n%maskedEx";

    private WorkerLogging() {
    }

    /** @param logFile null for stdout */
    public static void configure(boolean debug, Path logFile) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        @SuppressWarnings("unchecked")
        Map<String, String> registry = (Map<String, String>) ctx.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY);
        if (registry == null) {
            registry = new java.util.HashMap<>();
            ctx.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, registry);
        }
        registry.put("pylevel", PythonLevelConverter.class.getName());
        registry.put("maskedMsg", SecretMaskingConverter.class.getName());
        registry.put("maskedEx", MaskedThrowableConverter.class.getName());

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();

        OutputStreamAppender<ILoggingEvent> appender;
        if (logFile == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setName("stdout");
            appender = console;
        } else {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setName("file");
            file.setFile(logFile.toString());
            file.setAppend(true);
            appender = file;
        }
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();

        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(debug ? Level.DEBUG : Level.INFO);
        root.addAppender(appender);
        // Libraries are noisy at DEBUG and say nothing an operator needs.
        for (String quiet : new String[] {"com.rabbitmq", "com.zaxxer", "org.quartz", "org.mariadb"}) {
            ctx.getLogger(quiet).setLevel(Level.WARN);
        }
    }
}
