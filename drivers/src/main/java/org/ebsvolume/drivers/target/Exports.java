package org.ebsvolume.drivers.target;

import org.slf4j.Logger;

/**
 * What both target helpers do alike around an export, Cinder's {@code ISCSITarget} base class
 * in small: build the export's result, read back the IQN a volume row names, and the preamble of
 * {@code remove_export}. Each helper passes its own logger so that log lines keep its name.
 */
final class Exports {

    private Exports() {
    }

    /** The {@code provider_location} and {@code provider_auth} to store for a target with id {@code tid}. */
    static ExportResult result(ExportRequest request, String tid, int lun, ChapCredentials chap) {
        String location = ProviderLocation.of(request.portalIps(), request.port(), tid, request.iqn(), lun).format();
        return new ExportResult(location, chap.providerAuth());
    }

    /** The IQN in {@code provider_location}, or {@code null} when there is none to read. */
    static String exportedIqn(ExportedVolume volume, Logger log) {
        if (volume.providerLocation() == null || volume.providerLocation().isBlank()) {
            return null;
        }
        try {
            return ProviderLocation.parse(volume.providerLocation()).iqn();
        } catch (IllegalArgumentException e) {
            log.warn("Volume {}: unreadable provider_location '{}': {}", volume.volumeId(), volume.providerLocation(), e.getMessage());
            return null;
        }
    }

    /**
     * {@code remove_export}'s first step: the IQN to remove, or {@code null} (after Cinder's log
     * line) when the volume is not exported, which is a success as in Cinder.
     */
    static String iqnToRemove(ExportedVolume volume, Logger log) {
        String iqn = exportedIqn(volume, log);
        if (iqn == null) {
            logNothingToRemove(volume, log);
        }
        return iqn;
    }

    /** Cinder's words for a {@code remove_export} that finds nothing exported. */
    static void logNothingToRemove(ExportedVolume volume, Logger log) {
        log.info("Skipping remove_export. No iscsi_target is presently exported for volume: {}", volume.volumeId());
    }
}
