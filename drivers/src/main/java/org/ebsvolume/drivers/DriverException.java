package org.ebsvolume.drivers;

import java.util.Objects;

/**
 * A driver could not do what it was asked. {@link #cinderError()} is the {@code cinder.exception}
 * class a Python caller should see (e.g. {@link CinderError#VOLUME_BACKEND_API_EXCEPTION}).
 */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    private final CinderError cinderError;

    public DriverException(CinderError cinderError, String message) {
        super(message);
        this.cinderError = Objects.requireNonNull(cinderError, "cinderError");
    }

    public DriverException(CinderError cinderError, String message, Throwable cause) {
        super(message, cause);
        this.cinderError = Objects.requireNonNull(cinderError, "cinderError");
    }

    public CinderError cinderError() {
        return cinderError;
    }

    /** Cinder's class name, as on the wire (e.g. {@code VolumeBackendAPIException}). */
    public String cinderClass() {
        return cinderError.className();
    }

    /**
     * The operation is not available on this backend. Cinder's drivers raise the Python builtin
     * {@code NotImplementedError} here, which is not a {@code cinder.exception} class; this one is
     * deliberately reported as Cinder's manager reports a driver failure, {@code VolumeDriverException}.
     */
    public static DriverException unsupported(String operation, String backend) {
        return new DriverException(CinderError.VOLUME_DRIVER_EXCEPTION,
                "Volume driver reported an error: backend " + backend + " has no storage driver yet and cannot " + operation);
    }
}
