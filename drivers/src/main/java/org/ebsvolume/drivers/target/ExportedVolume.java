package org.ebsvolume.drivers.target;

/**
 * A volume as the database knows it after {@code create_export}: what attaching, detaching and
 * removing the export read.
 *
 * @param volumeId         Cinder's volume id; it becomes {@code volume_id} in the connection info
 * @param volumeName       storage name, {@code volume-<name_id>} (tgt's persistence file is named after it)
 * @param providerLocation the {@code provider_location} column, {@code null} when never exported
 * @param providerAuth     the {@code provider_auth} column ({@code CHAP <user> <password>}) or {@code null}
 * @param encrypted        {@code encryption_key_id is not None}; reported as {@code encrypted}
 */
public record ExportedVolume(String volumeId, String volumeName, String providerLocation, String providerAuth,
                             boolean encrypted) {

    public ExportedVolume {
        if (volumeId == null || volumeId.isBlank() || volumeName == null || volumeName.isBlank()) {
            throw new IllegalArgumentException("volumeId and volumeName are required");
        }
    }

    @Override
    public String toString() {
        return "ExportedVolume[volumeId=" + volumeId + ", volumeName=" + volumeName + ", providerLocation="
                + providerLocation + ", providerAuth=" + Secrets.maskProviderAuth(providerAuth) + ", encrypted=" + encrypted + "]";
    }
}
