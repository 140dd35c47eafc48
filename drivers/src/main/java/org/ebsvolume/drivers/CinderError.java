package org.ebsvolume.drivers;

/**
 * The {@code cinder.exception} classes this project raises, on both sides of the driver boundary:
 * a driver names one in its {@link DriverException}, the worker names one in the remote exception
 * it sends to Cinder. Each constant carries Cinder's exact class name ({@link #className()}), which
 * is what goes on the wire as the failure's {@code class} with module {@link #MODULE}; the constant
 * names are those class names in upper snake case.
 *
 * <p>Add a constant only for a class that exists in Cinder's {@code cinder/exception.py}
 * ({@code CinderErrorTest} checks the names against an installed Cinder). Python builtins such as
 * {@code NotImplementedError} are not {@code cinder.exception} classes and do not belong here.
 */
public enum CinderError {
    // Volumes and snapshots
    VOLUME_NOT_FOUND("VolumeNotFound"),
    SNAPSHOT_NOT_FOUND("SnapshotNotFound"),
    VOLUME_IS_BUSY("VolumeIsBusy"),
    VOLUME_ATTACHED("VolumeAttached"),
    INVALID_VOLUME("InvalidVolume"),
    INVALID_INPUT("InvalidInput"),
    MANAGE_EXISTING_INVALID_REFERENCE("ManageExistingInvalidReference"),
    VOLUME_MIGRATION_FAILED("VolumeMigrationFailed"),
    INVALID_REPLICATION_TARGET("InvalidReplicationTarget"),

    // Backend and driver
    VOLUME_BACKEND_API_EXCEPTION("VolumeBackendAPIException"),
    VOLUME_DRIVER_EXCEPTION("VolumeDriverException"),
    VOLUME_GROUP_NOT_FOUND("VolumeGroupNotFound"),
    VOLUME_DEVICE_NOT_FOUND("VolumeDeviceNotFound"),
    VOLUME_NOT_DEACTIVATED("VolumeNotDeactivated"),

    // Exports, targets and connections
    EXPORT_FAILURE("ExportFailure"),
    REMOVE_EXPORT_EXCEPTION("RemoveExportException"),
    INVALID_CONNECTOR_EXCEPTION("InvalidConnectorException"),
    ISCSI_TARGET_CREATE_FAILED("ISCSITargetCreateFailed"),
    ISCSI_TARGET_REMOVE_FAILED("ISCSITargetRemoveFailed"),
    ISCSI_TARGET_ATTACH_FAILED("ISCSITargetAttachFailed"),
    ISCSI_TARGET_DETACH_FAILED("ISCSITargetDetachFailed"),

    // Images
    IMAGE_NOT_FOUND("ImageNotFound"),
    IMAGE_NOT_AUTHORIZED("ImageNotAuthorized"),
    IMAGE_UNACCEPTABLE("ImageUnacceptable"),
    IMAGE_COPY_FAILURE("ImageCopyFailure"),
    IMAGE_DOWNLOAD_FAILED("ImageDownloadFailed"),
    IMAGE_TOO_BIG("ImageTooBig"),
    IMAGE_LIMIT_EXCEEDED("ImageLimitExceeded"),
    GLANCE_CONNECTION_FAILED("GlanceConnectionFailed"),
    INVALID_IMAGE_REF("InvalidImageRef");

    /** The Python module all of these live in. */
    public static final String MODULE = "cinder.exception";

    private final String className;

    CinderError(String className) {
        this.className = className;
    }

    /** Cinder's class name, exactly as on the wire (e.g. {@code VolumeBackendAPIException}). */
    public String className() {
        return className;
    }

    /** {@code cinder.exception.<className>}, for logs and messages. */
    public String qualifiedName() {
        return MODULE + "." + className;
    }
}
