package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

import java.util.Map;

/**
 * The part of Nova's connector dict an iSCSI target uses.
 *
 * @param initiator the host's initiator IQN ({@code connector['initiator']})
 * @param multipath {@code connector['multipath']}: ask for every portal, not just the first
 */
public record Connector(String initiator, boolean multipath) {

    public Connector {
        if (initiator == null || initiator.isBlank()) {
            throw new IllegalArgumentException("initiator is required");
        }
    }

    /**
     * Reads a connector dict as Cinder's {@code ISCSITarget.validate_connector} does: no
     * {@code initiator} key means {@code InvalidConnectorException(missing='initiator')}.
     * {@code multipath} counts when Python would find it truthy.
     */
    public static Connector from(Map<String, Object> connector) throws DriverException {
        Object initiator = connector == null ? null : connector.get("initiator");
        if (!(initiator instanceof String s) || s.isBlank()) {
            throw new DriverException(CinderError.INVALID_CONNECTOR_EXCEPTION, "Connector doesn't have required information: initiator");
        }
        return new Connector(s, truthy(connector.get("multipath")));
    }

    private static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String str) {
            return !str.isEmpty();
        }
        return true;
    }
}
