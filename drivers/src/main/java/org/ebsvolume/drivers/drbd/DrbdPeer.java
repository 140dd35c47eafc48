package org.ebsvolume.drivers.drbd;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The connection to one peer (events2 {@code connection}) and that peer's volumes.
 *
 * @param name        the connection's name: the peer's host name on DRBD 9, {@code peer} with an
 *                    8.4 module (drbd-utils' 8.4 emulation names every connection so)
 * @param peerNodeId  DRBD 9's node id of the peer (8.4's emulation always says 0); not in plain
 *                    {@code drbdadm status}
 * @param connection  the connection state
 * @param role        the peer's role ({@code Unknown} unless connected)
 * @param devices     the peer devices by volume number
 */
public record DrbdPeer(String name, OptionalInt peerNodeId, DrbdConnectionState connection, DrbdRole role,
                       Map<Integer, DrbdPeerDevice> devices) {

    public DrbdPeer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peerNodeId, "peerNodeId");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(role, "role");
        devices = java.util.Collections.unmodifiableMap(new TreeMap<>(devices));
    }
}
