package org.ebsvolume.drivers.target;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cinder's {@code provider_location} for an iSCSI export, which is the same line iSCSI discovery
 * prints: {@code "<ip1>:<port>[;<ip2>:<port>…],<tid> <iqn> <lun>"}.
 *
 * <p>Writing follows {@code ISCSITarget._iscsi_location} (IPv6 addresses bracketed as
 * {@code volume_utils.sanitize_host} does); reading follows {@code _get_iscsi_properties}, which
 * is lenient about the LUN (0 when missing or not a number). Nova and os-brick read this string,
 * so its shape must not drift.
 */
record ProviderLocation(List<String> portals, String tid, String iqn, int lun) {

    private static final Pattern IPV6_CANDIDATE = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

    ProviderLocation {
        portals = List.copyOf(portals);
        if (portals.isEmpty()) {
            throw new IllegalArgumentException("an export needs at least one portal");
        }
    }

    static ProviderLocation of(List<String> ips, int port, String tid, String iqn, int lun) {
        List<String> portals = new ArrayList<>(ips.size());
        for (String ip : ips) {
            portals.add(sanitizeHost(ip) + ":" + port);
        }
        return new ProviderLocation(portals, tid, iqn, lun);
    }

    /** The column value, byte for byte what Cinder writes. */
    String format() {
        return String.join(";", portals) + "," + tid + " " + iqn + " " + lun;
    }

    /**
     * Parses the column the way Cinder does. Throws when there is no IQN: Cinder would fail with
     * an IndexError there, and connecting to "no target" is never what the caller wants.
     */
    static ProviderLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("provider_location is empty");
        }
        String[] words = location.split(" ");
        if (words.length < 2 || words[1].isEmpty()) {
            throw new IllegalArgumentException("provider_location has no IQN: '" + location + "'");
        }
        String head = words[0];
        int comma = head.indexOf(',');
        String portalPart = comma < 0 ? head : head.substring(0, comma);
        String tid = comma < 0 ? "" : head.substring(comma + 1);
        int lun;
        try {
            lun = words.length > 2 ? Integer.parseInt(words[2]) : 0;
        } catch (NumberFormatException e) {
            lun = 0;
        }
        return new ProviderLocation(List.of(portalPart.split(";", -1)), tid, words[1], lun);
    }

    /**
     * {@code volume_utils.sanitize_host}: a bare IPv6 address gets brackets so that
     * {@code addr:port} stays unambiguous; everything else (IPv4, names, already bracketed) is
     * left alone. Only literal addresses are examined, so this never does a DNS lookup.
     */
    static String sanitizeHost(String host) {
        if (host.indexOf(':') >= 0 && IPV6_CANDIDATE.matcher(host).matches()) {
            String bare = host.contains("%") ? host.substring(0, host.indexOf('%')) : host;
            try {
                // A literal with a colon is IPv6 (Java hands back ::ffff:a.b.c.d as an
                // Inet4Address, but Cinder's netutils still calls it IPv6, so test parsing only).
                InetAddress.getByName(bare);
                return "[" + host + "]";
            } catch (UnknownHostException e) {
                // Not a valid literal: leave it as Cinder would.
            }
        }
        return host;
    }
}
