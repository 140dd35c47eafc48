package org.ebsvolume.drivers.drbd;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Follows {@code drbdsetup events2} and knows the current state of every resource it has seen.
 * {@code exists}, {@code create} and {@code change} lines add or overwrite keys ({@code change}
 * lines carry only what changed, e.g. {@code change connection name:volume-1 peer-node-id:0
 * conn-name:peer connection:Connecting}); {@code destroy} forgets the object and what belongs
 * to it. Objects it does not use ({@code path}, {@code helper}, newer ones) are ignored.
 *
 * <p>Thread-safe: a reader thread may {@link #apply} while others take {@link #snapshot}s.
 */
public final class DrbdStateTracker {

    /** Raw key:value fields per object, kept as DRBD printed them; typed only in {@link #snapshot}. */
    private final Map<String, Map<String, String>> resources = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Map<String, String>>> devices = new HashMap<>();
    private final Map<String, Map<String, Map<String, String>>> connections = new HashMap<>();
    private final Map<String, Map<String, Map<Integer, Map<String, String>>>> peerDevices = new HashMap<>();

    public synchronized void apply(DrbdEvent event) {
        if (event.kind() == DrbdEvent.Kind.CALL || event.kind() == DrbdEvent.Kind.RESPONSE) {
            return;
        }
        Map<String, String> f = event.fields();
        String res = f.get("name");
        if (res == null || (event.object().endsWith("device") && DrbdStateTracker.optionalInt(f.get("volume")).isEmpty())) {
            return;   // not from DrbdEvents2Parser, which refuses such lines; nothing to attach it to
        }
        boolean destroy = event.kind() == DrbdEvent.Kind.DESTROY;
        switch (event.object()) {
            case "resource" -> {
                if (event.kind() == DrbdEvent.Kind.RENAME) {
                    rename(res, f.get("new_name"));
                } else if (destroy) {
                    resources.remove(res);
                    devices.remove(res);
                    connections.remove(res);
                    peerDevices.remove(res);
                } else {
                    merge(resources.computeIfAbsent(res, k -> new LinkedHashMap<>()), f, event.kind());
                }
            }
            case "device" -> {
                int volume = Integer.parseInt(f.get("volume"));
                Map<Integer, Map<String, String>> byVolume = devices.computeIfAbsent(res, k -> new TreeMap<>());
                if (destroy) {
                    byVolume.remove(volume);
                } else {
                    merge(byVolume.computeIfAbsent(volume, k -> new LinkedHashMap<>()), f, event.kind());
                }
            }
            case "connection" -> {
                String peer = peerKey(f);
                Map<String, Map<String, String>> byPeer = connections.computeIfAbsent(res, k -> new LinkedHashMap<>());
                if (destroy) {
                    byPeer.remove(peer);
                    peerDevices.getOrDefault(res, Map.of()).remove(peer);
                } else {
                    merge(byPeer.computeIfAbsent(peer, k -> new LinkedHashMap<>()), f, event.kind());
                }
            }
            case "peer-device" -> {
                String peer = peerKey(f);
                int volume = Integer.parseInt(f.get("volume"));
                Map<Integer, Map<String, String>> byVolume = peerDevices.computeIfAbsent(res, k -> new HashMap<>())
                        .computeIfAbsent(peer, k -> new TreeMap<>());
                if (destroy) {
                    byVolume.remove(volume);
                } else {
                    merge(byVolume.computeIfAbsent(volume, k -> new LinkedHashMap<>()), f, event.kind());
                }
            }
            default -> {
                // path, helper, "-" and objects of newer DRBD versions: nothing this model keeps.
            }
        }
    }

    /** The state of one resource, if it has been seen and not destroyed. */
    public synchronized Optional<DrbdResourceState> resource(String name) {
        return Optional.ofNullable(snapshot().get(name));
    }

    /** Every resource seen and not destroyed, in the order DRBD first reported them. */
    public synchronized Map<String, DrbdResourceState> snapshot() {
        Map<String, DrbdResourceState> out = new LinkedHashMap<>();
        for (var r : resources.entrySet()) {
            String res = r.getKey();
            Map<Integer, DrbdDevice> devs = new TreeMap<>();
            for (var d : devices.getOrDefault(res, Map.of()).entrySet()) {
                Map<String, String> f = d.getValue();
                devs.put(d.getKey(), new DrbdDevice(d.getKey(), optionalInt(f.get("minor")),
                        DrbdDiskState.fromDrbd(f.get("disk")), optionalLong(f.get("size"))));
            }
            Map<String, DrbdPeer> peers = new LinkedHashMap<>();
            for (var c : connections.getOrDefault(res, Map.of()).entrySet()) {
                Map<String, String> f = c.getValue();
                Map<Integer, DrbdPeerDevice> pds = new TreeMap<>();
                for (var pd : peerDevices.getOrDefault(res, Map.of()).getOrDefault(c.getKey(), Map.of()).entrySet()) {
                    DrbdDevice local = devs.get(pd.getKey());
                    pds.put(pd.getKey(), peerDevice(pd.getKey(), pd.getValue(),
                            local == null ? OptionalLong.empty() : local.sizeKib()));
                }
                // 8.4's emulation drops conn-name once the connection is StandAlone (recorded after a split brain).
                String name = f.getOrDefault("conn-name", f.containsKey("peer-node-id") ? "peer-node-id:" + f.get("peer-node-id") : "peer");
                peers.put(name, new DrbdPeer(name, optionalInt(f.get("peer-node-id")),
                        DrbdConnectionState.fromDrbd(f.get("connection")), DrbdRole.fromDrbd(f.get("role")), pds));
            }
            out.put(res, new DrbdResourceState(res, DrbdRole.fromDrbd(r.getValue().get("role")), devs, peers));
        }
        return out;
    }

    static DrbdPeerDevice peerDevice(int volume, Map<String, String> f, OptionalLong deviceSizeKib) {
        DrbdReplicationState replication = DrbdReplicationState.fromDrbd(f.get("replication"));
        OptionalLong outOfSync = optionalLong(f.get("out-of-sync"));
        OptionalDouble done = OptionalDouble.empty();
        if (replication.isResync()) {
            done = optionalDouble(f.get("done"));
            if (done.isEmpty() && outOfSync.isPresent() && deviceSizeKib.isPresent() && deviceSizeKib.getAsLong() > 0) {
                // 8.4's events2 has no done:, drbdsetup's 8.4 status computes it this way.
                long size = deviceSizeKib.getAsLong();
                done = OptionalDouble.of(100.0 * Math.max(0, size - outOfSync.getAsLong()) / size);
            }
        }
        return new DrbdPeerDevice(volume, replication, DrbdDiskState.fromDrbd(f.get("peer-disk")), done, outOfSync);
    }

    /** A connection is known by its peer's node id (8.4's emulation: always 0), else by its name. */
    private static String peerKey(Map<String, String> f) {
        String id = f.get("peer-node-id");
        return id != null ? "#" + id : "name:" + f.getOrDefault("conn-name", "");
    }

    private static void merge(Map<String, String> into, Map<String, String> fields, DrbdEvent.Kind kind) {
        if (kind == DrbdEvent.Kind.CREATE) {
            into.clear();
        }
        into.putAll(fields);
    }

    private void rename(String from, String to) {
        if (from == null || to == null || !resources.containsKey(from)) {
            return;
        }
        Map<String, String> fields = resources.remove(from);
        fields.put("name", to);
        resources.put(to, fields);
        move(devices, from, to);
        move(connections, from, to);
        move(peerDevices, from, to);
    }

    private static <V> void move(Map<String, V> map, String from, String to) {
        V v = map.remove(from);
        if (v != null) {
            map.put(to, v);
        }
    }

    static OptionalInt optionalInt(String s) {
        try {
            return s == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static OptionalLong optionalLong(String s) {
        try {
            return s == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalDouble optionalDouble(String s) {
        try {
            if (s == null) {
                return OptionalDouble.empty();
            }
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
