package org.ebsvolume.messaging;

/** No reply came for a call within its timeout; oslo's {@code MessagingTimeout}. */
public final class MessagingTimeoutException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public MessagingTimeoutException(String message) {
        super(message);
    }
}
