package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

/**
 * A call to the backup host failed: unreachable (no reply in time), refused (authentication,
 * validation) or failed there (its LVM or DRBD error, as the backup reported it).
 */
public class ReplicaPeerException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final String peer;
    private final String call;

    public ReplicaPeerException(String peer, String call, String reason, Throwable cause) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "replication backend " + peer + ": " + call + " failed: " + reason, cause);
        this.peer = peer;
        this.call = call;
    }

    /** The backup's {@code backend_id}. */
    public String peer() {
        return peer;
    }

    /** The call that failed ({@code replica_prepare}, ...). */
    public String call() {
        return call;
    }
}
