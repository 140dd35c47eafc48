package org.ebsvolume.drivers;

/**
 * The facts about a Cinder volume a driver needs. {@code nameId} is {@code _name_id or id}: the
 * storage name is {@code volume-<nameId>} (it differs from {@code id} after a migration).
 */
public record VolumeRef(String id, String nameId, int sizeGb, String host, String providerLocation,
                        String providerAuth, String volumeTypeId, boolean replicated) {

    public String storageName() {
        return "volume-" + nameId;
    }
}
