package org.ebsvolume.drivers.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code replica_state} answers about the backup and one resource there.
 *
 * @param hostname    the backup's node name ({@code uname -n}), which its {@code on} section must carry
 * @param address     its replication address ({@code backend_ip})
 * @param usedPorts   DRBD ports its resource files hold (the primary picks a slot free on both nodes)
 * @param usedMinors  DRBD minors its resource files hold
 * @param hasFile     whether the resource has a resource file there
 * @param hasVolume   whether the backing LV exists there
 * @param kernelState the resource in events2's words, or "down" when the kernel does not know it
 */
public record ReplicaFacts(String hostname, String address, Set<Integer> usedPorts, Set<Integer> usedMinors,
                           boolean hasFile, boolean hasVolume, String kernelState) {

    public ReplicaFacts {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(address, "address");
        usedPorts = Set.copyOf(usedPorts);
        usedMinors = Set.copyOf(usedMinors);
        Objects.requireNonNull(kernelState, "kernelState");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", hostname);
        m.put("address", address);
        m.put("used_ports", new ArrayList<>(new TreeSet<>(usedPorts)));
        m.put("used_minors", new ArrayList<>(new TreeSet<>(usedMinors)));
        m.put("has_file", hasFile);
        m.put("has_volume", hasVolume);
        m.put("kernel_state", kernelState);
        return m;
    }

    public static ReplicaFacts fromMap(Map<String, Object> m) {
        return new ReplicaFacts(ReplicaRequest.text(m, "hostname"), ReplicaRequest.text(m, "address"), ints(m, "used_ports"),
                ints(m, "used_minors"), Boolean.TRUE.equals(m.get("has_file")), Boolean.TRUE.equals(m.get("has_volume")),
                ReplicaRequest.text(m, "kernel_state"));
    }

    private static Set<Integer> ints(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("'" + key + "' is missing or not a list");
        }
        Set<Integer> out = new TreeSet<>();
        for (Object o : list) {
            if (!(o instanceof Number n)) {
                throw new IllegalArgumentException("'" + key + "' holds " + o + ", not a number");
            }
            out.add(n.intValue());
        }
        return out;
    }
}
