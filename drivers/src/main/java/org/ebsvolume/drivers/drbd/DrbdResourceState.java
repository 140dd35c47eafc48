package org.ebsvolume.drivers.drbd;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one node knows about one resource at one moment: its own role, its volumes, and each
 * peer's connection, role and disks. Built from {@code drbdsetup events2} ({@link DrbdStateTracker},
 * {@link DrbdEvents2Parser#currentState}) or from {@code drbdadm status} ({@link DrbdStatusParser}).
 *
 * @param name    the resource
 * @param role    this node's role
 * @param devices this node's volumes by volume number
 * @param peers   the connections by connection name, in DRBD's order
 */
public record DrbdResourceState(String name, DrbdRole role, Map<Integer, DrbdDevice> devices, Map<String, DrbdPeer> peers) {

    public DrbdResourceState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        devices = Collections.unmodifiableMap(new TreeMap<>(devices));
        peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
    }

    /** Volume 0, the only volume of the project's resources. */
    public Optional<DrbdDevice> device() {
        return Optional.ofNullable(devices.get(0));
    }

    /** The peer when there is exactly one (the project's two-node resources); empty otherwise. */
    public Optional<DrbdPeer> onlyPeer() {
        return peers.size() == 1 ? Optional.of(peers.values().iterator().next()) : Optional.empty();
    }

    /**
     * One line in events2's words, for logs and health evidence, e.g.
     * {@code volume-1 role:Primary disk:UpToDate | peer connection:Connected role:Secondary
     * replication:SyncSource peer-disk:Inconsistent done:83.39}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(" role:").append(role);
        for (DrbdDevice d : devices.values()) {
            sb.append(devices.size() > 1 ? " volume:" + d.volume() : "").append(" disk:").append(d.disk());
        }
        if (peers.isEmpty()) {
            sb.append(" | no connection");
        }
        for (DrbdPeer p : peers.values()) {
            sb.append(" | ").append(p.name()).append(" connection:").append(p.connection()).append(" role:").append(p.role());
            for (DrbdPeerDevice pd : p.devices().values()) {
                sb.append(p.devices().size() > 1 ? " volume:" + pd.volume() : "")
                        .append(" replication:").append(pd.replication())
                        .append(" peer-disk:").append(pd.peerDisk());
                pd.donePercent().ifPresent(done -> sb.append(" done:").append(String.format(java.util.Locale.ROOT, "%.2f", done)));
            }
        }
        return sb.toString();
    }
}
