package org.ebsvolume.drivers.drbd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads the human format of {@code drbdadm status} / {@code drbdsetup status} (also with
 * {@code --verbose --statistics}), with an 8.4 module and with DRBD 9:
 * <pre>
 * volume-1 role:Primary                      resource (column 0)
 *   disk:UpToDate                            device (column 2; "volume:N" first with several volumes)
 *   peer role:Secondary                      connection (column 2, starts with the peer's name)
 *     replication:SyncSource peer-disk:Inconsistent done:83.31    peer device (column 4)
 * </pre>
 * Long lines are wrapped with the continuation indented 4 columns deeper than the line it
 * continues (so the resource's continuation is at column 4, a connection's at 6).
 *
 * <p>What the plain format leaves out is filled in as DRBD means it: DRBD 9 prints no
 * {@code connection:} for a connected peer and no {@code replication:} when it is
 * {@code Established}; a peer that is not connected has no role ({@code Unknown}) and no peer
 * device line. With an 8.4 module the connection is always named {@code peer}.
 *
 * <p>{@code drbdadm status --verbose} first echoes the drbdsetup command it runs; pass
 * drbdsetup's output, not that.
 */
public final class DrbdStatusParser {

    private DrbdStatusParser() {
    }

    /** The resources in the text, by name, in order. */
    public static Map<String, DrbdResourceState> parse(String text) throws DrbdParseException {
        Map<String, DrbdResourceState> out = new LinkedHashMap<>();
        Builder current = null;
        Map<String, String> open = null;        // the fields of the line continuations extend
        int openIndent = -1;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            String[] words = line.strip().split("\\s+");
            if (open != null && indent == openIndent + 4) {
                putAll(open, words, 0, n, line);
                continue;
            }
            switch (indent) {
                case 0 -> {
                    if (current != null) {
                        out.put(current.name, current.build());
                    }
                    current = new Builder(words[0]);
                    open = current.resource;
                    putAll(open, words, 1, n, line);
                }
                case 2 -> {
                    requireResource(current, n, line);
                    if (words[0].indexOf(':') > 0) {
                        open = new LinkedHashMap<>();
                        putAll(open, words, 0, n, line);
                        current.devices.put(volume(open, n, line), open);
                    } else {
                        open = new LinkedHashMap<>();
                        putAll(open, words, 1, n, line);
                        current.connections.put(words[0], open);
                        current.peerDevices.put(words[0], new TreeMap<>());
                        current.lastConnection = words[0];
                    }
                }
                case 4 -> {
                    requireResource(current, n, line);
                    if (current.lastConnection == null) {
                        throw new DrbdParseException("a peer-device line before any connection line", n, line);
                    }
                    open = new LinkedHashMap<>();
                    putAll(open, words, 0, n, line);
                    current.peerDevices.get(current.lastConnection).put(volume(open, n, line), open);
                }
                default -> throw new DrbdParseException("unexpected indentation " + indent, n, line);
            }
            openIndent = indent;
        }
        if (current != null) {
            out.put(current.name, current.build());
        }
        return out;
    }

    private static void requireResource(Builder current, int n, String line) throws DrbdParseException {
        if (current == null) {
            throw new DrbdParseException("an indented line before any resource line", n, line);
        }
    }

    private static int volume(Map<String, String> fields, int n, String line) throws DrbdParseException {
        String v = fields.getOrDefault("volume", "0");
        if (!v.matches("\\d{1,9}")) {
            throw new DrbdParseException("'volume:" + v + "' is not a number", n, line);
        }
        return Integer.parseInt(v);
    }

    private static void putAll(Map<String, String> into, String[] words, int from, int n, String line) throws DrbdParseException {
        for (int i = from; i < words.length; i++) {
            int colon = words[i].indexOf(':');
            if (colon <= 0) {
                throw new DrbdParseException("'" + words[i] + "' is not key:value", n, line);
            }
            into.put(words[i].substring(0, colon), words[i].substring(colon + 1));
        }
    }

    private static final class Builder {
        final String name;
        final Map<String, String> resource = new LinkedHashMap<>();
        final Map<Integer, Map<String, String>> devices = new TreeMap<>();
        final Map<String, Map<String, String>> connections = new LinkedHashMap<>();
        final Map<String, Map<Integer, Map<String, String>>> peerDevices = new LinkedHashMap<>();
        String lastConnection;

        Builder(String name) {
            this.name = name;
        }

        DrbdResourceState build() {
            Map<Integer, DrbdDevice> devs = new TreeMap<>();
            devices.forEach((vol, f) -> devs.put(vol, new DrbdDevice(vol, DrbdStateTracker.optionalInt(f.get("minor")),
                    DrbdDiskState.fromDrbd(f.get("disk")), DrbdStateTracker.optionalLong(f.get("size")))));
            Map<String, DrbdPeer> peers = new LinkedHashMap<>();
            connections.forEach((peerName, f) -> {
                DrbdConnectionState cs = f.containsKey("connection")
                        ? DrbdConnectionState.fromDrbd(f.get("connection")) : DrbdConnectionState.CONNECTED;
                DrbdRole role = f.containsKey("role") ? DrbdRole.fromDrbd(f.get("role")) : DrbdRole.UNKNOWN;
                Map<Integer, DrbdPeerDevice> pds = new TreeMap<>();
                peerDevices.get(peerName).forEach((vol, pf) -> {
                    Map<String, String> withDefaults = new LinkedHashMap<>(pf);
                    withDefaults.putIfAbsent("replication", cs == DrbdConnectionState.CONNECTED ? "Established" : "Off");
                    withDefaults.putIfAbsent("peer-disk", "DUnknown");
                    DrbdDevice local = devs.get(vol);
                    pds.put(vol, DrbdStateTracker.peerDevice(vol, withDefaults, local == null ? OptionalLong.empty() : local.sizeKib()));
                });
                peers.put(peerName, new DrbdPeer(peerName, DrbdStateTracker.optionalInt(f.get("node-id")), cs, role, pds));
            });
            return new DrbdResourceState(name, DrbdRole.fromDrbd(resource.get("role")), devs, peers);
        }
    }
}
