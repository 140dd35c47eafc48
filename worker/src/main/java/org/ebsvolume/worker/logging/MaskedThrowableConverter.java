package org.ebsvolume.worker.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Stack traces pass through the same masking as messages (exception texts can quote commands). */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return SecretMaskingConverter.mask(super.convert(event));
    }
}
