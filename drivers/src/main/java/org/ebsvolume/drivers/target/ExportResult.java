package org.ebsvolume.drivers.target;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code create_export} hands back for the volume row.
 *
 * @param providerLocation e.g. {@code 192.0.2.10:3260,1 iqn.2010-10.org.openstack:volume-<id> 1} (tgt)
 * @param providerAuth     {@code CHAP <user> <password>}
 */
public record ExportResult(String providerLocation, String providerAuth) {

    /** The model update Cinder's LVM driver returns: {@code provider_location}, {@code provider_auth}. */
    public Map<String, Object> modelUpdate() {
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("provider_location", providerLocation);
        update.put("provider_auth", providerAuth);
        return update;
    }

    @Override
    public String toString() {
        return "ExportResult[providerLocation=" + providerLocation + ", providerAuth=" + Secrets.maskProviderAuth(providerAuth) + "]";
    }
}
