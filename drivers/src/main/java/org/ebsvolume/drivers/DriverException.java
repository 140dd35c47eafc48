package org.ebsvolume.drivers;

/**
 * A driver could not do what it was asked. {@code cinderClass} is the {@code cinder.exception}
 * class a Python caller should see (e.g. {@code VolumeBackendAPIException}).
 */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String cinderClass;

    public DriverException(String cinderClass, String message) {
        super(message);
        this.cinderClass = cinderClass;
    }

    public DriverException(String cinderClass, String message, Throwable cause) {
        super(message, cause);
        this.cinderClass = cinderClass;
    }

    public String cinderClass() {
        return cinderClass;
    }

    /** The operation is not available on this backend (Cinder: NotImplementedError from the driver). */
    public static DriverException unsupported(String operation, String backend) {
        return new DriverException("VolumeDriverException",
                "Volume driver reported an error: backend " + backend + " has no storage driver yet and cannot " + operation);
    }
}
