package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.drbd.DrbdHost;
import org.ebsvolume.drivers.drbd.DrbdNames;
import org.ebsvolume.drivers.drbd.DrbdProtocol;
import org.ebsvolume.drivers.drbd.DrbdSlot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the primary asks the backup to prepare: the resource's settings, which both nodes write
 * into the same resource file, and the primary's half of it. The backup adds its own half
 * ({@link ReplicaSide}).
 *
 * @param volumeId      Cinder's volume id (for the backup's log)
 * @param resource      the DRBD resource and LV name, {@code volume-<name id>}
 * @param sizeGb        the volume's size; the backup's LV gets room for DRBD's metadata on top
 * @param slot          port and minor, the same on both nodes
 * @param protocol      DRBD protocol (replication_mode of the primary)
 * @param resyncRateKib the resync rate of the primary's configuration
 * @param primary       the primary's node name, replication address and backing LV
 */
public record ReplicaRequest(String volumeId, String resource, int sizeGb, DrbdSlot slot, DrbdProtocol protocol,
                             long resyncRateKib, DrbdHost primary) {

    /** Largest volume accepted over the wire: 64 TiB, far above any VG in use, far below overflow. */
    public static final int MAX_SIZE_GB = 65536;

    public ReplicaRequest {
        Objects.requireNonNull(volumeId, "volumeId");
        DrbdNames.requireResourceName(resource);
        if (sizeGb < 1 || sizeGb > MAX_SIZE_GB) {
            throw new IllegalArgumentException("size " + sizeGb + " GiB is outside 1.." + MAX_SIZE_GB);
        }
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(primary, "primary");
    }

    /** The arguments of {@code replica_prepare}. */
    public Map<String, Object> toArgs() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("volume_id", volumeId);
        a.put("resource", resource);
        a.put("size_gb", sizeGb);
        a.put("port", slot.port());
        a.put("minor", slot.minor());
        a.put("protocol", protocol.name());
        a.put("resync_rate_kib", resyncRateKib);
        a.put("primary_hostname", primary.hostname());
        a.put("primary_address", primary.address());
        a.put("primary_disk", primary.backingDisk());
        return a;
    }

    /**
     * Reads {@link #toArgs}; every value is validated (names, address, port, minor, disk path),
     * so nothing unchecked reaches a resource file or a command line.
     *
     * @throws IllegalArgumentException a value is missing or invalid
     */
    public static ReplicaRequest fromArgs(Map<String, Object> a) {
        String protocol = text(a, "protocol");
        if (protocol.length() != 1) {
            throw new IllegalArgumentException("protocol '" + protocol + "' is not A, B or C");
        }
        return new ReplicaRequest(text(a, "volume_id"), text(a, "resource"), (int) number(a, "size_gb"),
                new DrbdSlot((int) number(a, "port"), (int) number(a, "minor")), DrbdProtocol.fromLetter(protocol.charAt(0)),
                number(a, "resync_rate_kib"),
                new DrbdHost(text(a, "primary_hostname"), text(a, "primary_address"), text(a, "primary_disk")));
    }

    static String text(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("argument '" + key + "' is missing or not a string");
        }
        return s;
    }

    static long number(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (!(v instanceof Number n) || v instanceof Double || v instanceof Float) {
            throw new IllegalArgumentException("argument '" + key + "' is missing or not an integer");
        }
        return n.longValue();
    }
}
