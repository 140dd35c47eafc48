package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

/** A slot the peer chose is used here already (by another resource, or this resource holds another one). */
public final class DrbdSlotTakenException extends DriverException {
    private static final long serialVersionUID = 1L;

    DrbdSlotTakenException(String resourceName, DrbdSlot wanted, String holder, DrbdSlot held) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "DRBD port " + wanted.port() + " / minor " + wanted.minor() + " for " + resourceName
                + " is not free here: " + holder + " holds port " + held.port() + " / minor " + held.minor());
    }
}
