package org.ebsvolume.worker.rpc;

import org.ebsvolume.messaging.ExposedException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code cinder.exception} classes this service raises, with the message and kwargs Cinder's
 * own classes format, so that cinder-api rebuilds the real exception (and its HTTP code).
 */
final class CinderErrors {

    private static final String MODULE = "cinder.exception";

    private CinderErrors() {
    }

    private static ExposedException of(String cls, String message, int code, Object... kv) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            kwargs.put((String) kv[i], kv[i + 1]);
        }
        kwargs.put("code", code);
        return new ExposedException(MODULE, cls, message, kwargs);
    }

    static ExposedException invalidInput(String reason) {
        return of("InvalidInput", "Invalid input received: " + reason, 400, "reason", reason);
    }

    static ExposedException volumeNotFound(String id) {
        return of("VolumeNotFound", "Volume " + id + " could not be found.", 404, "volume_id", id);
    }

    static ExposedException snapshotNotFound(String id) {
        return of("SnapshotNotFound", "Snapshot " + id + " could not be found.", 404, "snapshot_id", id);
    }

    static ExposedException backendApi(String reason) {
        return of("VolumeBackendAPIException", "Bad or unexpected response from the storage volume backend API: " + reason,
                500, "data", reason);
    }

    static ExposedException driverError(String reason) {
        return of("VolumeDriverException", "Volume driver reported an error: " + reason, 500);
    }

    static ExposedException invalidReplicationTarget(String reason) {
        return of("InvalidReplicationTarget", "Invalid Replication Target: " + reason, 400, "reason", reason);
    }

    static ExposedException volumeMigrationFailed(String reason) {
        return of("VolumeMigrationFailed", "Volume migration failed: " + reason, 500, "reason", reason);
    }

    static ExposedException invalidVolume(String reason) {
        return of("InvalidVolume", "Invalid volume: " + reason, 400, "reason", reason);
    }

    static ExposedException exportFailure(String reason) {
        return of("ExportFailure", "Failed to export for volume: " + reason, 500, "reason", reason);
    }
}
