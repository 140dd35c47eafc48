package org.ebsvolume.worker.rpc;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.messaging.ExposedException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code cinder.exception} classes this service raises, with the message and kwargs Cinder's
 * own classes format, so that cinder-api rebuilds the real exception (and its HTTP code).
 */
final class CinderErrors {

    private CinderErrors() {
    }

    private static ExposedException of(CinderError cls, String message, int code, Object... kv) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            kwargs.put((String) kv[i], kv[i + 1]);
        }
        kwargs.put("code", code);
        return new ExposedException(CinderError.MODULE, cls.className(), message, kwargs);
    }

    static ExposedException invalidInput(String reason) {
        return of(CinderError.INVALID_INPUT, "Invalid input received: " + reason, 400, "reason", reason);
    }

    static ExposedException volumeNotFound(String id) {
        return of(CinderError.VOLUME_NOT_FOUND, "Volume " + id + " could not be found.", 404, "volume_id", id);
    }

    static ExposedException snapshotNotFound(String id) {
        return of(CinderError.SNAPSHOT_NOT_FOUND, "Snapshot " + id + " could not be found.", 404, "snapshot_id", id);
    }

    static ExposedException backendApi(String reason) {
        return of(CinderError.VOLUME_BACKEND_API_EXCEPTION, "Bad or unexpected response from the storage volume backend API: " + reason,
                500, "data", reason);
    }

    static ExposedException driverError(String reason) {
        return of(CinderError.VOLUME_DRIVER_EXCEPTION, "Volume driver reported an error: " + reason, 500);
    }

    static ExposedException invalidReplicationTarget(String reason) {
        return of(CinderError.INVALID_REPLICATION_TARGET, "Invalid Replication Target: " + reason, 400, "reason", reason);
    }

    static ExposedException volumeMigrationFailed(String reason) {
        return of(CinderError.VOLUME_MIGRATION_FAILED, "Volume migration failed: " + reason, 500, "reason", reason);
    }

    static ExposedException invalidVolume(String reason) {
        return of(CinderError.INVALID_VOLUME, "Invalid volume: " + reason, 400, "reason", reason);
    }

    static ExposedException exportFailure(String reason) {
        return of(CinderError.EXPORT_FAILURE, "Failed to export for volume: " + reason, 500, "reason", reason);
    }

    static ExposedException volumeAttached(String volumeId) {
        return of(CinderError.VOLUME_ATTACHED, "Volume " + volumeId + " is still attached, detach volume first.", 400,
                "volume_id", volumeId);
    }

    static ExposedException removeExportFailed(String volumeId, String reason) {
        return of(CinderError.REMOVE_EXPORT_EXCEPTION, "Failed to remove export for volume " + volumeId + ": " + reason, 500,
                "volume", volumeId, "reason", reason);
    }
}
