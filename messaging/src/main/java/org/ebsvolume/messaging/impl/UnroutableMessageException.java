package org.ebsvolume.messaging.impl;

import java.io.IOException;

/** The broker returned a mandatory message: no queue is bound under its routing key (yet, or any more). */
public final class UnroutableMessageException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnroutableMessageException(String exchange, String routingKey, String reason) {
        super("message to exchange '" + exchange + "' with routing key '" + routingKey + "' was returned: " + reason);
    }
}
