package org.ebsvolume.worker.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.regex.Pattern;

/**
 * Masks what must never reach a log even if some code path prints it: Keystone tokens, CHAP and
 * database passwords, credentials inside URLs.
 */
public final class SecretMaskingConverter extends ClassicConverter {

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)((?:_context_)?(?:auth_token|auth_password|auth_username|password|passwd|secret|chap_secret|token)"
                    + "\\\\?[\"']?\\s*[:=]\\s*\\\\?[\"']?)([^\"'\\\\,\\s}&]+)");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:)([^@\\s]+)@");

    @Override
    public String convert(ILoggingEvent event) {
        return mask(event.getFormattedMessage());
    }

    public static String mask(String s) {
        if (s == null) {
            return null;
        }
        String out = KEY_VALUE.matcher(s).replaceAll("$1***");
        return URL_CREDENTIALS.matcher(out).replaceAll("$1***@");
    }
}
