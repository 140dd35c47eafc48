package org.ebsvolume.drivers.target;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@code create_export} needs: the volume, the block device to serve, and the backend's
 * target options ({@code target_prefix}, {@code target_ip_address},
 * {@code iscsi_secondary_ip_addresses}, {@code target_port}).
 *
 * @param volumeId     Cinder's volume id (logs and error messages)
 * @param volumeName   storage name, {@code volume-<name_id>}; the IQN is {@code targetPrefix + volumeName}
 * @param devicePath   the block device (or, for tgt, any file) to export, e.g. {@code /dev/ebsvg/volume-…}
 * @param chap         credentials already in {@code provider_auth}, or {@code null} to generate new
 *                     ones as Cinder does on first export
 * @param targetPrefix {@code target_prefix}, Cinder's default {@code iqn.2010-10.org.openstack:}
 * @param ip           {@code target_ip_address}: the first portal
 * @param secondaryIps {@code iscsi_secondary_ip_addresses}: more portals on the same port (multipath)
 * @param port         {@code target_port}
 */
public record ExportRequest(String volumeId, String volumeName, String devicePath, ChapCredentials chap,
                            String targetPrefix, String ip, List<String> secondaryIps, int port) {

    /**
     * Names go into tgt config files and targetcli's command grammar unquoted; LIO also refuses
     * '_' in an IQN. Refusing odd characters here keeps both from being re-interpreted.
     */
    private static final Pattern IQN = Pattern.compile("[A-Za-z0-9.:-]{1,223}");
    private static final Pattern DEVICE = Pattern.compile("/[A-Za-z0-9._/:+-]+");
    private static final Pattern ADDRESS = Pattern.compile("\\[?[A-Za-z0-9.:%-]+]?");

    public ExportRequest {
        require(volumeId != null && !volumeId.isBlank(), "volumeId is required");
        require(volumeName != null && !volumeName.isBlank(), "volumeName is required");
        require(targetPrefix != null, "targetPrefix is required (Cinder's default: iqn.2010-10.org.openstack:)");
        require(IQN.matcher(targetPrefix + volumeName).matches(),
                "IQN '" + targetPrefix + volumeName + "' must be 1-223 characters of [A-Za-z0-9.:-]");
        require(devicePath != null && DEVICE.matcher(devicePath).matches() && !devicePath.contains("/../"),
                "devicePath must be an absolute path of [A-Za-z0-9._/:+-], got '" + devicePath + "'");
        require(ip != null && ADDRESS.matcher(ip).matches(), "ip (target_ip_address) is not an address: '" + ip + "'");
        secondaryIps = secondaryIps == null ? List.of() : List.copyOf(secondaryIps);
        for (String s : secondaryIps) {
            require(ADDRESS.matcher(s).matches(), "secondary ip is not an address: '" + s + "'");
        }
        require(port > 0 && port < 65536, "port must be 1-65535, got " + port);
    }

    /** {@code target_prefix + volume name}, e.g. {@code iqn.2010-10.org.openstack:volume-<id>}. */
    public String iqn() {
        return targetPrefix + volumeName;
    }

    /** The credentials to export with: those already in {@code provider_auth}, else new ones as Cinder makes on first export. */
    ChapCredentials chapOrNew() {
        return chap != null ? chap : ChapCredentials.generate();
    }

    /** Portal addresses in Cinder's order: the primary, then the secondaries. */
    public List<String> portalIps() {
        List<String> all = new ArrayList<>(1 + secondaryIps.size());
        all.add(ip);
        all.addAll(secondaryIps);
        return all;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
