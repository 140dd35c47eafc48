package org.ebsvolume.messaging.transport;

/**
 * The {@code transport_url} cannot be used.
 *
 * <p>The message says what is wrong and where (scheme, host number, query key) but never repeats
 * the URL itself: it carries the broker password and this exception ends up in logs.
 */
public class InvalidTransportUrlException extends IllegalArgumentException {

    InvalidTransportUrlException(String message) {
        super(message);
    }

    InvalidTransportUrlException(String message, Throwable cause) {
        super(message, cause);
    }
}
