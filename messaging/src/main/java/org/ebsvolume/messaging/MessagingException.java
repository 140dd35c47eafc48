package org.ebsvolume.messaging;

/** Base of every failure this library reports to its callers. */
public class MessagingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MessagingException(String message) {
        super(message);
    }

    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
