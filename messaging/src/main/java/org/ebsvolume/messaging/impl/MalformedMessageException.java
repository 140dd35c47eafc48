package org.ebsvolume.messaging.impl;

/**
 * A message that cannot be turned into an oslo request: undecodable, wrong content type, envelope
 * from an unknown version, oversized. Like oslo, the receiver rejects it and sends no reply.
 */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String reason) {
        super(reason);
    }

    public MalformedMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
