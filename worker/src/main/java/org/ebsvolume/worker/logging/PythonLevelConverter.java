package org.ebsvolume.worker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Level names as Python's logging prints them (WARNING, not WARN). */
public final class PythonLevelConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        Level l = event.getLevel();
        return l == Level.WARN ? "WARNING" : l.toString();
    }
}
