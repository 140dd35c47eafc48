package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.drbd.DrbdHost;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The backup's half of a resource, as {@code replica_prepare} answers it.
 *
 * @param host its node name ({@code uname -n}), replication address and backing LV
 * @param thin whether its backing LV is thin (fresh thin LVs read zeros: see {@link ReplicatedVolumes})
 * @param fresh whether this call created the backing LV (false: it was there from an earlier call)
 */
public record ReplicaSide(DrbdHost host, boolean thin, boolean fresh) {

    public ReplicaSide {
        Objects.requireNonNull(host, "host");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", host.hostname());
        m.put("address", host.address());
        m.put("disk", host.backingDisk());
        m.put("thin", thin);
        m.put("fresh", fresh);
        return m;
    }

    public static ReplicaSide fromMap(Map<String, Object> m) {
        return new ReplicaSide(new DrbdHost(ReplicaRequest.text(m, "hostname"), ReplicaRequest.text(m, "address"),
                ReplicaRequest.text(m, "disk")), Boolean.TRUE.equals(m.get("thin")), Boolean.TRUE.equals(m.get("fresh")));
    }
}
