package org.ebsvolume.messaging.transport;

/**
 * An {@code [oslo_messaging_rabbit]} option (from the config file or the transport URL query) has
 * a value oslo.messaging 14 would refuse, or one this implementation cannot honour.
 *
 * <p>The message names the option, the offending value and what is expected. None of the options
 * of this group is declared {@code secret} in oslo.messaging 14, so quoting the value is safe.
 */
public class InvalidRabbitOptionException extends IllegalArgumentException {

    private final String option;

    public InvalidRabbitOptionException(String option, String message) {
        super(message);
        this.option = option;
    }

    public InvalidRabbitOptionException(String option, String message, Throwable cause) {
        super(message, cause);
        this.option = option;
    }

    /** The oslo name of the option at fault, e.g. {@code rabbit_transient_queues_ttl}. */
    public String option() {
        return option;
    }
}
