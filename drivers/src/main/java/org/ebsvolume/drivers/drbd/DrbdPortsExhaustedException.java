package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

/** Every port of the backend's DRBD range is taken: no further volume can be replicated. */
public final class DrbdPortsExhaustedException extends DriverException {
    private static final long serialVersionUID = 1L;

    DrbdPortsExhaustedException(String resourceName, int startingPort, int count, int taken) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "no DRBD port left for " + resourceName + ": ports " + startingPort + ".."
                + (startingPort + count - 1) + " (replication_starting_port and the " + count
                + " after it) are all taken, " + taken + " resources hold a slot");
    }
}
