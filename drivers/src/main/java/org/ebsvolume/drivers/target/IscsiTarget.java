package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An iSCSI target helper, Cinder's {@code cinder/volume/targets} split: the volume driver owns
 * the block device, the helper exports it. {@link TgtAdmTarget} is {@code target_helper = tgtadm}
 * (Debian's default), {@link LioTarget} is {@code lioadm}.
 *
 * <p>Callers need not serialise calls: each helper holds a JVM-wide lock around its multi-step
 * changes (Cinder holds the external lock {@code lioadm} for LIO). Another process changing the
 * same targets at the same time (a Python cinder-volume on the same host) is not covered.
 */
public interface IscsiTarget {

    /**
     * {@code create_export}: makes the target exist and returns the {@code provider_location} and
     * {@code provider_auth} to store. Cinder calls it again on every attach, so calling it for an
     * existing export is normal and leaves that export as it is.
     */
    ExportResult createExport(ExportRequest request) throws DriverException;

    /**
     * {@code remove_export}: the target (and for LIO its backstore, for tgt its persistence file)
     * is gone afterwards. A volume that is not exported is a success, as in Cinder.
     */
    void removeExport(ExportedVolume volume) throws DriverException;

    /**
     * {@code initialize_connection}: lets {@code connector}'s initiator in (LIO adds an ACL with the
     * volume's CHAP credentials; tgt has no per-initiator ACLs) and returns the connection info,
     * see {@link #connectionInfo}.
     */
    Map<String, Object> initializeConnection(ExportedVolume volume, Connector connector) throws DriverException;

    /**
     * {@code terminate_connection}: LIO removes the initiator's ACL; tgt does nothing. The driver
     * decides first whether to call it at all, see {@link #keepAccessForOtherAttachments}.
     */
    void terminateConnection(ExportedVolume volume, Connector connector) throws DriverException;

    /** Whether the target named in {@code provider_location} is currently configured. */
    boolean exists(ExportedVolume volume) throws DriverException;

    /**
     * The connection info Cinder's {@code ISCSITarget.initialize_connection} builds from the volume
     * row ({@code _get_iscsi_properties}), keys in Cinder's order:
     * <pre>
     * {"driver_volume_type": "iscsi",
     *  "data": {"target_discovered": false,
     *           ["target_portals": [...], "target_iqns": [...], "target_luns": [...],]   more than one portal, or multipath
     *           "target_portal": "ip:port", "target_iqn": iqn, "target_lun": lun,
     *           "volume_id": id, "auth_method": "CHAP", "auth_username": u, "auth_password": p,
     *           "encrypted": bool, ["discard": true]}}                                report_discard_supported
     * </pre>
     * {@code discard} is what Cinder's volume manager adds afterwards: present (and {@code true})
     * only when the backend sets {@code report_discard_supported}. {@code driver_volume_type} is
     * always {@code iscsi}: iSER is not offered.
     */
    static Map<String, Object> connectionInfo(ExportedVolume volume, boolean multipath, boolean reportDiscardSupported)
            throws DriverException {
        ProviderLocation location;
        try {
            location = ProviderLocation.parse(volume.providerLocation());
        } catch (IllegalArgumentException e) {
            // Cinder would fall back to iscsiadm discovery here; a row without a location means the
            // export never happened, and connecting anyway would only fail later on the host.
            throw new DriverException(CinderError.INVALID_VOLUME, "Invalid volume: Could not find iSCSI export for volume "
                    + volume.volumeName() + " (" + e.getMessage() + ")");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target_discovered", false);
        int portals = location.portals().size();
        if (portals > 1 || multipath) {
            data.put("target_portals", location.portals());
            data.put("target_iqns", Collections.nCopies(portals, location.iqn()));
            data.put("target_luns", Collections.nCopies(portals, location.lun()));
        }
        data.put("target_portal", location.portals().get(0));
        data.put("target_iqn", location.iqn());
        data.put("target_lun", location.lun());
        data.put("volume_id", volume.volumeId());
        if (volume.providerAuth() != null && !volume.providerAuth().isEmpty()) {
            String[] auth = volume.providerAuth().trim().split("\\s+");
            if (auth.length != 3) {
                throw new DriverException(CinderError.INVALID_VOLUME, "Invalid volume: provider_auth of volume " + volume.volumeId()
                        + " is not \"<method> <user> <password>\" (" + auth.length + " words)");
            }
            data.put("auth_method", auth[0]);
            data.put("auth_username", auth[1]);
            data.put("auth_password", auth[2]);
        }
        data.put("encrypted", volume.encrypted());
        if (reportDiscardSupported) {
            data.put("discard", true);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("driver_volume_type", "iscsi");
        info.put("data", data);
        return info;
    }

    /**
     * Cinder's {@code LVMVolumeDriver.terminate_connection} rule for multiattach volumes: when
     * another attachment of this volume uses the same initiator (two instances on one compute
     * host), the initiator must keep access, so {@link #terminateConnection} must not be called.
     *
     * @param attachmentInitiators the {@code connector['initiator']} of every current attachment of
     *                             the volume, the one being detached included
     */
    static boolean keepAccessForOtherAttachments(boolean multiattach, List<String> attachmentInitiators, Connector connector) {
        if (!multiattach) {
            return false;
        }
        long same = attachmentInitiators.stream().filter(connector.initiator()::equals).count();
        return same > 1;
    }
}
